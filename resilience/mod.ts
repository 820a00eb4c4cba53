/**
 * Resilience policies — circuit breaker, bulkhead, retry with backoff and jitter,
 * timeout — and their composition, all pure: time comes from an injected {@link Clock}
 * and randomness from an injected {@link Random}, so every policy runs the same under a
 * virtual clock in tests and the simulator as under real time in a Worker.
 *
 * @example
 * ```ts
 * import {
 *   Bulkhead,
 *   CircuitBreaker,
 *   createVirtualClock,
 *   resilient,
 *   Retry,
 *   Timeout,
 * } from "./mod.ts";
 * const clock = createVirtualClock();
 * const policy = resilient({
 *   retry: new Retry({ clock, random: () => 0.5, maxAttempts: 3 }),
 *   breaker: new CircuitBreaker({ clock, window: { type: "time", seconds: 10 } }),
 *   bulkhead: new Bulkhead({ maxConcurrent: 8, maxQueue: 16 }),
 *   timeout: new Timeout({ clock, ms: 2000 }),
 * });
 * await policy.execute(async ({ signal }) => signal !== undefined, { idempotent: true }); // true
 * ```
 *
 * @module
 */

export type { Clock, Random } from "./clock.ts";
export {
  createVirtualClock,
  type VirtualClock,
  type VirtualClockOptions,
} from "./virtual_clock.ts";
export {
  ClassifiedError,
  type ClassifiedErrorOptions,
  type FailureKind,
  failureKindOf,
  type Idempotency,
  mayRetry,
  retryAfterOf,
} from "./failure_kind.ts";
export { parseHttpDate, parseRetryAfter } from "./retry_after.ts";
export type { Call, CallContext, Policy } from "./policy.ts";
export { sleep } from "./sleep.ts";
export {
  type Backoff,
  backoffDelay,
  decorrelatedJitterDelay,
  equalJitterDelay,
  exponentialDelay,
  fullJitterDelay,
  type Jitter,
} from "./backoff.ts";
export { Retry, type RetryEvent, type RetryOptions } from "./retry.ts";
export { Timeout, TimeoutError, type TimeoutOptions, withTimeout } from "./timeout.ts";
export {
  Bulkhead,
  type BulkheadMetrics,
  type BulkheadOptions,
  BulkheadRejectedError,
} from "./bulkhead.ts";
export {
  countWindow,
  type OutcomeWindow,
  timeWindow,
  type WindowTotals,
} from "./sliding_window.ts";
export {
  type BreakerWindow,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitEvent,
  type CircuitMetrics,
  CircuitOpenError,
  type CircuitState,
  type TransitionReason,
} from "./circuit_breaker.ts";
export { resolveCircuitOptions, type ResolvedCircuitOptions } from "./circuit_options.ts";
export { type ResiliencePolicies, resilient, wrap } from "./compose.ts";
