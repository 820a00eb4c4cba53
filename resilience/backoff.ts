/**
 * Backoff: how long to wait before retry number `n` (0 for the first retry).
 *
 * Exponential backoff and its jitter variants follow the AWS Architecture Blog analysis
 * "Exponential Backoff And Jitter" (Marc Brooker, 2015), with `t = min(cap, base·2ⁿ)` and
 * `between(a, b) = a + random()·(b − a)`:
 *
 * | jitter | delay before retry n |
 * |---|---|
 * | `none` | `t` |
 * | `full` | `between(0, t)` |
 * | `equal` | `t/2 + between(0, t/2)` |
 * | `decorrelated` | `min(cap, between(base, previous·3))`, with `previous = base` before the first retry |
 *
 * Full and decorrelated jitter spread competing clients best (fewest calls, least total
 * time in that analysis); `none` lets clients that failed together retry together.
 *
 * @module
 */

import type { Random } from "./clock.ts";

/**
 * The jitter variant of exponential backoff.
 *
 * @example
 * ```ts
 * import type { Jitter } from "./backoff.ts";
 * const jitter: Jitter = "full";
 * ```
 */
export type Jitter = "none" | "full" | "equal" | "decorrelated";

/**
 * A backoff policy: no wait, a constant wait, or capped exponential with jitter.
 *
 * @example
 * ```ts
 * import type { Backoff } from "./backoff.ts";
 * const backoff: Backoff = { type: "exponential", baseMs: 100, capMs: 10_000, jitter: "full" };
 * ```
 */
export type Backoff =
  | { readonly type: "none" }
  | { readonly type: "constant"; readonly delayMs: number }
  | {
    readonly type: "exponential";
    /** Delay before the first retry (and the lower bound of decorrelated jitter). */
    readonly baseMs: number;
    /** No delay exceeds this. */
    readonly capMs: number;
    /** Default `full`. */
    readonly jitter?: Jitter;
  };

/**
 * Capped exponential delay `min(cap, base·2ⁿ)` (jitter `none`).
 *
 * @example
 * ```ts
 * import { exponentialDelay } from "./backoff.ts";
 * exponentialDelay(3, 100, 500); // 500 (800 capped)
 * ```
 */
export function exponentialDelay(n: number, baseMs: number, capMs: number): number {
  // 2 ** n is Infinity for large n; min() then yields the cap.
  return Math.min(capMs, baseMs * 2 ** n);
}

/**
 * Full jitter: `between(0, min(cap, base·2ⁿ))`.
 *
 * @example
 * ```ts
 * import { fullJitterDelay } from "./backoff.ts";
 * fullJitterDelay(2, 100, 10_000, () => 0.5); // 200
 * ```
 */
export function fullJitterDelay(n: number, baseMs: number, capMs: number, random: Random): number {
  return random() * exponentialDelay(n, baseMs, capMs);
}

/**
 * Equal jitter: `t/2 + between(0, t/2)` with `t = min(cap, base·2ⁿ)`.
 *
 * @example
 * ```ts
 * import { equalJitterDelay } from "./backoff.ts";
 * equalJitterDelay(2, 100, 10_000, () => 0.5); // 300
 * ```
 */
export function equalJitterDelay(n: number, baseMs: number, capMs: number, random: Random): number {
  const half = exponentialDelay(n, baseMs, capMs) / 2;
  return half + random() * half;
}

/**
 * Decorrelated jitter: `min(cap, between(base, previous·3))`.
 *
 * @example
 * ```ts
 * import { decorrelatedJitterDelay } from "./backoff.ts";
 * decorrelatedJitterDelay(100, 100, 10_000, () => 0.5); // 200
 * ```
 */
export function decorrelatedJitterDelay(
  previousMs: number,
  baseMs: number,
  capMs: number,
  random: Random,
): number {
  const hi = Math.max(baseMs, previousMs * 3);
  return Math.min(capMs, baseMs + random() * (hi - baseMs));
}

/**
 * The delay before retry `n` (0-based) under `backoff`. `previousMs` is the delay chosen
 * before the previous retry (only decorrelated jitter uses it; pass `undefined` for the
 * first retry).
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./backoff.ts";
 * const b = { type: "exponential", baseMs: 100, capMs: 1000, jitter: "none" } as const;
 * [0, 1, 2, 3, 4].map((n) => backoffDelay(b, n, undefined, () => 0)); // [100, 200, 400, 800, 1000]
 * ```
 */
export function backoffDelay(
  backoff: Backoff,
  n: number,
  previousMs: number | undefined,
  random: Random,
): number {
  switch (backoff.type) {
    case "none":
      return 0;
    case "constant":
      return backoff.delayMs;
    case "exponential": {
      const { baseMs, capMs } = backoff;
      switch (backoff.jitter ?? "full") {
        case "none":
          return exponentialDelay(n, baseMs, capMs);
        case "full":
          return fullJitterDelay(n, baseMs, capMs, random);
        case "equal":
          return equalJitterDelay(n, baseMs, capMs, random);
        case "decorrelated":
          return decorrelatedJitterDelay(previousMs ?? baseMs, baseMs, capMs, random);
      }
    }
  }
}
