/**
 * What a circuit breaker is in and what it tells: its state, why it changed, the
 * events and metrics it publishes, and the error of a call it refused.
 *
 * @module
 */

import type { FailureKind } from "./failure_kind.ts";

/**
 * A breaker's state.
 *
 * @example
 * ```ts
 * import type { CircuitState } from "./circuit_state.ts";
 * const s: CircuitState = "half_open";
 * ```
 */
export type CircuitState = "closed" | "open" | "half_open" | "forced_open";

/**
 * Why a breaker changed state.
 *
 * @example
 * ```ts
 * import type { TransitionReason } from "./circuit_state.ts";
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
 * import type { CircuitEvent } from "./circuit_state.ts";
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
 * import type { CircuitMetrics } from "./circuit_state.ts";
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
 * import { CircuitOpenError } from "./circuit_state.ts";
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
