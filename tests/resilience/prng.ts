/**
 * A tiny seeded PRNG (mulberry32) for the resilience tests: same seed, same sequence.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "./prng.ts";
 * const random = mulberry32(42);
 * random(); // a number in [0, 1), the same on every run
 * ```
 *
 * @module
 */

/**
 * Returns a deterministic uniform generator in [0, 1) seeded by `seed`.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "./prng.ts";
 * const a = mulberry32(1);
 * const b = mulberry32(1);
 * a() === b(); // true
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
