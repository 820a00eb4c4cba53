/**
 * The time and randomness a resilience policy is given instead of reaching for globals.
 *
 * Policies never read the wall clock or start host timers themselves: a host hands them a
 * {@link Clock} (virtual in tests and the simulator, real in `nodes/real_clock.ts`) and,
 * where jitter is wanted, a {@link Random}. That keeps every policy deterministic under a
 * virtual clock and a seeded random source.
 *
 * @module
 */

/**
 * Milliseconds of (virtual or real) time and one-shot timers.
 *
 * @example
 * ```ts
 * import type { Clock } from "./clock.ts";
 * function deadline(clock: Clock, ms: number): number {
 *   return clock.now() + ms;
 * }
 * ```
 */
export interface Clock {
  /** Current time in milliseconds; only differences are meaningful. */
  now(): number;
  /**
   * Calls `fn` once, `ms` milliseconds from now (negative or NaN means 0).
   * Returns a function that cancels the timer; cancelling twice or after it fired is a no-op.
   */
  setTimer(ms: number, fn: () => void): () => void;
}

/**
 * A uniform random number in [0, 1), usually from a seeded generator.
 *
 * @example
 * ```ts
 * import type { Random } from "./clock.ts";
 * const half: Random = () => 0.5;
 * half(); // 0.5
 * ```
 */
export type Random = () => number;
