/**
 * Circuit breaker: stop calling a dependency that is failing, give it time to recover,
 * then let a few trial calls through to see whether it has.
 *
 * ```
 *            failure threshold reached                 wait elapsed
 *  closed ─────────────────────────────▶ open ─────────────────────────▶ half_open
 *    ▲                                    ▲      trial calls fail             │
 *    │                                    └───────────────────────────────────┤
 *    └────────────────────────────────────────────────────────────────────────┘
 *                               trial calls succeed
 * ```
 *
 * - **closed**: calls pass; outcomes go into a window — `consecutive` failures, the last
 *   N calls (`count`) or the last N seconds (`time`, 1-second buckets). Once the window
 *   holds `minimumCalls`, the breaker opens when the failure rate or the slow-call rate
 *   (calls slower than `slowCallDurationMs`, failed or not) reaches its threshold
 *   (`>=`); a `consecutive` window opens on its Nth failure in a row.
 * - **open**: calls are refused with a {@link CircuitOpenError} for `openWaitMs`, growing
 *   by `openWaitMultiplier` (up to `maxOpenWaitMs`) each time it reopens without having
 *   closed in between.
 * - **half_open**: `halfOpenCalls` trial calls may run (more concurrent calls are
 *   refused). When all have reported, the breaker closes if their failure and slow rates
 *   are below the thresholds and reopens otherwise; for a `consecutive` window the first
 *   failed trial reopens it. Trials that never report would hold it half-open forever, so
 *   `maxHalfOpenMs` bounds the wait.
 * - **forced_open**: {@link CircuitBreaker.forceOpen} refuses everything until
 *   {@link CircuitBreaker.reset}.
 *
 * Transitions out of `open` and `half_open` happen lazily when the breaker is next used
 * or read, or by clock timers with `automaticTransitions`.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { FailureKind } from "./failure_kind.ts";
import type { Call, CallContext, Policy } from "./policy.ts";
import { BulkheadRejectedError } from "./bulkhead.ts";
import {
  countWindow,
  type OutcomeWindow,
  timeWindow,
  type WindowTotals,
} from "./sliding_window.ts";

/**
 * A breaker's state.
 *
 * @example
 * ```ts
 * import type { CircuitState } from "./circuit_breaker.ts";
 * const s: CircuitState = "half_open";
 * ```
 */
export type CircuitState = "closed" | "open" | "half_open" | "forced_open";

/**
 * How the closed state judges the dependency.
 *
 * @example
 * ```ts
 * import type { BreakerWindow } from "./circuit_breaker.ts";
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
 * import type { CircuitBreakerOptions } from "./circuit_breaker.ts";
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
 * Why a breaker changed state.
 *
 * @example
 * ```ts
 * import type { TransitionReason } from "./circuit_breaker.ts";
 * const r: TransitionReason = "failure_rate";
 * ```
 */
export type TransitionReason =
  | "failure_rate"
  | "slow_call_rate"
  | "consecutive_failures"
  | "wait_elapsed"
  | "trials_succeeded"
  | "trials_failed"
  | "half_open_timeout"
  | "forced"
  | "reset";

/**
 * Something that happened to a breaker, for listeners (metrics, traces, logs).
 *
 * @example
 * ```ts
 * import type { CircuitEvent } from "./circuit_breaker.ts";
 * const e: CircuitEvent = { type: "state_change", from: "closed", to: "open", reason: "failure_rate", at: 0 };
 * ```
 */
export type CircuitEvent =
  | {
    readonly type: "state_change";
    readonly from: CircuitState;
    readonly to: CircuitState;
    readonly reason: TransitionReason;
    readonly at: number;
  }
  | { readonly type: "success"; readonly durationMs: number; readonly slow: boolean }
  | {
    readonly type: "failure";
    readonly durationMs: number;
    readonly slow: boolean;
    readonly error: unknown;
  }
  | { readonly type: "ignored"; readonly error: unknown }
  | { readonly type: "rejected"; readonly state: CircuitState };

/**
 * A snapshot of a breaker.
 *
 * @example
 * ```ts
 * import type { CircuitMetrics } from "./circuit_breaker.ts";
 * function healthy(m: CircuitMetrics): boolean {
 *   return m.state === "closed" && m.failureRate < 10;
 * }
 * ```
 */
export interface CircuitMetrics {
  readonly state: CircuitState;
  /** Calls in the window (for `consecutive`: since the breaker last closed). */
  readonly calls: number;
  readonly failedCalls: number;
  readonly slowCalls: number;
  /** Percent of failed calls in the window, or -1 below `minimumCalls`. */
  readonly failureRate: number;
  /** Percent of slow calls in the window, or -1 below `minimumCalls`. */
  readonly slowCallRate: number;
  readonly consecutiveFailures: number;
  /** Calls refused since creation or the last reset. */
  readonly notPermittedCalls: number;
  /** Openings since the breaker last closed (the wait grows with it). */
  readonly openings: number;
  /** When an `open` breaker will let trials through; `undefined` in other states. */
  readonly openUntil: number | undefined;
  /** Trial calls running in `half_open`. */
  readonly trialsInFlight: number;
  /** Trial results reported in `half_open`. */
  readonly trialsDone: number;
}

/**
 * The error of a call an open (or half-open and busy) breaker refused. The call did not
 * run, so it is a `transient` failure; `retryAfterMs` tells a retry when trials resume.
 *
 * @example
 * ```ts
 * import { CircuitOpenError } from "./circuit_breaker.ts";
 * const e = new CircuitOpenError("open", 1500);
 * e.retryAfterMs; // 1500
 * ```
 */
export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";
  /** It did not run. */
  readonly failureKind: FailureKind = "transient";
  /** The state that refused the call. */
  readonly state: CircuitState;
  /** Milliseconds until the breaker lets trials through, when known. */
  readonly retryAfterMs: number | undefined;

  /** Creates the error for a refusal in `state`. */
  constructor(state: CircuitState, retryAfterMs?: number) {
    super(`circuit breaker is ${state}: call not permitted`);
    this.state = state;
    this.retryAfterMs = retryAfterMs;
  }
}

function percent(part: number, whole: number): number {
  return (part * 100) / whole;
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

/**
 * The circuit breaker policy. {@link CircuitBreaker.execute} guards an async call; hosts
 * without promises use {@link CircuitBreaker.tryAcquire} and then report exactly one of
 * {@link CircuitBreaker.onSuccess}, {@link CircuitBreaker.onError} or
 * {@link CircuitBreaker.releasePermission}.
 *
 * @example
 * ```ts
 * import { CircuitBreaker } from "./circuit_breaker.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const clock = createVirtualClock();
 * const breaker = new CircuitBreaker({ clock, window: { type: "consecutive", failures: 2 } });
 * for (let i = 0; i < 2; i++) {
 *   if (breaker.tryAcquire()) breaker.onError(5, new Error("boom"));
 * }
 * breaker.state; // "open"
 * ```
 */
export class CircuitBreaker implements Policy {
  readonly #clock: Clock;
  readonly #consecutiveLimit: number; // 0 unless the window is `consecutive`
  readonly #window: OutcomeWindow | undefined;
  readonly #failureThreshold: number;
  readonly #slowThreshold: number;
  readonly #slowMs: number;
  readonly #minimumCalls: number;
  readonly #openWaitMs: number;
  readonly #multiplier: number;
  readonly #maxOpenWaitMs: number;
  readonly #halfOpenCalls: number;
  readonly #maxHalfOpenMs: number;
  readonly #automatic: boolean;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #isIgnored: (error: unknown) => boolean;
  // Calls need the clock only to measure slowness or to fill a time window.
  readonly #timed: boolean;
  readonly #listeners: ((event: CircuitEvent) => void)[] = [];

  #state: CircuitState = "closed";
  /** Bumped on every transition; a result from an older epoch is stale. */
  #epoch = 0;
  #since = 0;
  #openUntil = 0;
  #openings = 0;
  #consecutive = 0;
  // For a `consecutive` window: calls since the breaker last closed, for metrics only.
  #streakCalls = 0;
  #streakFailures = 0;
  #streakSlow = 0;
  #notPermitted = 0;
  #trialsInFlight = 0;
  #trialCalls = 0;
  #trialFailures = 0;
  #trialSlow = 0;
  #cancelTimer: (() => void) | undefined;

  /** Creates a closed breaker; throws a `RangeError` on invalid options. */
  constructor(options: CircuitBreakerOptions) {
    const window = options.window ?? { type: "count", size: 100 };
    this.#clock = options.clock;
    switch (window.type) {
      case "consecutive":
        this.#consecutiveLimit = checkCount("window.failures", window.failures);
        break;
      case "count":
        this.#consecutiveLimit = 0;
        this.#window = countWindow(checkCount("window.size", window.size));
        break;
      case "time":
        this.#consecutiveLimit = 0;
        this.#window = timeWindow(checkCount("window.seconds", window.seconds));
        break;
    }
    this.#failureThreshold = checkPercent(
      "failureRateThreshold",
      options.failureRateThreshold ?? 50,
    );
    this.#slowThreshold = checkPercent(
      "slowCallRateThreshold",
      options.slowCallRateThreshold ?? 100,
    );
    this.#slowMs = checkMs("slowCallDurationMs", options.slowCallDurationMs ?? Infinity);
    const defaultMinimum = window.type === "count" ? window.size : 10;
    const minimum = checkCount("minimumCalls", options.minimumCalls ?? defaultMinimum);
    // A count window never holds more than its size, so a larger minimum could never be met.
    this.#minimumCalls = window.type === "count" ? Math.min(minimum, window.size) : minimum;
    this.#openWaitMs = checkMs("openWaitMs", options.openWaitMs ?? 60_000);
    this.#multiplier = options.openWaitMultiplier ?? 1;
    if (!(this.#multiplier >= 1)) throw new RangeError("openWaitMultiplier must be >= 1");
    this.#maxOpenWaitMs = checkMs("maxOpenWaitMs", options.maxOpenWaitMs ?? Infinity);
    this.#halfOpenCalls = checkCount("halfOpenCalls", options.halfOpenCalls ?? 1);
    this.#maxHalfOpenMs = checkMs("maxHalfOpenMs", options.maxHalfOpenMs ?? Infinity);
    this.#automatic = options.automaticTransitions ?? false;
    this.#isFailure = options.isFailure ?? (() => true);
    this.#isIgnored = options.isIgnored ?? locallyRefused;
    this.#timed = this.#slowMs !== Infinity || window.type === "time";
    this.#since = this.#clock.now();
  }

  /** The current state (a due `open` → `half_open` transition happens on reading). */
  get state(): CircuitState {
    return this.#refresh();
  }

  /** Listens to every {@link CircuitEvent}; returns a function that unsubscribes. */
  subscribe(listener: (event: CircuitEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Listens to state changes only; returns a function that unsubscribes. */
  onStateChange(
    listener: (from: CircuitState, to: CircuitState, reason: TransitionReason) => void,
  ): () => void {
    return this.subscribe((e) => {
      if (e.type === "state_change") listener(e.from, e.to, e.reason);
    });
  }

  /** A snapshot of the breaker's counters and rates. */
  metrics(): CircuitMetrics {
    this.#refresh();
    const now = this.#clock.now();
    let t: WindowTotals;
    if (this.#window) t = this.#window.totals(now);
    else t = { calls: this.#streakCalls, failures: this.#streakFailures, slow: this.#streakSlow };
    const judged = t.calls >= this.#minimumCalls && t.calls > 0;
    return {
      state: this.#state,
      calls: t.calls,
      failedCalls: t.failures,
      slowCalls: t.slow,
      failureRate: judged ? percent(t.failures, t.calls) : -1,
      slowCallRate: judged ? percent(t.slow, t.calls) : -1,
      consecutiveFailures: this.#consecutive,
      notPermittedCalls: this.#notPermitted,
      openings: this.#openings,
      openUntil: this.#state === "open" ? this.#openUntil : undefined,
      trialsInFlight: this.#state === "half_open" ? this.#trialsInFlight : 0,
      trialsDone: this.#state === "half_open" ? this.#trialCalls : 0,
    };
  }

  /**
   * Asks to make one call. `true`: make it, then report its outcome; `false`: it was
   * refused (the breaker is open, forced open, or half-open with every trial taken).
   */
  tryAcquire(): boolean {
    if (this.#state === "closed") return true;
    const state = this.#refresh();
    if (state === "closed") return true;
    if (
      state === "half_open" && this.#trialsInFlight + this.#trialCalls < this.#halfOpenCalls
    ) {
      this.#trialsInFlight++;
      return true;
    }
    this.#notPermitted++;
    if (this.#listeners.length > 0) this.#emit({ type: "rejected", state });
    return false;
  }

  /** Reports that a permitted call succeeded after `durationMs`. */
  onSuccess(durationMs: number): void {
    this.#complete(durationMs, false, undefined, undefined);
  }

  /** Reports that a permitted call failed after `durationMs` with `error`. */
  onError(durationMs: number, error: unknown): void {
    this.#failed(durationMs, error, undefined);
  }

  #failed(durationMs: number, error: unknown, end: number | undefined): void {
    if (this.#isIgnored(error)) {
      if (this.#listeners.length > 0) this.#emit({ type: "ignored", error });
      this.releasePermission();
      return;
    }
    this.#complete(durationMs, this.#isFailure(error), error, end);
  }

  /** Returns a permission that was granted but not used (the call was never made). */
  releasePermission(): void {
    if (this.#state === "half_open" && this.#trialsInFlight > 0) this.#trialsInFlight--;
  }

  /** Refuses every call until {@link CircuitBreaker.reset}. */
  forceOpen(): void {
    this.#transition("forced_open", "forced");
  }

  /** Closes the breaker and forgets everything it has seen. */
  reset(): void {
    this.#clearWindow();
    this.#notPermitted = 0;
    this.#openings = 0;
    this.#transition("closed", "reset");
  }

  /**
   * Runs `fn` if the breaker permits, recording its outcome; otherwise rejects with a
   * {@link CircuitOpenError} without calling it.
   */
  async execute<T>(fn: Call<T>, ctx: CallContext = {}): Promise<T> {
    if (!this.tryAcquire()) throw this.#openError();
    const epoch = this.#epoch;
    const start = this.#timed ? this.#clock.now() : 0;
    let value: T;
    try {
      value = await fn(ctx);
    } catch (error) {
      // A result from before a state change says nothing about the current state.
      if (epoch === this.#epoch) {
        const end = this.#timed ? this.#clock.now() : 0;
        this.#failed(end - start, error, end);
      }
      throw error;
    }
    if (epoch === this.#epoch) {
      const end = this.#timed ? this.#clock.now() : 0;
      this.#complete(end - start, false, undefined, end);
    }
    return value;
  }

  #openError(): CircuitOpenError {
    if (this.#state === "open") {
      return new CircuitOpenError("open", Math.max(0, this.#openUntil - this.#clock.now()));
    }
    return new CircuitOpenError(this.#state);
  }

  /** Records an outcome; `end` is the clock reading at its end, when already taken. */
  #complete(durationMs: number, failed: boolean, error: unknown, end: number | undefined): void {
    const slow = durationMs > this.#slowMs;
    if (this.#listeners.length > 0) {
      this.#emit(
        failed
          ? { type: "failure", durationMs, slow, error }
          : { type: "success", durationMs, slow },
      );
    }
    switch (this.#state) {
      case "closed":
        this.#recordClosed(failed, slow, end);
        return;
      case "half_open":
        if (this.#trialsInFlight === 0) return; // not one of this half-open's trials
        this.#trialsInFlight--;
        this.#recordTrial(failed, slow);
        return;
      default:
        return; // open or forced open: the window was cleared on opening
    }
  }

  #recordClosed(failed: boolean, slow: boolean, end: number | undefined): void {
    this.#consecutive = failed ? this.#consecutive + 1 : 0;
    if (this.#window === undefined) {
      this.#streakCalls++;
      if (failed) this.#streakFailures++;
      if (slow) this.#streakSlow++;
      if (this.#consecutive >= this.#consecutiveLimit) {
        this.#open("consecutive_failures");
      }
      return;
    }
    const now = end ?? (this.#timed ? this.#clock.now() : 0);
    this.#window.record(now, failed, slow);
    // Only a failed or slow call can push a rate up to its threshold.
    if (!failed && !slow) return;
    const t = this.#window.totals(now);
    if (t.calls < this.#minimumCalls) return;
    if (percent(t.failures, t.calls) >= this.#failureThreshold) this.#open("failure_rate");
    else if (percent(t.slow, t.calls) >= this.#slowThreshold) this.#open("slow_call_rate");
  }

  #recordTrial(failed: boolean, slow: boolean): void {
    this.#trialCalls++;
    if (failed) this.#trialFailures++;
    if (slow) this.#trialSlow++;
    if (this.#window === undefined) {
      if (failed) this.#open("trials_failed");
      else if (this.#trialCalls >= this.#halfOpenCalls) this.#close("trials_succeeded");
      return;
    }
    if (this.#trialCalls < this.#halfOpenCalls) return;
    const n = this.#trialCalls;
    if (
      percent(this.#trialFailures, n) >= this.#failureThreshold ||
      percent(this.#trialSlow, n) >= this.#slowThreshold
    ) {
      this.#open("trials_failed");
    } else {
      this.#close("trials_succeeded");
    }
  }

  /** Performs the transitions that time alone makes due; returns the state after them. */
  #refresh(): CircuitState {
    if (this.#state === "open") {
      if (this.#clock.now() >= this.#openUntil) this.#halfOpen();
    } else if (this.#state === "half_open" && this.#maxHalfOpenMs !== Infinity) {
      if (this.#clock.now() - this.#since >= this.#maxHalfOpenMs) this.#open("half_open_timeout");
    }
    return this.#state;
  }

  #open(reason: TransitionReason): void {
    this.#openings++;
    const wait = Math.min(
      this.#maxOpenWaitMs,
      this.#openWaitMs * this.#multiplier ** (this.#openings - 1),
    );
    this.#transition("open", reason);
    this.#openUntil = this.#since + wait;
    if (this.#automatic) this.#cancelTimer = this.#clock.setTimer(wait, () => this.#refresh());
  }

  #halfOpen(): void {
    this.#transition("half_open", "wait_elapsed");
    if (this.#automatic && this.#maxHalfOpenMs !== Infinity) {
      this.#cancelTimer = this.#clock.setTimer(this.#maxHalfOpenMs, () => this.#refresh());
    }
  }

  #close(reason: TransitionReason): void {
    this.#openings = 0;
    this.#transition("closed", reason);
  }

  #clearWindow(): void {
    this.#window?.clear();
    this.#consecutive =
      this.#streakCalls =
      this.#streakFailures =
      this.#streakSlow =
        0;
  }

  #transition(to: CircuitState, reason: TransitionReason): void {
    const from = this.#state;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#epoch++;
    this.#state = to;
    this.#since = this.#clock.now();
    // Each state starts from a clean slate: the old window judged the old state.
    this.#clearWindow();
    this.#trialsInFlight =
      this.#trialCalls =
      this.#trialFailures =
      this.#trialSlow =
        0;
    if (from !== to && this.#listeners.length > 0) {
      this.#emit({ type: "state_change", from, to, reason, at: this.#since });
    }
  }

  #emit(event: CircuitEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}
