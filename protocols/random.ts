/**
 * A small seeded PRNG (xoshiro128**) so that every random choice in a run replays
 * from its seed. Pure: hosts create one and hand `next` to protocols as `random()`.
 *
 * @module
 */

/**
 * A seeded random source.
 *
 * @example
 * ```ts
 * import { createRng, type Rng } from "./random.ts";
 * const rng: Rng = createRng(42);
 * const die = 1 + rng.int(6);
 * ```
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** The internal state, to fork or save. */
  state(): [number, number, number, number];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a PRNG from an integer seed or a string (hashed).
 *
 * @example
 * ```ts
 * import { createRng } from "./random.ts";
 * const rng = createRng(42);
 * const x = rng.next(); // same x for seed 42, every time
 * ```
 */
export function createRng(seed: number | string): Rng {
  let n: number;
  if (typeof seed === "string") {
    n = 2166136261;
    for (let i = 0; i < seed.length; i++) n = Math.imul(n ^ seed.charCodeAt(i), 16777619);
  } else {
    n = (seed ^ Math.floor(seed / 4294967296)) >>> 0;
  }
  const sm = splitmix32(n);
  let a = sm(), b = sm(), c = sm(), d = sm();
  const next32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
  return {
    next: () => next32() / 4294967296,
    int: (k: number) => Math.floor((next32() / 4294967296) * k),
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
