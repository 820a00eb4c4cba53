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
 * The options live in `circuit_options.ts`, the states, events and metrics in
 * `circuit_state.ts`; this module re-exports both.
 *
 * @module
 */

import type { Call, CallContext, Policy } from "./policy.ts";
import type { WindowTotals } from "./sliding_window.ts";
import {
  type CircuitBreakerOptions,
  resolveCircuitOptions,
  type ResolvedCircuitOptions,
} from "./circuit_options.ts";
import {
  type CircuitEvent,
  type CircuitMetrics,
  CircuitOpenError,
  type CircuitState,
  type TransitionReason,
} from "./circuit_state.ts";

export type { BreakerWindow, CircuitBreakerOptions } from "./circuit_options.ts";
export * from "./circuit_state.ts";

function percent(part: number, whole: number): number {
  return (part * 100) / whole;
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
  readonly #o: ResolvedCircuitOptions;
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
    this.#o = resolveCircuitOptions(options);
    this.#since = this.#o.clock.now();
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
    const now = this.#o.clock.now();
    let t: WindowTotals;
    if (this.#o.window) t = this.#o.window.totals(now);
    else t = { calls: this.#streakCalls, failures: this.#streakFailures, slow: this.#streakSlow };
    const judged = t.calls >= this.#o.minimumCalls && t.calls > 0;
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
      state === "half_open" && this.#trialsInFlight + this.#trialCalls < this.#o.halfOpenCalls
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
    if (this.#o.isIgnored(error)) {
      if (this.#listeners.length > 0) this.#emit({ type: "ignored", error });
      this.releasePermission();
      return;
    }
    this.#complete(durationMs, this.#o.isFailure(error), error, end);
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
    const start = this.#o.timed ? this.#o.clock.now() : 0;
    let value: T;
    try {
      value = await fn(ctx);
    } catch (error) {
      // A result from before a state change says nothing about the current state.
      if (epoch === this.#epoch) {
        const end = this.#o.timed ? this.#o.clock.now() : 0;
        this.#failed(end - start, error, end);
      }
      throw error;
    }
    if (epoch === this.#epoch) {
      const end = this.#o.timed ? this.#o.clock.now() : 0;
      this.#complete(end - start, false, undefined, end);
    }
    return value;
  }

  #openError(): CircuitOpenError {
    if (this.#state === "open") {
      return new CircuitOpenError("open", Math.max(0, this.#openUntil - this.#o.clock.now()));
    }
    return new CircuitOpenError(this.#state);
  }

  /** Records an outcome; `end` is the clock reading at its end, when already taken. */
  #complete(durationMs: number, failed: boolean, error: unknown, end: number | undefined): void {
    const slow = durationMs > this.#o.slowMs;
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
    if (this.#o.window === undefined) {
      this.#streakCalls++;
      if (failed) this.#streakFailures++;
      if (slow) this.#streakSlow++;
      if (this.#consecutive >= this.#o.consecutiveLimit) {
        this.#open("consecutive_failures");
      }
      return;
    }
    const now = end ?? (this.#o.timed ? this.#o.clock.now() : 0);
    this.#o.window.record(now, failed, slow);
    // Only a failed or slow call can push a rate up to its threshold.
    if (!failed && !slow) return;
    const t = this.#o.window.totals(now);
    if (t.calls < this.#o.minimumCalls) return;
    if (percent(t.failures, t.calls) >= this.#o.failureThreshold) this.#open("failure_rate");
    else if (percent(t.slow, t.calls) >= this.#o.slowThreshold) this.#open("slow_call_rate");
  }

  #recordTrial(failed: boolean, slow: boolean): void {
    this.#trialCalls++;
    if (failed) this.#trialFailures++;
    if (slow) this.#trialSlow++;
    if (this.#o.window === undefined) {
      if (failed) this.#open("trials_failed");
      else if (this.#trialCalls >= this.#o.halfOpenCalls) this.#close("trials_succeeded");
      return;
    }
    if (this.#trialCalls < this.#o.halfOpenCalls) return;
    const n = this.#trialCalls;
    if (
      percent(this.#trialFailures, n) >= this.#o.failureThreshold ||
      percent(this.#trialSlow, n) >= this.#o.slowThreshold
    ) {
      this.#open("trials_failed");
    } else {
      this.#close("trials_succeeded");
    }
  }

  /** Performs the transitions that time alone makes due; returns the state after them. */
  #refresh(): CircuitState {
    if (this.#state === "open") {
      if (this.#o.clock.now() >= this.#openUntil) this.#halfOpen();
    } else if (this.#state === "half_open" && this.#o.maxHalfOpenMs !== Infinity) {
      if (this.#o.clock.now() - this.#since >= this.#o.maxHalfOpenMs) {
        this.#open("half_open_timeout");
      }
    }
    return this.#state;
  }

  #open(reason: TransitionReason): void {
    this.#openings++;
    const wait = Math.min(
      this.#o.maxOpenWaitMs,
      this.#o.openWaitMs * this.#o.multiplier ** (this.#openings - 1),
    );
    this.#transition("open", reason);
    this.#openUntil = this.#since + wait;
    if (this.#o.automatic) this.#cancelTimer = this.#o.clock.setTimer(wait, () => this.#refresh());
  }

  #halfOpen(): void {
    this.#transition("half_open", "wait_elapsed");
    if (this.#o.automatic && this.#o.maxHalfOpenMs !== Infinity) {
      this.#cancelTimer = this.#o.clock.setTimer(this.#o.maxHalfOpenMs, () => this.#refresh());
    }
  }

  #close(reason: TransitionReason): void {
    this.#openings = 0;
    this.#transition("closed", reason);
  }

  #clearWindow(): void {
    this.#o.window?.clear();
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
    this.#since = this.#o.clock.now();
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
