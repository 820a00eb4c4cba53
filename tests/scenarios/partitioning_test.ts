import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { runPartitioning, scenario } from "../../scenarios/partitioning.ts";

const r = runPartitioning();

Deno.test("partitioning: the A-G / H-N / O-Z example places keys by letter, whatever their case", () => {
  const shard = (k: string) => r.range.placements.find((p) => p.key === k)!;
  assert.equal(shard("apple").shard, "A-G");
  assert.equal(shard("apple").rawShard, "O-Z", "compared raw, lowercase sorts after 'O'");
  assert.equal(shard("Grape").shard, "A-G");
  assert.equal(shard("hazelnut").shard, "H-N");
  assert.equal(shard("Mango").shard, "H-N");
  assert.equal(shard("Orange").shard, "O-Z");
  assert.equal(shard("Zucchini").shard, "O-Z");
  for (const p of r.range.placements) {
    const first = p.key[0]!.toLowerCase();
    const expected = first <= "g" ? "A-G" : first <= "n" ? "H-N" : "O-Z";
    assert.equal(p.shard, expected, p.key);
  }
  assert.equal(r.range.rangeQuery.rangeShards, 1);
  assert.ok(r.range.rangeQuery.hashShards > 1);
  assert.equal(r.range.hotSpot.rangeBusiestShare, 1);
  assert.ok(r.range.hotSpot.hashBusiestShare < 0.4);
});

Deno.test("partitioning: the chapter's ring, a join at 75 degrees and a leave", () => {
  assert.deepEqual(r.ring.nodes.map((n) => [n.node, n.degrees]), [
    ["Node-A", 30],
    ["Node-B", 120],
    ["Node-C", 210],
    ["Node-D", 300],
  ]);
  for (const n of r.ring.nodes) assert.ok(Math.abs(n.share - 0.25) < 1e-6);
  // Every example key belongs to the first node clockwise from its position.
  for (const e of r.ring.examples) {
    const next = r.ring.nodes.find((n) => n.degrees >= e.degrees) ?? r.ring.nodes[0]!;
    assert.equal(e.owner, next.node, e.key);
  }
  assert.deepEqual([r.ring.join.from, r.ring.join.to], [["Node-B"], ["Node-E"]]);
  assert.equal(r.ring.join.arcShare, 0.125);
  assert.ok(Math.abs(r.ring.join.fraction - 0.125) < 0.02, `${r.ring.join.fraction}`);
  assert.deepEqual([r.ring.leave.from, r.ring.leave.to], [["Node-C"], ["Node-D"]]);
  assert.ok(Math.abs(r.ring.leave.fraction - 0.25) < 0.02, `${r.ring.leave.fraction}`);
});

Deno.test("partitioning: hash mod N moves about N/(N+1) of the keys, the ring about 1/(N+1)", () => {
  const g = r.growth;
  assert.equal(g.nodesBefore, 4);
  assert.ok(Math.abs(g.hashMod.fraction - 0.8) < 0.03, `hash mod ${g.hashMod.fraction}`);
  assert.ok(Math.abs(g.ring.fraction - 0.2) < 0.03, `ring ${g.ring.fraction}`);
  assert.ok(g.hashMod.betweenOldNodes > g.hashMod.moved / 2, "most moves are between old nodes");
  assert.equal(g.ring.betweenOldNodes, 0);
  assert.deepEqual(g.ring.to, ["n5"]);
});

Deno.test("partitioning: more virtual nodes, a more even load", () => {
  const first = r.vnodes[0]!, last = r.vnodes.at(-1)!;
  assert.equal(first.vnodes, 1);
  assert.equal(last.vnodes, 256);
  assert.ok(first.cv > 0.5, `one token: cv ${first.cv}`);
  assert.ok(last.cv < 0.1, `256 tokens: cv ${last.cv}`);
  assert.ok(last.maxOverMean < 1.2);
});

Deno.test("partitioning: deterministic", async () => {
  assert.deepEqual(runPartitioning(), r);
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
});
