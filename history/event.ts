/**
 * One line of a history: a client operation's invocation or completion.
 *
 * `type` is `invoke` when the client sends the operation, then exactly one of `ok` (it
 * happened), `fail` (it definitely did not) or `info` (unknown: timeout or crash).
 * `time` is monotonic nanoseconds. For a `read`, the completion's `value` is what was
 * read; for a `cas`, `value` is `[expected, new]`.
 *
 * @example
 * ```ts
 * import type { HistoryEvent } from "./event.ts";
 * const e: HistoryEvent = { process: 3, type: "invoke", f: "write", key: "k1", value: 5, time: 1000 };
 * ```
 *
 * @module
 */

/**
 * The four event types of a history.
 *
 * @example
 * ```ts
 * import type { EventType } from "./event.ts";
 * const unknown: EventType = "info"; // timed out: it may or may not have happened
 * ```
 */
export type EventType = "invoke" | "ok" | "fail" | "info";

/**
 * One history event, exactly as written to a JSON Lines history file.
 *
 * @example
 * ```ts
 * import type { HistoryEvent } from "./event.ts";
 * const done: HistoryEvent = { process: 3, type: "ok", f: "read", key: "k1", value: 5, time: 2000 };
 * ```
 */
export interface HistoryEvent {
  readonly process: number;
  readonly type: EventType;
  /** The operation: `read`, `write`, `cas`, `delete`, or a protocol's own. */
  readonly f: string;
  readonly key?: string;
  readonly value?: unknown;
  /** Monotonic nanoseconds. */
  readonly time: number;
  /** Optional: the node that served it, an error text, … (ignored by checkers). */
  readonly node?: string;
  readonly error?: string;
}
