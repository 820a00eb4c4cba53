/**
 * How much work a checker may do before it answers `unknown`. Time is injected, since
 * code under `protocols/` never reads a clock itself.
 *
 * @module
 */

/**
 * A checker's budget. Without one the search runs until it has an answer.
 *
 * @example
 * ```ts
 * import type { CheckBudget } from "./budget.ts";
 * let fake = 0;
 * const budget: CheckBudget = { maxSteps: 1_000_000, now: () => fake, timeoutMs: 5_000 };
 * ```
 */
export interface CheckBudget {
  /** The most search steps (one step tries or undoes one operation). */
  readonly maxSteps?: number;
  /** A clock in milliseconds; needed for `timeoutMs`. */
  readonly now?: () => number;
  /** Give up after this many milliseconds of `now()`. */
  readonly timeoutMs?: number;
}

/**
 * How often (in steps) a meter reads the injected clock.
 *
 * @example
 * ```ts
 * import { CLOCK_EVERY_STEPS } from "./budget.ts";
 * CLOCK_EVERY_STEPS; // 4096
 * ```
 */
export const CLOCK_EVERY_STEPS = 4096;

/**
 * Counts steps across every part of one check against a {@link CheckBudget}.
 *
 * @example
 * ```ts
 * import { createStepMeter } from "./budget.ts";
 * const meter = createStepMeter({ maxSteps: 10 });
 * meter.limit; // 10
 * ```
 */
export interface StepMeter {
  /** Steps taken so far (the search adds its steps when it returns). */
  steps: number;
  /** The step count at which to stop. */
  readonly limit: number;
  /** True if the clock says the time is up (always false without `now`/`timeoutMs`). */
  timeUp(): boolean;
  /** Why the budget ran out, for an `unknown` verdict. */
  exhaustedReason(): string;
}

/**
 * Creates a {@link StepMeter} for `budget`; the timeout counts from this call.
 *
 * @example
 * ```ts
 * import { createStepMeter } from "./budget.ts";
 * const meter = createStepMeter({});
 * meter.timeUp(); // false
 * ```
 */
export function createStepMeter(budget: CheckBudget = {}): StepMeter {
  const limit = budget.maxSteps ?? Infinity;
  const { now, timeoutMs } = budget;
  const deadline = now !== undefined && timeoutMs !== undefined ? now() + timeoutMs : undefined;
  let timedOut = false;
  return {
    steps: 0,
    limit,
    timeUp() {
      if (deadline === undefined || now === undefined) return false;
      if (now() >= deadline) timedOut = true;
      return timedOut;
    },
    exhaustedReason() {
      return timedOut
        ? `time budget of ${timeoutMs} ms exhausted after ${this.steps} steps`
        : `step budget of ${limit} steps exhausted`;
    },
  };
}
