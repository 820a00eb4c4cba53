/**
 * Composition: policies nested around one call, outermost first.
 *
 * The recommended order, which {@link resilient} builds, is
 *
 * ```
 * retry ∘ circuit breaker ∘ bulkhead ∘ timeout ∘ call
 * ```
 *
 * - **retry outermost**, so each attempt is judged afresh by the breaker: while it is open
 *   an attempt is refused at once with a `transient` `CircuitOpenError` whose
 *   `retryAfterMs` makes the retry wait until trials resume; and no bulkhead slot is held
 *   while the retry waits.
 * - **breaker outside the bulkhead**, so an open breaker sheds load before it queues; a
 *   bulkhead refusal inside it never reached the dependency and is ignored by the
 *   breaker's default `isIgnored`.
 * - **bulkhead outside the timeout**, so time spent queueing for a slot is not charged to
 *   the call's own timeout (the bulkhead has its own `queueTimeoutMs`), while a slot is
 *   freed as soon as the timeout fires.
 * - **timeout innermost**: each attempt gets its own deadline and abort signal, and a
 *   `TimeoutError` counts as a failure in the breaker and as `indefinite` in the retry.
 *
 * @module
 */

import type { Bulkhead } from "./bulkhead.ts";
import type { CircuitBreaker } from "./circuit_breaker.ts";
import type { Call, CallContext, Policy } from "./policy.ts";
import type { Retry } from "./retry.ts";
import type { Timeout } from "./timeout.ts";

/**
 * Nests `policies` around a call, the first outermost: `wrap(a, b, c).execute(fn)` runs
 * `a.execute(() => b.execute(() => c.execute(fn)))`, passing the call context inward.
 *
 * @example
 * ```ts
 * import { wrap } from "./compose.ts";
 * import { Bulkhead } from "./bulkhead.ts";
 * import { Timeout } from "./timeout.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const clock = createVirtualClock();
 * const policy = wrap(new Bulkhead({ maxConcurrent: 4 }), new Timeout({ clock, ms: 500 }));
 * await policy.execute(async () => "ok"); // "ok"
 * ```
 */
export function wrap(...policies: readonly Policy[]): Policy {
  const n = policies.length;
  return {
    execute<T>(fn: Call<T>, ctx: CallContext = {}): Promise<T> {
      const run = (i: number, c: CallContext): Promise<T> =>
        i === n ? fn(c) : policies[i].execute((inner) => run(i + 1, inner), c);
      return run(0, ctx);
    },
  };
}

/**
 * The policies {@link resilient} composes; any may be left out.
 *
 * @example
 * ```ts
 * import type { ResiliencePolicies } from "./compose.ts";
 * const none: ResiliencePolicies = {};
 * ```
 */
export interface ResiliencePolicies {
  readonly retry?: Retry;
  readonly breaker?: CircuitBreaker;
  readonly bulkhead?: Bulkhead;
  readonly timeout?: Timeout;
}

/**
 * The given policies in the recommended order: retry ∘ breaker ∘ bulkhead ∘ timeout.
 *
 * @example
 * ```ts
 * import { resilient } from "./compose.ts";
 * import { CircuitBreaker } from "./circuit_breaker.ts";
 * import { Timeout } from "./timeout.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const clock = createVirtualClock();
 * const policy = resilient({
 *   breaker: new CircuitBreaker({ clock }),
 *   timeout: new Timeout({ clock, ms: 1000 }),
 * });
 * await policy.execute(async () => 1); // 1
 * ```
 */
export function resilient(policies: ResiliencePolicies): Policy {
  const { retry, breaker, bulkhead, timeout } = policies;
  const chain: Policy[] = [];
  for (const p of [retry, breaker, bulkhead, timeout]) if (p !== undefined) chain.push(p);
  return wrap(...chain);
}
