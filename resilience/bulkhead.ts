/**
 * Bulkhead: at most `maxConcurrent` calls run at once; up to `maxQueue` more wait in
 * FIFO order (for at most `queueTimeoutMs` each, if set); anything beyond is refused
 * with a {@link BulkheadRejectedError}.
 *
 * Like the watertight compartments of a ship, one bulkhead per dependency keeps a slow
 * dependency from tying up every caller. A refused call never ran, so the error is a
 * `transient` failure: safe to retry later, even for a non-idempotent operation.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { FailureKind } from "./failure_kind.ts";
import type { Call, CallContext, Policy } from "./policy.ts";
import { abortReason } from "./abort_reason.ts";

/**
 * The error of a call the bulkhead refused: `full` (no free slot and no queue room) or
 * `queue_timeout` (it waited in the queue for `queueTimeoutMs` without getting a slot).
 *
 * @example
 * ```ts
 * import { BulkheadRejectedError } from "./bulkhead.ts";
 * const e = new BulkheadRejectedError("full");
 * e.failureKind; // "transient"
 * ```
 */
export class BulkheadRejectedError extends Error {
  override readonly name = "BulkheadRejectedError";
  /** It did not run. */
  readonly failureKind: FailureKind = "transient";
  readonly reason: "full" | "queue_timeout";

  /** Creates the error for the given reason. */
  constructor(reason: "full" | "queue_timeout") {
    super(reason === "full" ? "bulkhead full" : "bulkhead queue wait timed out");
    this.reason = reason;
  }
}

/**
 * Options of {@link Bulkhead}.
 *
 * @example
 * ```ts
 * import type { BulkheadOptions } from "./bulkhead.ts";
 * const options: BulkheadOptions = { maxConcurrent: 8, maxQueue: 32 };
 * ```
 */
export interface BulkheadOptions {
  /** Calls that may run at once (at least 1). */
  readonly maxConcurrent: number;
  /** Calls that may wait for a slot (default 0: refuse at once when full). */
  readonly maxQueue?: number;
  /** How long a queued call waits before it is refused (default: no limit). Needs `clock`. */
  readonly queueTimeoutMs?: number;
  readonly clock?: Clock;
}

/**
 * A snapshot of a bulkhead.
 *
 * @example
 * ```ts
 * import type { BulkheadMetrics } from "./bulkhead.ts";
 * const idle: BulkheadMetrics = { active: 0, queued: 0, rejected: 0, availableSlots: 4 };
 * ```
 */
export interface BulkheadMetrics {
  readonly active: number;
  readonly queued: number;
  /** Calls refused since creation (full or queue timeout). */
  readonly rejected: number;
  readonly availableSlots: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  prev: Waiter | undefined;
  next: Waiter | undefined;
  cleanup: (() => void) | undefined;
}

/**
 * The bulkhead policy. Use {@link Bulkhead.execute} for async calls, or
 * {@link Bulkhead.tryAcquire} / {@link Bulkhead.acquire} and {@link Bulkhead.release} to
 * guard anything else.
 *
 * @example
 * ```ts
 * import { Bulkhead } from "./bulkhead.ts";
 * const bulkhead = new Bulkhead({ maxConcurrent: 2, maxQueue: 10 });
 * const value = await bulkhead.execute(() => Promise.resolve(42)); // 42
 * ```
 */
export class Bulkhead implements Policy {
  readonly #max: number;
  readonly #maxQueue: number;
  readonly #queueTimeoutMs: number | undefined;
  readonly #clock: Clock | undefined;
  #active = 0;
  #queued = 0;
  #rejected = 0;
  // A doubly linked FIFO so that a waiter that times out or aborts leaves in O(1).
  #head: Waiter | undefined;
  #tail: Waiter | undefined;

  /** Creates a bulkhead; throws a `RangeError` on invalid limits. */
  constructor(options: BulkheadOptions) {
    const { maxConcurrent, maxQueue = 0, queueTimeoutMs, clock } = options;
    if (!(Number.isInteger(maxConcurrent) && maxConcurrent >= 1)) {
      throw new RangeError(`maxConcurrent must be an integer >= 1, got ${maxConcurrent}`);
    }
    if (!(Number.isInteger(maxQueue) && maxQueue >= 0)) {
      throw new RangeError(`maxQueue must be an integer >= 0, got ${maxQueue}`);
    }
    if (queueTimeoutMs !== undefined) {
      if (!(queueTimeoutMs >= 0)) throw new RangeError(`queueTimeoutMs must be >= 0`);
      if (clock === undefined) throw new TypeError("queueTimeoutMs needs a clock");
    }
    this.#max = maxConcurrent;
    this.#maxQueue = maxQueue;
    this.#queueTimeoutMs = queueTimeoutMs;
    this.#clock = clock;
  }

  /** Calls running now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.#queued;
  }

  /** A snapshot of the counters. */
  metrics(): BulkheadMetrics {
    return {
      active: this.#active,
      queued: this.#queued,
      rejected: this.#rejected,
      availableSlots: this.#max - this.#active,
    };
  }

  /** Takes a slot if one is free now (never queues); pair a `true` with {@link Bulkhead.release}. */
  tryAcquire(): boolean {
    if (this.#active < this.#max) {
      this.#active++;
      return true;
    }
    return false;
  }

  /**
   * Takes a slot, waiting in the queue if needed. Rejects with a
   * {@link BulkheadRejectedError} when the queue is full or the wait times out, or with
   * the signal's reason when `signal` aborts first.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#active < this.#max) {
      this.#active++;
      return Promise.resolve();
    }
    if (this.#queued >= this.#maxQueue) {
      this.#rejected++;
      return Promise.reject(new BulkheadRejectedError("full"));
    }
    return new Promise<void>((resolve, reject) => this.#enqueue(resolve, reject, signal));
  }

  /** Gives a slot back; the oldest waiter, if any, gets it. */
  release(): void {
    const w = this.#head;
    if (w === undefined) {
      if (this.#active === 0) throw new Error("bulkhead released more often than acquired");
      this.#active--;
      return;
    }
    // Hand the slot straight to the oldest waiter: `active` stays the same.
    this.#unlink(w);
    w.resolve();
  }

  /** Runs `fn` in a slot, queueing or refusing it as configured. */
  async execute<T>(fn: Call<T>, ctx: CallContext = {}): Promise<T> {
    if (this.#active < this.#max && ctx.signal?.aborted !== true) this.#active++;
    else await this.acquire(ctx.signal);
    try {
      return await fn(ctx);
    } finally {
      this.release();
    }
  }

  #enqueue(resolve: () => void, reject: (e: unknown) => void, signal?: AbortSignal): void {
    const w: Waiter = { resolve, reject, prev: this.#tail, next: undefined, cleanup: undefined };
    if (this.#tail) this.#tail.next = w;
    else this.#head = w;
    this.#tail = w;
    this.#queued++;
    let cancelTimer: (() => void) | undefined;
    const onAbort = (): void => {
      this.#unlink(w);
      reject(abortReason(signal as AbortSignal));
    };
    if (this.#queueTimeoutMs !== undefined) {
      cancelTimer = (this.#clock as Clock).setTimer(this.#queueTimeoutMs, () => {
        this.#unlink(w);
        this.#rejected++;
        reject(new BulkheadRejectedError("queue_timeout"));
      });
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    if (cancelTimer !== undefined || signal !== undefined) {
      w.cleanup = () => {
        cancelTimer?.();
        signal?.removeEventListener("abort", onAbort);
      };
    }
  }

  #unlink(w: Waiter): void {
    if (w.prev) w.prev.next = w.next;
    else this.#head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this.#tail = w.prev;
    w.prev = w.next = undefined;
    this.#queued--;
    w.cleanup?.();
    w.cleanup = undefined;
  }
}
