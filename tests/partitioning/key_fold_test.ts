import assert from "node:assert/strict";
import {
  caseFold,
  foldKeys,
  moves,
  rangePartitionerFromSplits,
  ringPartitionerAt,
} from "../../partitioning/mod.ts";

Deno.test("foldKeys: case and width do not change a key's range; joins keep the fold", () => {
  const p = foldKeys(rangePartitionerFromSplits(["h", "o"], ["s1", "s2", "s3"]));
  for (const k of ["apple", "Apple", "APPLE", "ａｐｐｌｅ"]) assert.equal(p.owner(k), "s1", k);
  assert.equal(p.owner("zebra"), "s3");
  assert.equal(caseFold("ÄBC"), "äbc");
  const grown = p.withNode("s4");
  assert.equal(grown.owner("Apple"), grown.owner("apple"));
  assert.equal(p.preferenceList("Kiwi", 2)[0], "s2");
});

Deno.test("ringPartitionerAt: tokens where they are given; a join moves only the new node's arc", () => {
  const at = (deg: number) => Math.round((deg / 360) * 2 ** 32);
  const ring = ringPartitionerAt({ a: [at(30)], b: [at(120)], c: [at(210)], d: [at(300)] });
  assert.deepEqual(ring.tokens().map((t) => t.node), ["a", "b", "c", "d"]);
  assert.equal(ring.vnodes, 1);
  const keys = Array.from({ length: 4000 }, (_, i) => `k${i}`);
  const joined = ringPartitionerAt({
    a: [at(30)],
    b: [at(120)],
    c: [at(210)],
    d: [at(300)],
    e: [at(75)],
  });
  const m = moves(ring, joined, keys);
  assert.ok(m.moved.every((x) => x.from === "b" && x.to === "e"));
  assert.ok(Math.abs(m.fraction - 0.125) < 0.03);
  assert.throws(() => ringPartitionerAt({ a: [] }), /no token/);
  assert.throws(() => ringPartitionerAt({ a: [2 ** 32] }), /32-bit/);
  // A node added without tokens gets hashed ones.
  assert.equal(ring.withNode("f").tokens().filter((t) => t.node === "f").length, 1);
});
