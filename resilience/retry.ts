/**
 * Retry: call again after a failure, waiting a backoff between attempts — but only when
 * repeating the call is safe.
 *
 * Before any predicate of the caller is asked, the failure's kind decides (see
 * `failure_kind.ts`):
 *
 * - a `definite` failure is never retried: the same call would fail the same way;
 * - a `transient` failure (refused before it ran) is always retryable;
 * - an `indefinite` failure (it may have happened: a timeout, a lost connection) is
 *   retried only for an operation marked `idempotent`, or one carrying an
 *   `idempotencyKey` the server deduplicates on. An unknown error counts as indefinite,
 *   so a non-idempotent write is not repeated by accident.
 *
 * The wait before the next attempt is the backoff delay (`backoff.ts`), or the error's
 * `retryAfterMs` (e.g. from HTTP `Retry-After`) when that is longer. All waiting goes
 * through the injected clock, and an abort signal on the call stops retrying at once.
 *
 * @module
 */

import { type Backoff, backoffDelay } from "./backoff.ts";
import type { Clock, Random } from "./clock.ts";
import { type FailureKind, failureKindOf, mayRetry, retryAfterOf } from "./failure_kind.ts";
import type { Call, CallContext, Policy } from "./policy.ts";
import { sleep } from "./sleep.ts";
import { abortReason } from "./abort_reason.ts";

/**
 * What a retry listener is told before each wait.
 *
 * @example
 * ```ts
 * import type { RetryEvent } from "./retry.ts";
 * const log = (e: RetryEvent) => `attempt ${e.attempt} failed (${e.kind}); waiting ${e.delayMs} ms`;
 * ```
 */
export interface RetryEvent {
  /** The attempt that failed (1 for the first call). */
  readonly attempt: number;
  readonly error: unknown;
  readonly kind: FailureKind;
  /** The wait before the next attempt. */
  readonly delayMs: number;
}

/**
 * Options of {@link Retry}.
 *
 * @example
 * ```ts
 * import type { RetryOptions } from "./retry.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const options: RetryOptions = {
 *   clock: createVirtualClock(),
 *   random: () => 0.5,
 *   maxAttempts: 5,
 *   backoff: { type: "exponential", baseMs: 50, capMs: 5000, jitter: "decorrelated" },
 *   maxRetryAfterMs: 30_000,
 * };
 * ```
 */
export interface RetryOptions {
  readonly clock: Clock;
  /** Needed by jittered backoff. */
  readonly random?: Random;
  /** Attempts in all, the first call included (default 3; 1 means never retry). */
  readonly maxAttempts?: number;
  /** Default: exponential from 100 ms, capped at 10 s, full jitter. */
  readonly backoff?: Backoff;
  /** How an error is classified; default: its `failureKind`, else `indefinite`. */
  readonly classify?: (error: unknown) => FailureKind;
  /**
   * A further condition for retrying, asked only when the failure kind already allows a
   * retry — it can narrow the safety rule, never widen it.
   */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Default for calls whose context does not say; default false. */
  readonly idempotent?: boolean;
  /** Honour an error's `retryAfterMs`; default true. */
  readonly honorRetryAfter?: boolean;
  /** A `retryAfterMs` longer than this ends retrying instead of waiting; default `Infinity`. */
  readonly maxRetryAfterMs?: number;
  /** No wait may end later than this after the first attempt began; default `Infinity`. */
  readonly maxElapsedMs?: number;
  /** Called before each wait. */
  readonly onRetry?: (event: RetryEvent) => void;
}

const DEFAULT_BACKOFF: Backoff = {
  type: "exponential",
  baseMs: 100,
  capMs: 10_000,
  jitter: "full",
};

function usesRandom(backoff: Backoff): boolean {
  return backoff.type === "exponential" && (backoff.jitter ?? "full") !== "none";
}

/**
 * The retry policy.
 *
 * @example
 * ```ts
 * import { Retry } from "./retry.ts";
 * import { ClassifiedError } from "./failure_kind.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const clock = createVirtualClock();
 * const retry = new Retry({ clock, maxAttempts: 3, backoff: { type: "constant", delayMs: 10 } });
 * let calls = 0;
 * const p = retry.execute(async () => {
 *   if (++calls < 3) throw new ClassifiedError("transient", "busy");
 *   return "done";
 * });
 * await clock.advanceAsync(20);
 * await p; // "done", after 3 calls at t = 0, 10, 20
 * ```
 */
export class Retry implements Policy {
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #maxAttempts: number;
  readonly #backoff: Backoff;
  readonly #classify: (error: unknown) => FailureKind;
  readonly #shouldRetry: ((error: unknown, attempt: number) => boolean) | undefined;
  readonly #idempotent: boolean;
  readonly #honorRetryAfter: boolean;
  readonly #maxRetryAfterMs: number;
  readonly #maxElapsedMs: number;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;

  /** Creates a retry policy; throws on invalid options or jitter without `random`. */
  constructor(options: RetryOptions) {
    const maxAttempts = options.maxAttempts ?? 3;
    if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
      throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
    }
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    if (usesRandom(backoff) && options.random === undefined) {
      throw new TypeError("jittered backoff needs an injected random source");
    }
    this.#clock = options.clock;
    this.#random = options.random ?? (() => 0);
    this.#maxAttempts = maxAttempts;
    this.#backoff = backoff;
    this.#classify = options.classify ?? failureKindOf;
    this.#shouldRetry = options.shouldRetry;
    this.#idempotent = options.idempotent ?? false;
    this.#honorRetryAfter = options.honorRetryAfter ?? true;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? Infinity;
    this.#maxElapsedMs = options.maxElapsedMs ?? Infinity;
    this.#onRetry = options.onRetry;
  }

  /**
   * Runs `fn`, retrying as allowed. Rejects with the last error, or with the signal's
   * reason when `ctx.signal` aborts during a wait.
   */
  async execute<T>(fn: Call<T>, ctx: CallContext = {}): Promise<T> {
    const signal = ctx.signal;
    const idempotent = ctx.idempotent ?? this.#idempotent;
    const started = this.#clock.now();
    let previousDelay: number | undefined;
    for (let attempt = 1;; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      try {
        return await fn({ signal, attempt, idempotent, idempotencyKey: ctx.idempotencyKey });
      } catch (error) {
        if (attempt >= this.#maxAttempts || signal?.aborted) throw error;
        const kind = this.#classify(error);
        if (!mayRetry(kind, { idempotent, idempotencyKey: ctx.idempotencyKey })) throw error;
        if (this.#shouldRetry !== undefined && !this.#shouldRetry(error, attempt)) throw error;
        let delayMs = backoffDelay(this.#backoff, attempt - 1, previousDelay, this.#random);
        previousDelay = delayMs;
        const asked = this.#honorRetryAfter ? retryAfterOf(error) : undefined;
        if (asked !== undefined) {
          if (asked > this.#maxRetryAfterMs) throw error;
          delayMs = Math.max(delayMs, asked);
        }
        if (this.#clock.now() + delayMs - started > this.#maxElapsedMs) throw error;
        this.#onRetry?.({ attempt, error, kind, delayMs });
        await sleep(this.#clock, delayMs, signal);
      }
    }
  }
}
