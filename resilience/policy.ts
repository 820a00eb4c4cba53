/**
 * The shape every resilience policy shares, so that policies nest (see `compose.ts`).
 *
 * A policy runs a call — a function returning a promise — and may refuse it, repeat it,
 * delay it or cut it short. What a call needs to know travels in a {@link CallContext}
 * that each policy passes inward, adding what it knows (the retry attempt, the timeout's
 * abort signal).
 *
 * @module
 */

import type { Idempotency } from "./failure_kind.ts";

/**
 * What a call is given: its cancellation signal and what the retry policy must know.
 *
 * @example
 * ```ts
 * import type { CallContext } from "./policy.ts";
 * const ctx: CallContext = { idempotent: false, idempotencyKey: "put-7" };
 * ```
 */
export interface CallContext extends Idempotency {
  /** Aborted when the caller gives up or a timeout fires; pass it on to the I/O. */
  readonly signal?: AbortSignal;
  /** 1 for the first try, 2 for the first retry, … (set by the retry policy). */
  readonly attempt?: number;
}

/**
 * A function a policy runs.
 *
 * @example
 * ```ts
 * import type { Call } from "./policy.ts";
 * const call: Call<number> = (ctx) => Promise.resolve(ctx.attempt ?? 1);
 * ```
 */
export type Call<T> = (ctx: CallContext) => Promise<T>;

/**
 * A resilience policy: circuit breaker, bulkhead, retry, timeout or a composition.
 *
 * @example
 * ```ts
 * import type { Policy } from "./policy.ts";
 * const passThrough: Policy = { execute: (fn, ctx = {}) => fn(ctx) };
 * ```
 */
export interface Policy {
  /** Runs `fn` under this policy; `ctx` defaults to `{}`. */
  execute<T>(fn: Call<T>, ctx?: CallContext): Promise<T>;
}
