import assert from "node:assert/strict";
import fc from "fast-check";
import { jumpHash, jumpHashBigInt, jumpPartitioner } from "../../partitioning/jump.ts";
import { balance, moves } from "../../partitioning/partitioner.ts";
import { keysFor, nodeIds } from "./fixtures.ts";

const split = (key: bigint): [number, number] => [Number(key >> 32n), Number(key & 0xffffffffn)];

Deno.test("jump hash returns the published buckets for known keys", () => {
  const vectors: [bigint, number, number][] = [
    [1n, 1, 0],
    [42n, 57, 43],
    [256n, 1024, 520],
    [0xdead10ccn, 1, 0],
    [0xdead10ccn, 666, 361],
    [0n, 60, 0],
    [1n, 60, 55],
    [2n, 60, 46],
  ];
  for (const [key, buckets, expected] of vectors) {
    assert.equal(jumpHashBigInt(key, buckets), expected, `BigInt ${key} ${buckets}`);
    assert.equal(jumpHash(...split(key), buckets), expected, `halves ${key} ${buckets}`);
  }
});

Deno.test("jump hash on 32-bit halves equals the BigInt transcription for all 64-bit keys", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.integer({ min: 1, max: 1 << 24 }),
      (key, buckets) => {
        assert.equal(jumpHash(...split(key), buckets), jumpHashBigInt(key, buckets));
      },
    ),
    { seed: 42, numRuns: 3000 },
  );
});

Deno.test("jump hash carries into the upper word when the LCG's low word wraps", () => {
  // Pick lo with lo·M ≡ −1 (mod 2^32), so the first "+ 1" overflows the low word.
  const m = 2862933555777941757n & 0xffffffffn;
  let inverse = 1n; // Newton's iteration for the inverse of an odd number mod 2^32
  for (let i = 0; i < 5; i++) inverse = (inverse * (2n - m * inverse)) & 0xffffffffn;
  const lo = (-inverse) & 0xffffffffn;
  for (const hi of [0n, 1n, 0x7fffffffn, 0xffffffffn]) {
    const key = (hi << 32n) | lo;
    for (const buckets of [2, 1000, 1 << 30]) {
      assert.equal(jumpHash(...split(key), buckets), jumpHashBigInt(key, buckets));
    }
  }
});

Deno.test("jump hash moves a key only into the new bucket when buckets grow by one", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.integer({ min: 1, max: 5000 }),
      (key, n) => {
        const [hi, lo] = split(key);
        const before = jumpHash(hi, lo, n);
        const after = jumpHash(hi, lo, n + 1);
        assert.ok(before >= 0 && before < n);
        assert.ok(after === before || after === n, `${before} → ${after} at n=${n}`);
      },
    ),
    { seed: 42, numRuns: 3000 },
  );
});

Deno.test("jump partitioner: a join moves about 1/(N+1) of the keys, all to the new node", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (n, run) => {
      const keys = keysFor(`jump${run}`, 10_000);
      const before = jumpPartitioner(nodeIds("j", n));
      const report = moves(before, before.withNode("new"), keys);
      assert.ok(report.moved.every((m) => m.to === "new"));
      // Binomial noise: σ ≤ 0.005 at 10 000 keys; 0.025 is 5σ.
      assert.ok(Math.abs(report.fraction - 1 / (n + 1)) < 0.025, `moved ${report.fraction}`);
    }),
    { seed: 42, numRuns: 25 },
  );
});

Deno.test("jump partitioner: removing the last node moves only its keys; others swap into its slot", () => {
  const keys = keysFor("jr", 20_000);
  const p = jumpPartitioner(nodeIds("j", 10));
  const popped = moves(p, p.withoutNode("j-10"), keys);
  assert.ok(popped.moved.length > 0 && popped.moved.every((m) => m.from === "j-10"));

  const middle = p.withoutNode("j-4");
  assert.deepEqual(middle.nodes, ["j-1", "j-2", "j-3", "j-10", "j-5", "j-6", "j-7", "j-8", "j-9"]);
  const swapped = moves(p, middle, keys);
  // j-4's keys go to j-10 (now in slot 3); j-10's former keys spread over the rest.
  for (const m of swapped.moved) {
    assert.ok(m.from === "j-4" || m.from === "j-10", `unexpected move from ${m.from}`);
    if (m.from === "j-4") assert.equal(m.to, "j-10");
  }
  assert.ok(swapped.fraction > 0.15 && swapped.fraction < 0.25, `moved ${swapped.fraction}`);
});

Deno.test("jump partitioner spreads keys with only binomial noise", () => {
  const keys = keysFor("jb", 100_000);
  const b = balance(jumpPartitioner(nodeIds("j", 10)), keys);
  // Multinomial counts: cv ≈ √((N−1)/K) = 0.0095.
  assert.ok(b.cv < 0.02, `cv ${b.cv}`);
  assert.equal([...b.counts.values()].reduce((x, y) => x + y), keys.length);
});
