import assert from "node:assert/strict";
import fc from "fast-check";
import { hashModPartitioner } from "../../partitioning/hash_mod.ts";
import { murmur3 } from "../../partitioning/hash.ts";
import { moves } from "../../partitioning/partitioner.ts";
import { keysFor, nodeIds } from "./fixtures.ts";

Deno.test("hash mod N owns key k at nodes[murmur3(k) % N]", () => {
  const nodes = nodeIds("h", 7);
  const p = hashModPartitioner(nodes);
  for (const key of keysFor("hm", 500)) assert.equal(p.owner(key), nodes[murmur3(key) % 7]);
});

Deno.test("hash mod N: a join moves about N/(N+1) of the keys", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 30 }), fc.nat(), (n, run) => {
      const keys = keysFor(`mod${run}`, 10_000);
      const before = hashModPartitioner(nodeIds("h", n));
      const report = moves(before, before.withNode("new"), keys);
      // Binomial noise: σ ≤ 0.005 at 10 000 keys; 0.03 is 6σ.
      assert.ok(Math.abs(report.fraction - n / (n + 1)) < 0.03, `n=${n} moved ${report.fraction}`);
      // Unlike consistent schemes, most moves go between old nodes.
      const toOld = report.moved.filter((m) => m.to !== "new").length;
      assert.ok(
        toOld > report.moved.length / 3,
        `only ${toOld} of ${report.moved.length} to old nodes`,
      );
    }),
    { seed: 42, numRuns: 25 },
  );
});

Deno.test("hash mod N: a leave also remaps most keys, not only the leaver's", () => {
  const keys = keysFor("ml", 10_000);
  const before = hashModPartitioner(nodeIds("h", 10));
  const report = moves(before, before.withoutNode("h-3"), keys);
  assert.ok(report.moved.some((m) => m.from !== "h-3"));
  assert.ok(Math.abs(report.fraction - 0.9) < 0.03, `moved ${report.fraction}`);
});

Deno.test("hash mod N rejects duplicate nodes and an owner query with no nodes", () => {
  assert.throws(() => hashModPartitioner(["a", "a"]), RangeError);
  assert.throws(() => hashModPartitioner([]).owner("k"), RangeError);
  assert.deepEqual(hashModPartitioner([]).preferenceList("k", 3), []);
});
