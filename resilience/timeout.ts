/**
 * Timeout: a call that has not settled after `ms` of clock time fails with a
 * {@link TimeoutError}, and the abort signal it was given is aborted with that error so
 * the I/O underneath can stop.
 *
 * A timed-out call may still have taken effect, so a `TimeoutError` is an `indefinite`
 * failure: a retry repeats it only for idempotent operations (see `failure_kind.ts`).
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { FailureKind } from "./failure_kind.ts";
import type { Call, CallContext, Policy } from "./policy.ts";
import { abortReason } from "./abort_reason.ts";

/**
 * The error of a call that took longer than its timeout.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "./timeout.ts";
 * const e = new TimeoutError(500);
 * e.failureKind; // "indefinite"
 * ```
 */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  /** It may have happened. */
  readonly failureKind: FailureKind = "indefinite";
  /** The timeout that elapsed. */
  readonly timeoutMs: number;

  /** Creates the error for a timeout of `timeoutMs`. */
  constructor(timeoutMs: number) {
    super(`call timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Options of {@link Timeout}.
 *
 * @example
 * ```ts
 * import type { TimeoutOptions } from "./timeout.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const options: TimeoutOptions = { clock: createVirtualClock(), ms: 2000 };
 * ```
 */
export interface TimeoutOptions {
  readonly clock: Clock;
  /** Milliseconds a call may take. */
  readonly ms: number;
}

/**
 * Runs `fn` with a signal that aborts after `ms` of `clock` time (or when `ctx.signal`
 * aborts); the returned promise rejects at that moment even if `fn` ignores its signal.
 *
 * @example
 * ```ts
 * import { withTimeout, TimeoutError } from "./timeout.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const clock = createVirtualClock();
 * const p = withTimeout(clock, 100, () => new Promise(() => {}));
 * clock.advance(100);
 * await p.catch((e) => e instanceof TimeoutError); // true, at clock.now() === 100
 * ```
 */
export function withTimeout<T>(
  clock: Clock,
  ms: number,
  fn: Call<T>,
  ctx: CallContext = {},
): Promise<T> {
  const parent = ctx.signal;
  if (parent?.aborted) return Promise.reject(abortReason(parent));
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      cancel();
      parent?.removeEventListener("abort", onParentAbort);
      return true;
    };
    const onParentAbort = (): void => {
      if (!finish()) return;
      const reason = abortReason(parent as AbortSignal);
      controller.abort(reason);
      reject(reason);
    };
    const cancel = clock.setTimer(ms, () => {
      if (!finish()) return;
      const error = new TimeoutError(ms);
      controller.abort(error);
      reject(error);
    });
    parent?.addEventListener("abort", onParentAbort, { once: true });
    const inner: CallContext = {
      signal: controller.signal,
      attempt: ctx.attempt,
      idempotent: ctx.idempotent,
      idempotencyKey: ctx.idempotencyKey,
    };
    let promise: Promise<T>;
    try {
      promise = fn(inner);
    } catch (error) {
      if (finish()) reject(error);
      return;
    }
    promise.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error) => {
        if (finish()) reject(error);
      },
    );
  });
}

/**
 * The timeout policy: {@link withTimeout} with a fixed clock and duration.
 *
 * @example
 * ```ts
 * import { Timeout } from "./timeout.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const timeout = new Timeout({ clock: createVirtualClock(), ms: 250 });
 * await timeout.execute(async ({ signal }) => signal?.aborted); // false
 * ```
 */
export class Timeout implements Policy {
  readonly #clock: Clock;
  readonly #ms: number;

  /** Creates a timeout of `options.ms` on `options.clock`. */
  constructor(options: TimeoutOptions) {
    if (!(options.ms >= 0)) throw new RangeError(`timeout must be >= 0, got ${options.ms}`);
    this.#clock = options.clock;
    this.#ms = options.ms;
  }

  /** Milliseconds a call may take. */
  get ms(): number {
    return this.#ms;
  }

  /** Runs `fn`, failing it with a {@link TimeoutError} after {@link Timeout.ms}. */
  execute<T>(fn: Call<T>, ctx?: CallContext): Promise<T> {
    return withTimeout(this.#clock, this.#ms, fn, ctx);
  }
}
