import assert from "node:assert/strict";
import fc from "fast-check";
import { Playback } from "../../dashboard/playback.ts";
import { TimeBase } from "../../dashboard/time_base.ts";

const ev = (time: number, node = "n1") => ({ time, kind: "role", node });

Deno.test("playback: live plays every event up to the cluster's present at once", () => {
  const p = new Playback();
  p.push(ev(10));
  p.push(ev(20));
  p.push(ev(30));
  const f = p.advance(25, 16);
  assert.deepEqual(f.played.map((e) => e.time), [10, 20]);
  assert.equal(p.pending, 1);
  assert.deepEqual(p.advance(40, 16).played.map((e) => e.time), [30]);
  assert.equal(p.mode, "live");
});

Deno.test("playback: paused, events wait in the buffer and the view's clock stands still", () => {
  const p = new Playback();
  p.advance(100, 16);
  p.pause();
  p.push(ev(110));
  p.push(ev(120));
  assert.deepEqual(p.advance(500, 300).played, []);
  assert.equal(p.viewTime, 100);
  assert.equal(p.pending, 2);
});

Deno.test("playback: a step plays exactly one event and moves the clock to it", () => {
  const p = new Playback();
  p.push(ev(5, "a"));
  p.push(ev(9, "b"));
  assert.equal(p.step()?.node, "a");
  assert.equal(p.mode, "paused");
  assert.equal(p.viewTime, 5);
  assert.equal(p.step()?.node, "b");
  assert.equal(p.step(), null);
});

Deno.test("playback: slowed down, the clock runs at the speed and never passes the present", () => {
  const p = new Playback();
  p.setSpeed(0.1);
  assert.equal(p.mode, "playing");
  for (let t = 1; t <= 100; t++) p.push(ev(t * 10));
  p.advance(0, 0);
  const f = p.advance(1000, 500); // 500 ms of real time at 0.1x: 50 ms of cluster time
  assert.equal(p.viewTime, 50);
  assert.deepEqual(f.played.map((e) => e.time), [10, 20, 30, 40, 50]);
  p.setSpeed(1);
  p.play();
  p.advance(1000, 10_000);
  assert.equal(p.viewTime, 1000, "capped at the cluster's present");
  p.advance(1000, 16);
  assert.equal(p.mode, "live", "caught up at 1x: live again");
});

Deno.test("playback: going live plays what waits without animation", () => {
  const p = new Playback();
  p.pause();
  p.push(ev(1));
  p.push(ev(2));
  assert.equal(p.goLive(5).length, 2);
  assert.equal(p.mode, "live");
  assert.equal(p.skippedTotal, 2);
  assert.equal(p.viewTime, 5);
});

Deno.test("playback: a full buffer is caught up by skipping its oldest events, in order", () => {
  const p = new Playback({ capacity: 3 });
  p.pause();
  for (let t = 1; t <= 5; t++) p.push(ev(t));
  const f = p.advance(10, 16);
  assert.deepEqual(f.skipped.map((e) => e.time), [1, 2]);
  assert.equal(p.pending, 3);
  assert.equal(p.viewTime, 2);
  assert.throws(() => p.setSpeed(0), RangeError);
});

Deno.test("playback: whatever the controls do, every event is played once, in arrival order", () => {
  const action = fc.oneof(
    fc.record({ k: fc.constant("push"), t: fc.integer({ min: 0, max: 1000 }) }),
    fc.record({
      k: fc.constant("advance"),
      now: fc.integer({ min: 0, max: 1200 }),
      dt: fc.nat(100),
    }),
    fc.record({ k: fc.constant("step") }),
    fc.record({ k: fc.constant("pause") }),
    fc.record({ k: fc.constant("play") }),
    fc.record({ k: fc.constant("speed"), s: fc.constantFrom(0.1, 0.5, 1) }),
  );
  fc.assert(
    fc.property(
      fc.array(action, { maxLength: 60 }),
      fc.integer({ min: 2, max: 20 }),
      (acts, cap) => {
        const p = new Playback({ capacity: cap });
        const pushed: number[] = [];
        const seen: number[] = [];
        let n = 0;
        for (const a of acts) {
          if (a.k === "push") {
            p.push({ time: a.t, kind: "x", node: String(n) });
            pushed.push(n++);
          } else if (a.k === "advance") {
            const f = p.advance(a.now, a.dt);
            for (const e of [...f.skipped, ...f.played]) seen.push(Number(e.node));
          } else if (a.k === "step") {
            const e = p.step();
            if (e !== null) seen.push(Number(e.node));
          } else if (a.k === "pause") p.pause();
          else if (a.k === "play") p.play();
          else p.setSpeed(a.s);
        }
        for (const e of p.goLive(2000)) seen.push(Number(e.node));
        assert.deepEqual(seen, pushed);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("time base: the smallest arrival gap is the offset, so late arrivals do not move it", () => {
  const tb = new TimeBase();
  assert.equal(tb.now(500), 0, "no event yet: the latest stamp");
  tb.observe(100, 1000);
  tb.observe(200, 1150);
  tb.observe(300, 1200);
  assert.equal(tb.offset, 900);
  assert.equal(tb.now(1250), 350);
  assert.equal(tb.now(1000), 300, "never before the latest stamp seen");
});
