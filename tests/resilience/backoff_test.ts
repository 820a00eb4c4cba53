import assert from "node:assert/strict";
import fc from "fast-check";
import {
  backoffDelay,
  decorrelatedJitterDelay,
  equalJitterDelay,
  exponentialDelay,
  fullJitterDelay,
} from "../../resilience/backoff.ts";
import { mulberry32 } from "./prng.ts";

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const base = fc.integer({ min: 1, max: 1000 });
const extra = fc.integer({ min: 0, max: 100_000 });
const n = fc.integer({ min: 0, max: 40 });

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

Deno.test("exponential backoff is min(cap, base·2^n), doubling until the cap", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => exponentialDelay(i, 100, 1000)), [
    100,
    200,
    400,
    800,
    1000,
    1000,
  ]);
  assert.equal(exponentialDelay(5000, 100, 1000), 1000); // 2^5000 overflows to Infinity
  fc.assert(
    fc.property(n, base, extra, (i, b, e) => {
      const cap = b + e;
      const d = exponentialDelay(i, b, cap);
      assert.equal(d, Math.min(cap, b * 2 ** i));
      assert.ok(exponentialDelay(i + 1, b, cap) >= d);
    }),
    { seed: 42, numRuns: 500 },
  );
});

Deno.test("full jitter lies in [0, min(cap, base·2^n)]", () => {
  fc.assert(
    fc.property(n, base, extra, unit, (i, b, e, r) => {
      const t = Math.min(b + e, b * 2 ** i);
      const d = fullJitterDelay(i, b, b + e, () => r);
      assert.ok(d >= 0 && d <= t, `${d} outside [0, ${t}]`);
      assert.equal(d, r * t);
    }),
    { seed: 42, numRuns: 1000 },
  );
});

Deno.test("equal jitter lies in [t/2, t] with t = min(cap, base·2^n)", () => {
  fc.assert(
    fc.property(n, base, extra, unit, (i, b, e, r) => {
      const t = Math.min(b + e, b * 2 ** i);
      const d = equalJitterDelay(i, b, b + e, () => r);
      assert.ok(d >= t / 2 && d <= t, `${d} outside [${t / 2}, ${t}]`);
      assert.equal(d, t / 2 + r * (t / 2));
    }),
    { seed: 42, numRuns: 1000 },
  );
});

Deno.test("decorrelated jitter lies in [base, min(cap, 3·previous)] (cap permitting)", () => {
  fc.assert(
    fc.property(base, extra, fc.integer({ min: 0, max: 100_000 }), unit, (b, e, p, r) => {
      const cap = b + e;
      const previous = b + p;
      const d = decorrelatedJitterDelay(previous, b, cap, () => r);
      assert.ok(d >= Math.min(cap, b), `${d} below base`);
      assert.ok(d <= Math.min(cap, 3 * previous), `${d} above min(cap, 3·prev)`);
      assert.equal(d, Math.min(cap, b + r * (3 * previous - b)));
    }),
    { seed: 42, numRuns: 1000 },
  );
});

Deno.test("full jitter averages t/2 and equal jitter 3t/4 over many seeded draws", () => {
  fc.assert(
    fc.property(fc.integer(), n, base, extra, (seed, i, b, e) => {
      const random = mulberry32(seed);
      const t = Math.min(b + e, b * 2 ** i);
      const full: number[] = [];
      const equal: number[] = [];
      for (let k = 0; k < 4000; k++) {
        full.push(fullJitterDelay(i, b, b + e, random));
        equal.push(equalJitterDelay(i, b, b + e, random));
      }
      // The sample mean's standard deviation is about 0.29·t/√4000 ≈ 0.005·t.
      assert.ok(Math.abs(mean(full) - t / 2) < 0.03 * t, `full mean ${mean(full)} vs ${t / 2}`);
      assert.ok(Math.abs(mean(equal) - 0.75 * t) < 0.02 * t, `equal mean vs ${0.75 * t}`);
      // Uniform: roughly a quarter of the draws in each quarter of [0, t].
      const low = full.filter((d) => d < t / 4).length / full.length;
      assert.ok(Math.abs(low - 0.25) < 0.04, `share below t/4: ${low}`);
    }),
    { seed: 42, numRuns: 60 },
  );
});

Deno.test("decorrelated jitter draws uniformly between base and 3·previous", () => {
  fc.assert(
    fc.property(fc.integer(), base, fc.integer({ min: 1, max: 1000 }), (seed, b, p) => {
      const random = mulberry32(seed);
      const previous = b + p;
      const hi = 3 * previous;
      const draws = Array.from(
        { length: 4000 },
        () => decorrelatedJitterDelay(previous, b, Infinity, random),
      );
      assert.ok(draws.every((d) => d >= b && d <= hi));
      const expected = (b + hi) / 2;
      assert.ok(Math.abs(mean(draws) - expected) < 0.03 * (hi - b), "mean off centre");
    }),
    { seed: 42, numRuns: 60 },
  );
});

Deno.test("a decorrelated sequence stays within [base, cap] and never exceeds 3× its predecessor", () => {
  const random = mulberry32(7);
  const policy = { type: "exponential", baseMs: 50, capMs: 5000, jitter: "decorrelated" } as const;
  let previous: number | undefined;
  for (let i = 0; i < 1000; i++) {
    const d = backoffDelay(policy, i, previous, random);
    assert.ok(d >= 50 && d <= 5000);
    assert.ok(d <= 3 * (previous ?? 50));
    previous = d;
  }
});

Deno.test("backoffDelay dispatches none, constant and each jitter variant", () => {
  const r = () => 0.5;
  assert.equal(backoffDelay({ type: "none" }, 3, undefined, r), 0);
  assert.equal(backoffDelay({ type: "constant", delayMs: 70 }, 9, undefined, r), 70);
  const exp = (jitter?: "none" | "full" | "equal" | "decorrelated") =>
    backoffDelay({ type: "exponential", baseMs: 100, capMs: 10_000, jitter }, 2, 300, r);
  assert.equal(exp("none"), 400);
  assert.equal(exp("full"), 200);
  assert.equal(exp(undefined), 200); // full is the default
  assert.equal(exp("equal"), 300);
  assert.equal(exp("decorrelated"), 100 + 0.5 * (900 - 100));
  // The first decorrelated retry treats `previous` as base.
  assert.equal(
    backoffDelay(
      { type: "exponential", baseMs: 100, capMs: 10_000, jitter: "decorrelated" },
      0,
      undefined,
      r,
    ),
    200,
  );
});
