import assert from "node:assert/strict";
import {
  labelFont,
  nodeAngles,
  ownedArcsPath,
  placeOnRing,
  thinLabels,
  tokenAngle,
} from "../../dashboard/ring_scale.ts";
import type { RingLabel } from "../../dashboard/ring_scale.ts";
import { LinkFlow } from "../../dashboard/link_flow.ts";
import { ringTokens } from "../../partitioning/ring.ts";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const C = 260;
const R = 190;

function overlaps(a: RingLabel, b: RingLabel): boolean {
  return a.box.x0 < b.box.x1 && b.box.x0 < a.box.x1 && a.box.y0 < b.box.y1 &&
    b.box.y0 < a.box.y1;
}

for (const n of [256, 1000]) {
  Deno.test(`ring to scale, ${n} nodes on a hash ring: angles are the tokens', to scale`, () => {
    const nodes = ids(n);
    const angles = nodeAngles(nodes, 64);
    const p = placeOnRing(angles, C, C, R, 14);
    assert.equal(p.spots.size, n);
    for (const id of nodes) {
      const token = ringTokens(id, 1)[0]!;
      const s = p.spots.get(id)!;
      // The angle is the token's share of the ring, and the drawn point lies on that ray,
      // on the ring or on an inner lane.
      assert.ok(Math.abs(s.angle - (token / 2 ** 32) * 2 * Math.PI) < 1e-9, id);
      const drawn = Math.atan2(s.x - C, C - s.y);
      const diff = Math.abs(((drawn - s.angle + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
      assert.ok(diff < 0.01, `${id}: drawn at ${drawn}, token at ${s.angle}`);
      const r = Math.hypot(s.x - C, s.y - C);
      assert.ok(Math.abs(r - (R - s.lane * p.laneStep)) < 0.05, `${id} on its lane`);
      assert.ok(s.lane >= 0 && s.lane < 6);
    }
    // Proportional: the angle between two nodes is the distance between their tokens.
    const [a, b] = [ringTokens("n1", 1)[0]!, ringTokens("n2", 1)[0]!];
    assert.ok(
      Math.abs(
        (angles.get("n2")! - angles.get("n1")!) - (tokenAngle(b) - tokenAngle(a)),
      ) < 1e-9,
    );
  });

  Deno.test(`ring to scale, ${n} nodes: names never overlap, the searched one always shown`, () => {
    const nodes = ids(n);
    const p = placeOnRing(nodeAngles(nodes, 64), C, C, R, 14);
    for (const searched of ["n57", `n${n}`, "n1"]) {
      const wishes = nodes.map((id) => ({
        id,
        angle: p.spots.get(id)!.angle,
        priority: id === searched ? 0 : id === "n3" ? 2 : 4,
      }));
      const t0 = performance.now();
      const labels = thinLabels(wishes, C, C, R + p.nodeR + 6, 10);
      const ms = performance.now() - t0;
      assert.ok(labels.has(searched), `${searched} is named`);
      assert.ok(labels.size >= 30, `${labels.size} names: the ring is not left bare`);
      assert.ok(labels.size < n, "not every name fits, and not every name is drawn");
      const kept = [...labels.values()];
      for (let i = 0; i < kept.length; i++) {
        for (let j = i + 1; j < kept.length; j++) {
          assert.ok(!overlaps(kept[i]!, kept[j]!), `${kept[i]!.id} overlaps ${kept[j]!.id}`);
        }
      }
      // Every name stays in the drawing (520 × 520).
      for (const l of kept) {
        assert.ok(l.box.x0 >= 0 && l.box.x1 <= 520 && l.box.y0 >= 0 && l.box.y1 <= 520, l.id);
      }
      assert.ok(ms < 500, `placing ${n} names took ${ms} ms`);
    }
  });
}

Deno.test("ring to scale, 64 nodes without a hash ring: evenly spaced, all on the ring", () => {
  const nodes = ids(64);
  const p = placeOnRing(nodeAngles(nodes, null), C, C, R, 14);
  const lanes = [...p.spots.values()].map((s) => s.lane);
  assert.deepEqual(new Set(lanes), new Set([0]), "no marker needs to move inwards");
  // Markers do not overlap: neighbours are further apart than two radii.
  const pts = nodes.map((id) => p.spots.get(id)!);
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i]!, b = pts[(i + 1) % pts.length]!;
    assert.ok(Math.hypot(a.x - b.x, a.y - b.y) > 2 * p.nodeR, `${a.id} and ${b.id}`);
  }
  // With room for every name at 64 nodes of short ids (at the 9 px the view uses past 48
  // nodes), all of them are shown.
  const labels = thinLabels(
    nodes.map((id) => ({ id, angle: p.spots.get(id)!.angle, priority: 1 })),
    C,
    C,
    R + p.nodeR + 6,
    labelFont(64),
  );
  assert.equal(labels.size, 64);
});

Deno.test("ring to scale, a hash ring of 64: markers moved inwards never overlap on a lane", () => {
  const nodes = ids(64);
  const p = placeOnRing(nodeAngles(nodes, 64), C, C, R, 14);
  const spots = [...p.spots.values()];
  let clashes = 0;
  for (let i = 0; i < spots.length; i++) {
    for (let j = i + 1; j < spots.length; j++) {
      const a = spots[i]!, b = spots[j]!;
      if (Math.hypot(a.x - b.x, a.y - b.y) < 2 * p.nodeR) clashes++;
    }
  }
  assert.equal(clashes, 0);
});

Deno.test("ring to scale: a node's owned arcs add up to its share of the ring", () => {
  const nodes = ids(8);
  const d = ownedArcsPath(nodes, 16, "n3", C, C, R);
  assert.equal((d.match(/M/g) ?? []).length, 16, "one arc per token");
  assert.equal(ownedArcsPath(nodes, 16, "n99", C, C, R), "");
});

Deno.test("link flow: a million messages among 1,000 nodes become at most maxLines lines", () => {
  const flow = new LinkFlow({ intervalMs: 250, maxLines: 160 });
  flow.tick(0);
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const t0 = performance.now();
  for (let i = 0; i < 1_000_000; i++) {
    // A leader (n1) talks to everyone, and some random pairs chatter.
    const to = `n${2 + Math.floor(rnd() * 999)}`;
    if (i % 4 === 0) flow.add(`n${1 + Math.floor(rnd() * 1000)}`, to, i % 40 === 0);
    else flow.add("n1", to, false);
  }
  const addMs = performance.now() - t0;
  const t1 = performance.now();
  const lines = flow.tick(250)!;
  const tickMs = performance.now() - t1;
  assert.equal(lines.length, 160);
  assert.ok(flow.links <= 1000 * 999 / 2);
  // The busiest first, and a busier line is at least as wide and opaque.
  for (let i = 1; i < lines.length; i++) {
    assert.ok(lines[i - 1]!.rate >= lines[i]!.rate);
    assert.ok(lines[i - 1]!.width >= lines[i]!.width);
    assert.ok(lines[i - 1]!.opacity >= lines[i]!.opacity);
  }
  assert.ok(lines.every((l) => l.a === "n1" || l.b === "n1"), "the leader's links lead");
  assert.ok(lines.every((l) => l.width >= 0.6 && l.width <= 4 && l.opacity <= 0.85));
  // Nothing to redraw until the next interval; per message the work is a counter.
  assert.equal(flow.tick(300), null);
  console.log(
    `1,000,000 messages counted in ${addMs.toFixed(0)} ms; ${flow.links} links folded ` +
      `into ${lines.length} lines in ${tickMs.toFixed(1)} ms`,
  );
  assert.ok(tickMs < 1000);
});

Deno.test("link flow: the work per interval does not grow with the message rate", () => {
  // The same links, 100 times more messages: the same number of lines and links.
  const run = (perLink: number) => {
    const flow = new LinkFlow({ intervalMs: 100, maxLines: 50 });
    flow.tick(0);
    for (let k = 0; k < perLink; k++) {
      for (let i = 2; i <= 256; i++) flow.add("n1", `n${i}`, false);
    }
    const lines = flow.tick(100)!;
    return { lines: lines.length, links: flow.links };
  };
  assert.deepEqual(run(1), run(100));
  assert.deepEqual(run(1), { lines: 50, links: 255 });
});

Deno.test("link flow: quiet links fade and are forgotten; drops colour a link", () => {
  const flow = new LinkFlow({ intervalMs: 100, halfLifeMs: 100 });
  flow.tick(0);
  for (let i = 0; i < 100; i++) flow.add("n2", "n1", i % 2 === 0);
  const [l] = flow.tick(100)!;
  assert.deepEqual([l!.a, l!.b, l!.dropped], ["n1", "n2", 0.5]);
  let t = 100;
  while (flow.links > 0 && t < 10_000) flow.tick(t += 100);
  assert.equal(flow.links, 0, "a link without traffic is dropped");
  assert.deepEqual(flow.lines, []);
});
