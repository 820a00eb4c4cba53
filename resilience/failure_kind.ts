/**
 * What a failed call tells us about the operation, and so whether it may be repeated.
 *
 * The three kinds follow the node contract's replies (ok / definite failure / indefinite
 * failure), with definite failures split by whether trying again can help:
 *
 * | kind | did it take effect? | may retry? |
 * |---|---|---|
 * | `transient` | no — it was refused before running (overload, circuit open, bulkhead full, not the leader, HTTP 429/503) | yes, even a non-idempotent write |
 * | `definite` | no, and the same call would be refused again (invalid request, CAS mismatch, HTTP 4xx) | never |
 * | `indefinite` | unknown — it may have happened (timeout, connection lost after sending, crash) | only an idempotent operation, or one carrying an idempotency key the server deduplicates on |
 *
 * An error says which kind it is with a `failureKind` property; anything else is treated
 * as `indefinite`, the only safe assumption about an error we know nothing of.
 *
 * @module
 */

/**
 * The kind of a failure; see the module documentation for the table.
 *
 * @example
 * ```ts
 * import type { FailureKind } from "./failure_kind.ts";
 * const kind: FailureKind = "indefinite"; // e.g. a timed-out write
 * ```
 */
export type FailureKind = "definite" | "indefinite" | "transient";

/**
 * Whether an operation is safe to repeat after a failure it may have survived.
 *
 * @example
 * ```ts
 * import type { Idempotency } from "./failure_kind.ts";
 * const put: Idempotency = { idempotent: false, idempotencyKey: "req-42" };
 * ```
 */
export interface Idempotency {
  /** Repeating the operation has the same effect as doing it once (reads, blind puts). */
  readonly idempotent?: boolean;
  /** A key the server deduplicates on, which makes a non-idempotent operation safe to resend. */
  readonly idempotencyKey?: string;
}

const KINDS: ReadonlySet<unknown> = new Set(["definite", "indefinite", "transient"]);

/**
 * The {@link FailureKind} an error carries in its `failureKind` property, or `indefinite`.
 *
 * @example
 * ```ts
 * import { failureKindOf } from "./failure_kind.ts";
 * failureKindOf({ failureKind: "transient" }); // "transient"
 * failureKindOf(new Error("socket hang up")); // "indefinite"
 * ```
 */
export function failureKindOf(error: unknown): FailureKind {
  if (typeof error === "object" && error !== null) {
    const kind = (error as { failureKind?: unknown }).failureKind;
    if (KINDS.has(kind)) return kind as FailureKind;
  }
  return "indefinite";
}

/**
 * Whether a failure of this kind may be retried for an operation of this idempotency —
 * the safety rule every retry in distlab obeys before asking any user predicate.
 *
 * @example
 * ```ts
 * import { mayRetry } from "./failure_kind.ts";
 * mayRetry("definite", { idempotent: true }); // false: it would fail again
 * mayRetry("indefinite", { idempotent: false }); // false: it may have happened
 * mayRetry("indefinite", { idempotencyKey: "k" }); // true: the server deduplicates
 * mayRetry("transient", {}); // true: it did not happen
 * ```
 */
export function mayRetry(kind: FailureKind, op: Idempotency): boolean {
  switch (kind) {
    case "definite":
      return false;
    case "transient":
      return true;
    case "indefinite":
      return op.idempotent === true ||
        (typeof op.idempotencyKey === "string" && op.idempotencyKey.length > 0);
  }
}

/**
 * The number of milliseconds an error asks us to wait before trying again (its
 * `retryAfterMs` property, e.g. from an HTTP `Retry-After` header), or `undefined`.
 *
 * @example
 * ```ts
 * import { retryAfterOf } from "./failure_kind.ts";
 * retryAfterOf({ retryAfterMs: 2000 }); // 2000
 * retryAfterOf(new Error("x")); // undefined
 * ```
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const ms = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === "number" && ms >= 0 && ms !== Infinity ? ms : undefined;
}

/**
 * Options of {@link ClassifiedError}.
 *
 * @example
 * ```ts
 * import type { ClassifiedErrorOptions } from "./failure_kind.ts";
 * const options: ClassifiedErrorOptions = { retryAfterMs: 1000, cause: new Error("503") };
 * ```
 */
export interface ClassifiedErrorOptions {
  /** Milliseconds to wait before retrying, e.g. parsed from `Retry-After`. */
  readonly retryAfterMs?: number;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * An error that states its {@link FailureKind} (and optionally a retry-after delay), for
 * code that turns replies or HTTP statuses into exceptions.
 *
 * @example
 * ```ts
 * import { ClassifiedError } from "./failure_kind.ts";
 * const busy = new ClassifiedError("transient", "503 Service Unavailable", { retryAfterMs: 1000 });
 * busy.failureKind; // "transient"
 * ```
 */
export class ClassifiedError extends Error {
  override readonly name = "ClassifiedError";
  readonly failureKind: FailureKind;
  readonly retryAfterMs: number | undefined;

  /** Creates an error of the given kind. */
  constructor(kind: FailureKind, message: string, options: ClassifiedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.failureKind = kind;
    this.retryAfterMs = options.retryAfterMs;
  }
}
