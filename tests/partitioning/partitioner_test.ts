import assert from "node:assert/strict";
import fc from "fast-check";
import { hashModPartitioner } from "../../partitioning/hash_mod.ts";
import { jumpPartitioner } from "../../partitioning/jump.ts";
import { balance, moves, type Partitioner, summarize } from "../../partitioning/partitioner.ts";
import { rangePartitioner } from "../../partitioning/range.ts";
import { ringPartitioner } from "../../partitioning/ring.ts";
import { keysFor, nodeIds } from "./fixtures.ts";

function allKinds(nodes: string[]): Partitioner[] {
  return [
    rangePartitioner(nodes, keysFor("s", 200)),
    hashModPartitioner(nodes),
    ringPartitioner(nodes, { vnodes: 16 }),
    jumpPartitioner(nodes),
  ];
}

Deno.test("every partitioner's preference list has min(n, N) distinct nodes, owner first", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.array(fc.tuple(fc.string(), fc.integer({ min: -1, max: 15 })), { maxLength: 40 }),
      (size, queries) => {
        const nodes = nodeIds("p", size);
        for (const p of allKinds(nodes)) {
          for (const [key, n] of queries) {
            const list = p.preferenceList(key, n);
            assert.equal(list.length, Math.max(0, Math.min(n, size)), `${p.kind} n=${n}`);
            assert.equal(new Set(list).size, list.length, `${p.kind} duplicates ${list}`);
            assert.ok(list.every((id) => nodes.includes(id)));
            if (list.length > 0) assert.equal(list[0], p.owner(key), p.kind);
          }
        }
      },
    ),
    { seed: 42, numRuns: 150 },
  );
});

Deno.test("every partitioner: withNode/withoutNode are no-ops for members/non-members", () => {
  for (const p of allKinds(nodeIds("q", 4))) {
    assert.equal(p.withNode("q-1"), p, p.kind);
    assert.equal(p.withoutNode("zz"), p, p.kind);
    assert.ok(p.withNode("zz").nodes.includes("zz"), p.kind);
    assert.ok(!p.withoutNode("q-2").nodes.includes("q-2"), p.kind);
    assert.equal(p.nodes.length, 4, `${p.kind} changed in place`);
  }
});

Deno.test("moves lists exactly the keys whose owner differs, with both owners", () => {
  const before = hashModPartitioner(["a", "b"]);
  const after = hashModPartitioner(["b", "a"]); // every key swaps
  const keys = keysFor("m", 100);
  const report = moves(before, after, keys);
  assert.equal(report.total, 100);
  assert.equal(report.fraction, 1);
  for (const m of report.moved) {
    assert.equal(m.from, before.owner(m.key));
    assert.equal(m.to, after.owner(m.key));
  }
  assert.deepEqual(moves(before, before, keys).moved, []);
  assert.equal(moves(before, after, []).fraction, 0);
});

Deno.test("balance counts every key once, lists idle nodes, and reports the CV", () => {
  const p = rangePartitioner(["n1", "n2", "n3"], ["a", "m", "t"]); // splits at "m", "t"
  const b = balance(p, ["b", "c", "d", "e", "n", "o"]);
  assert.deepEqual([...b.counts], [["n1", 4], ["n2", 2], ["n3", 0]]);
  assert.equal(b.mean, 2);
  assert.equal(b.min, 0);
  assert.equal(b.max, 4);
  assert.ok(Math.abs(b.stddev - Math.sqrt(8 / 3)) < 1e-12);
  assert.ok(Math.abs(b.cv - Math.sqrt(8 / 3) / 2) < 1e-12);
  assert.deepEqual(summarize(new Map()).cv, 0);
  assert.equal(summarize(new Map([["x", 0]])).cv, 0);
});
