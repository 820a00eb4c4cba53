import assert from "node:assert/strict";
import fc from "fast-check";
import { murmur3, murmur3Bytes } from "../../partitioning/hash.ts";

Deno.test("murmur3 matches the published MurmurHash3 x86_32 test vectors", () => {
  const vectors: [string, number, number][] = [
    ["", 0, 0x00000000],
    ["", 1, 0x514e28b7],
    ["", 0xffffffff, 0x81f16f39],
    ["test", 0, 0xba6bd213],
    ["Hello, world!", 0, 0xc0363e43],
    ["Hello, world!", 0x9747b28c, 0x24884cba],
    ["The quick brown fox jumps over the lazy dog", 0, 0x2e4ff723],
  ];
  for (const [input, seed, expected] of vectors) {
    assert.equal(murmur3(input, seed), expected, `${JSON.stringify(input)} seed ${seed}`);
  }
});

Deno.test("murmur3 of a string equals murmur3Bytes of its TextEncoder UTF-8 bytes", () => {
  const encoder = new TextEncoder();
  // Code units straight from the whole 16-bit range, so lone surrogates appear often.
  const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 24 })
    .map((units) => String.fromCharCode(...units));
  const anyString = fc.oneof(fc.string({ unit: "binary", maxLength: 24 }), codeUnits, fc.string());
  fc.assert(
    fc.property(anyString, fc.integer({ min: 0, max: 0xffffffff }), (s, seed) => {
      assert.equal(murmur3(s, seed), murmur3Bytes(encoder.encode(s), seed));
    }),
    { seed: 42, numRuns: 2000 },
  );
});

Deno.test("murmur3 spreads similar keys evenly over 64 buckets", () => {
  const buckets = new Array<number>(64).fill(0);
  const count = 64 * 1024;
  for (let i = 0; i < count; i++) buckets[murmur3(`key-${i}`) % 64]++;
  // Each bucket expects 1024 keys with standard deviation ≈ 32; ±15 % is about 5σ.
  for (const c of buckets) assert.ok(Math.abs(c - 1024) < 154, `bucket count ${c}`);
});

Deno.test("murmur3 seeds give unrelated hashes of the same key", () => {
  let equalLowBytes = 0;
  for (let i = 0; i < 4096; i++) {
    if ((murmur3(`k${i}`, 1) & 0xff) === (murmur3(`k${i}`, 2) & 0xff)) equalLowBytes++;
  }
  // Independent bytes agree 1 time in 256: 16 expected out of 4096.
  assert.ok(equalLowBytes < 40, `low bytes agreed ${equalLowBytes} times`);
});
