/**
 * The options of a circuit breaker, and what they resolve to: defaults filled in,
 * ranges checked, the closed state's window created.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import { BulkheadRejectedError } from "./bulkhead.ts";
import { countWindow, type OutcomeWindow, timeWindow } from "./sliding_window.ts";

/**
 * How the closed state judges the dependency.
 *
 * @example
 * ```ts
 * import type { BreakerWindow } from "./circuit_options.ts";
 * const w: BreakerWindow = { type: "time", seconds: 10 };
 * ```
 */
export type BreakerWindow =
  /** Open after `failures` failures in a row. */
  | { readonly type: "consecutive"; readonly failures: number }
  /** Rates over the last `size` calls. */
  | { readonly type: "count"; readonly size: number }
  /** Rates over the last `seconds` seconds (1-second buckets). */
  | { readonly type: "time"; readonly seconds: number };

/**
 * Options of {@link CircuitBreaker}.
 *
 * @example
 * ```ts
 * import type { CircuitBreakerOptions } from "./circuit_options.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const options: CircuitBreakerOptions = {
 *   clock: createVirtualClock(),
 *   window: { type: "time", seconds: 10 },
 *   minimumCalls: 20,
 *   slowCallDurationMs: 2000,
 *   openWaitMs: 5000,
 *   openWaitMultiplier: 2,
 *   maxOpenWaitMs: 60_000,
 *   halfOpenCalls: 3,
 * };
 * ```
 */
export interface CircuitBreakerOptions {
  readonly clock: Clock;
  /** Default `{ type: "count", size: 100 }`. */
  readonly window?: BreakerWindow;
  /** Percent of failed calls (0 < x ≤ 100) that opens the breaker; default 50. */
  readonly failureRateThreshold?: number;
  /** Percent of slow calls (0 < x ≤ 100) that opens the breaker; default 100. */
  readonly slowCallRateThreshold?: number;
  /** A call taking longer than this is slow; default `Infinity` (none is). */
  readonly slowCallDurationMs?: number;
  /** Calls the window must hold before rates are judged; default: the count window's size, or 10. */
  readonly minimumCalls?: number;
  /** Time spent open before the first trial; default 60 000. */
  readonly openWaitMs?: number;
  /** Each reopening without a close in between multiplies the wait by this; default 1. */
  readonly openWaitMultiplier?: number;
  /** The longest open wait; default `Infinity`. */
  readonly maxOpenWaitMs?: number;
  /** Trial calls permitted in half-open; default 1. */
  readonly halfOpenCalls?: number;
  /** Half-open longer than this without a verdict reopens the breaker; default `Infinity`. */
  readonly maxHalfOpenMs?: number;
  /** Use clock timers to leave `open` / `half_open` on time even when idle; default false. */
  readonly automaticTransitions?: boolean;
  /** Whether an error counts as a failure (otherwise as a success); default: every error. */
  readonly isFailure?: (error: unknown) => boolean;
  /**
   * Errors that count as neither, because the call never reached the dependency or was
   * given up by its caller; checked first. Default: a {@link BulkheadRejectedError} (a
   * bulkhead inside the breaker refused it) or an `AbortError`.
   */
  readonly isIgnored?: (error: unknown) => boolean;
}

/**
 * {@link CircuitBreakerOptions} with every default applied and every range checked.
 *
 * @example
 * ```ts
 * import type { ResolvedCircuitOptions } from "./circuit_options.ts";
 * function consecutive(o: ResolvedCircuitOptions): boolean {
 *   return o.window === undefined;
 * }
 * ```
 */
export interface ResolvedCircuitOptions {
  readonly clock: Clock;
  /** `failures` of a `consecutive` window; 0 for the others. */
  readonly consecutiveLimit: number;
  /** A fresh `count` or `time` window; `undefined` for a `consecutive` one. */
  readonly window: OutcomeWindow | undefined;
  readonly failureThreshold: number;
  readonly slowThreshold: number;
  readonly slowMs: number;
  readonly minimumCalls: number;
  readonly openWaitMs: number;
  readonly multiplier: number;
  readonly maxOpenWaitMs: number;
  readonly halfOpenCalls: number;
  readonly maxHalfOpenMs: number;
  readonly automatic: boolean;
  readonly isFailure: (error: unknown) => boolean;
  readonly isIgnored: (error: unknown) => boolean;
  /** Calls need the clock only to measure slowness or to fill a time window. */
  readonly timed: boolean;
}

/**
 * Applies the defaults to `options` and checks them; throws a `RangeError` naming the
 * first invalid one.
 *
 * @example
 * ```ts
 * import { resolveCircuitOptions } from "./circuit_options.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const o = resolveCircuitOptions({ clock: createVirtualClock(), window: { type: "count", size: 20 } });
 * o.minimumCalls; // 20
 * ```
 */
export function resolveCircuitOptions(options: CircuitBreakerOptions): ResolvedCircuitOptions {
  const window = options.window ?? { type: "count", size: 100 };
  let consecutiveLimit = 0;
  let outcomes: OutcomeWindow | undefined;
  switch (window.type) {
    case "consecutive":
      consecutiveLimit = checkCount("window.failures", window.failures);
      break;
    case "count":
      outcomes = countWindow(checkCount("window.size", window.size));
      break;
    case "time":
      outcomes = timeWindow(checkCount("window.seconds", window.seconds));
      break;
  }
  const failureThreshold = checkPercent(
    "failureRateThreshold",
    options.failureRateThreshold ?? 50,
  );
  const slowThreshold = checkPercent("slowCallRateThreshold", options.slowCallRateThreshold ?? 100);
  const slowMs = checkMs("slowCallDurationMs", options.slowCallDurationMs ?? Infinity);
  const defaultMinimum = window.type === "count" ? window.size : 10;
  const minimum = checkCount("minimumCalls", options.minimumCalls ?? defaultMinimum);
  const openWaitMs = checkMs("openWaitMs", options.openWaitMs ?? 60_000);
  const multiplier = options.openWaitMultiplier ?? 1;
  if (!(multiplier >= 1)) throw new RangeError("openWaitMultiplier must be >= 1");
  return {
    clock: options.clock,
    consecutiveLimit,
    window: outcomes,
    failureThreshold,
    slowThreshold,
    slowMs,
    // A count window never holds more than its size, so a larger minimum could never be met.
    minimumCalls: window.type === "count" ? Math.min(minimum, window.size) : minimum,
    openWaitMs,
    multiplier,
    maxOpenWaitMs: checkMs("maxOpenWaitMs", options.maxOpenWaitMs ?? Infinity),
    halfOpenCalls: checkCount("halfOpenCalls", options.halfOpenCalls ?? 1),
    maxHalfOpenMs: checkMs("maxHalfOpenMs", options.maxHalfOpenMs ?? Infinity),
    automatic: options.automaticTransitions ?? false,
    isFailure: options.isFailure ?? (() => true),
    isIgnored: options.isIgnored ?? locallyRefused,
    timed: slowMs !== Infinity || window.type === "time",
  };
}

function checkPercent(name: string, value: number): number {
  if (!(value > 0 && value <= 100)) throw new RangeError(`${name} must be in (0, 100]`);
  return value;
}

function checkCount(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  }
  return value;
}

function checkMs(name: string, value: number): number {
  if (!(value >= 0)) throw new RangeError(`${name} must be >= 0, got ${value}`);
  return value;
}

function locallyRefused(error: unknown): boolean {
  return error instanceof BulkheadRejectedError ||
    (error instanceof DOMException && error.name === "AbortError");
}
