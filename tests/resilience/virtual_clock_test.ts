import assert from "node:assert/strict";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";

Deno.test("virtual clock fires due timers in due order, each at its own time", () => {
  const clock = createVirtualClock();
  const fired: [string, number][] = [];
  clock.setTimer(30, () => fired.push(["c", clock.now()]));
  clock.setTimer(10, () => fired.push(["a", clock.now()]));
  clock.setTimer(20, () => fired.push(["b", clock.now()]));
  clock.advance(25);
  assert.deepEqual(fired, [["a", 10], ["b", 20]]);
  assert.equal(clock.now(), 25);
  assert.equal(clock.pending, 1);
  clock.advance(5);
  assert.deepEqual(fired.at(-1), ["c", 30]);
});

Deno.test("virtual clock breaks ties between equal due times by the order they were set", () => {
  const clock = createVirtualClock();
  const order: number[] = [];
  for (let i = 0; i < 20; i++) clock.setTimer(5, () => order.push(i));
  clock.advance(5);
  assert.deepEqual(order, [...Array(20).keys()]);
});

Deno.test("virtual clock runs timers set by a callback when they fall due within the advance", () => {
  const clock = createVirtualClock();
  const times: number[] = [];
  const again = (): void => {
    times.push(clock.now());
    if (times.length < 4) clock.setTimer(10, again);
  };
  clock.setTimer(10, again);
  clock.advance(35);
  assert.deepEqual(times, [10, 20, 30]);
  clock.advance(5);
  assert.deepEqual(times, [10, 20, 30, 40]);
});

Deno.test("virtual clock does not fire a cancelled timer, and cancelling twice is harmless", () => {
  const clock = createVirtualClock({ start: 100 });
  let fired = false;
  const cancel = clock.setTimer(1, () => (fired = true));
  cancel();
  cancel();
  assert.equal(clock.pending, 0);
  assert.equal(clock.nextDue(), undefined);
  clock.advance(10);
  assert.equal(fired, false);
  assert.equal(clock.now(), 110);
});

Deno.test("virtual clock treats negative and NaN delays as zero and refuses to go back", () => {
  const clock = createVirtualClock();
  const fired: number[] = [];
  clock.setTimer(-5, () => fired.push(1));
  clock.setTimer(NaN, () => fired.push(2));
  assert.equal(clock.nextDue(), 0);
  clock.advance(0);
  assert.deepEqual(fired, [1, 2]);
  assert.throws(() => clock.advance(-1), RangeError);
});

Deno.test("virtual clock runAll fires everything and stops at the limit", () => {
  const clock = createVirtualClock();
  let n = 0;
  const forever = (): void => {
    n++;
    clock.setTimer(1000, forever);
  };
  clock.setTimer(1000, forever);
  assert.equal(clock.runAll(5), 5);
  assert.equal(n, 5);
  assert.equal(clock.now(), 5000);
});

Deno.test("virtual clock advanceAsync lets promise chains set their next timer in time", async () => {
  const clock = createVirtualClock();
  const wait = (ms: number) => new Promise<void>((r) => clock.setTimer(ms, r));
  const times: number[] = [];
  const task = (async () => {
    for (let i = 0; i < 3; i++) {
      await wait(10);
      times.push(clock.now());
    }
  })();
  await clock.advanceAsync(30);
  await task;
  assert.deepEqual(times, [10, 20, 30]);
});
