import assert from "node:assert/strict";
import fc from "fast-check";
import { balance, moves } from "../../partitioning/partitioner.ts";
import { rangePartitioner, rangePartitionerFromSplits } from "../../partitioning/range.ts";
import { keysFor, nodeIds } from "./fixtures.ts";

/** Ascending distinct non-empty split strings with one owner per range. */
const layout = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 12 })
  .map((splits) => splits.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
  .chain((splits) =>
    fc.tuple(
      fc.constant(splits),
      fc.array(fc.constantFrom("n1", "n2", "n3", "n4"), {
        minLength: splits.length + 1,
        maxLength: splits.length + 1,
      }),
    )
  );

Deno.test("range owner is the owner of the range whose start ≤ key < end", () => {
  fc.assert(
    fc.property(layout, fc.string({ maxLength: 5 }), ([splits, owners], key) => {
      const p = rangePartitionerFromSplits(splits, owners);
      const index = splits.filter((s) => s <= key).length; // linear-scan oracle
      assert.equal(p.owner(key), owners[index]);
      const r = p.ranges()[index];
      assert.ok(r.start <= key && (r.end === null || key < r.end));
    }),
    { seed: 42, numRuns: 1000 },
  );
});

Deno.test("range preference list is the owner, then the next ranges' distinct owners", () => {
  const p = rangePartitionerFromSplits(["d", "h", "m", "t"], ["n1", "n2", "n1", "n3", "n2"]);
  assert.deepEqual(p.nodes, ["n1", "n2", "n3"]);
  assert.deepEqual(p.preferenceList("a", 3), ["n1", "n2", "n3"]);
  assert.deepEqual(p.preferenceList("k", 2), ["n1", "n3"]);
  assert.deepEqual(p.preferenceList("z", 5), ["n2", "n1", "n3"]); // wraps to the first range
});

Deno.test("range splits sit at the sample's quantiles and balance keys drawn like it", () => {
  const sample = keysFor("user", 5000).filter((_, i) => i % 5 === 0);
  const p = rangePartitioner(nodeIds("r", 10), sample);
  assert.equal(p.splits.length, 9);
  const b = balance(p, keysFor("user", 5000));
  assert.ok(b.cv < 0.05, `cv ${b.cv}`);
  // Sequential keys are a hot spot: a fresh batch all lands in a few ranges.
  const hot = balance(p, keysFor("user", 20_000).slice(10_000));
  assert.ok(hot.cv > 1, `hot-spot cv ${hot.cv}`);
});

Deno.test("range join splits the busiest range: moves come from one node, all to the new one", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), fc.nat(), (n, run) => {
      const keys = keysFor(`rj${run}`, 4000);
      const before = rangePartitioner(nodeIds("r", n), keys.filter((_, i) => i % 4 === 0));
      const after = before.withNode("new");
      const report = moves(before, after, keys);
      assert.ok(report.moved.length > 0);
      assert.ok(report.moved.every((m) => m.to === "new"));
      assert.equal(new Set(report.moved.map((m) => m.from)).size, 1);
      // Half of one of N equal ranges: ≈ 1/(2N) of the keys.
      assert.ok(Math.abs(report.fraction * 2 * n - 1) < 0.2, `n=${n} moved ${report.fraction}`);
    }),
    { seed: 42, numRuns: 40 },
  );
});

Deno.test("range leave moves only the leaver's keys, to the least loaded nodes", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 20 }), fc.nat(), (n, run) => {
      const keys = keysFor(`rl${run}`, 4000);
      const nodes = nodeIds("r", n);
      const before = rangePartitioner(nodes, keys.filter((_, i) => i % 4 === 0));
      const leaver = nodes[run % n];
      const after = before.withoutNode(leaver);
      const report = moves(before, after, keys);
      assert.equal(report.moved.length, keys.filter((k) => before.owner(k) === leaver).length);
      assert.ok(report.moved.every((m) => m.from === leaver));
      assert.deepEqual([...after.nodes].sort(), nodes.filter((m) => m !== leaver).sort());
      // Adjacent ranges with one owner are merged.
      const owners = after.owners;
      for (let i = 1; i < owners.length; i++) assert.notEqual(owners[i], owners[i - 1]);
    }),
    { seed: 42, numRuns: 40 },
  );
});

Deno.test("range without a sample still gives every node its own range", () => {
  const p = rangePartitioner(nodeIds("r", 6));
  assert.deepEqual([...p.nodes].sort(), nodeIds("r", 6).sort());
  assert.equal(p.owners.length, 6);
  for (let i = 1; i < p.splits.length; i++) assert.ok(p.splits[i - 1] < p.splits[i]);
  assert.equal(p.withoutNode("r-1").withoutNode("r-2").nodes.length, 4);
  const gone = nodeIds("r", 6).reduce((q, id) => q.withoutNode(id), p);
  assert.throws(() => gone.owner("k"), RangeError);
  assert.equal(gone.withNode("x").owner("k"), "x");
});

Deno.test("range rejects unsorted splits, empty splits and a wrong owner count", () => {
  assert.throws(() => rangePartitionerFromSplits(["b", "a"], ["n1", "n2", "n3"]), RangeError);
  assert.throws(() => rangePartitionerFromSplits(["a", "a"], ["n1", "n2", "n3"]), RangeError);
  assert.throws(() => rangePartitionerFromSplits([""], ["n1", "n2"]), RangeError);
  assert.throws(() => rangePartitionerFromSplits(["a"], ["n1"]), RangeError);
  assert.throws(() => rangePartitioner(["n1", "n1"]), RangeError);
});
