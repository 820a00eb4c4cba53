import assert from "node:assert/strict";
import fc from "fast-check";
import {
  buildMerkleTree,
  differingLeaves,
  entryDigest,
  merkleLeaf,
} from "../../protocols/quorum/merkle.ts";

const tree = (m: ReadonlyMap<string, string>, depth: number) =>
  buildMerkleTree([...m].map(([k, c]) => [k, entryDigest(k, c)] as const), depth);

Deno.test("equal replicas compare one hash; the order keys were added does not matter", () => {
  const m = new Map(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`]));
  const a = tree(m, 6);
  const b = tree(new Map([...m].reverse()), 6);
  assert.deepEqual(differingLeaves(a, b), { leaves: [], compared: 1 });
});

Deno.test("the descent finds exactly the leaves of the keys that differ", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 60 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.integer({ min: 0, max: 8 }),
      (keys, changes, depth) => {
        const a = new Map(keys.map((k) => [k, "same"]));
        const b = new Map(a);
        const changed = new Set<string>();
        for (const c of changes) {
          if (keys.length === 0) break;
          const k = keys[c % keys.length]!;
          // Change a value, or drop the key on one side.
          if (c % 2 === 0) b.set(k, "changed");
          else b.delete(k);
          changed.add(k);
        }
        const expected = [...new Set([...changed].map((k) => merkleLeaf(k, depth)))].sort((x, y) =>
          x - y
        );
        assert.deepEqual(differingLeaves(tree(a, depth), tree(b, depth)).leaves, expected);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("one differing key among 10 000 costs about 2·depth hash comparisons", () => {
  const m = new Map(Array.from({ length: 10_000 }, (_, i) => [`key-${i}`, "v"]));
  const b = new Map(m).set("key-4242", "new");
  const r = differingLeaves(tree(m, 10), tree(b, 10));
  assert.deepEqual(r.leaves, [merkleLeaf("key-4242", 10)]);
  assert.equal(r.compared, 1 + 2 * 10);
});

Deno.test("a leaf is a contiguous range of the hash ring", () => {
  // Keys in the same leaf share the top bits of their hash: leaf i covers [i·2^(32−d), (i+1)·2^(32−d)).
  for (const k of ["a", "b", "user:1", "user:2"]) {
    assert.equal(merkleLeaf(k, 4), merkleLeaf(k, 8) >>> 4);
    assert.equal(merkleLeaf(k, 0), 0);
  }
});
