/**
 * Events as the event store keeps them. An event belongs to one stream (one aggregate,
 * e.g. `item-apple`) at a version (1, 2, … within the stream) and has a global
 * position (0, 1, … across all streams, the order projections read them in).
 *
 * @module
 */

/**
 * An event a command decided on, before the store gives it a version and position.
 *
 * @example
 * ```ts
 * import type { NewEvent } from "./event.ts";
 * const e: NewEvent = { type: "StockAdded", data: { qty: 10 } };
 * ```
 */
export interface NewEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * An event in the store.
 *
 * @example
 * ```ts
 * import type { StoredEvent } from "./event.ts";
 * const e: StoredEvent = {
 *   stream: "item-apple", version: 1, position: 0, type: "StockAdded", data: { qty: 10 },
 *   at: 12, command: "c1",
 * };
 * ```
 */
export interface StoredEvent extends NewEvent {
  readonly stream: string;
  readonly version: number;
  readonly position: number;
  /** The store's clock when it was appended (for "as of" a time). */
  readonly at: number;
  /** The command that produced it (the idempotency key of the append). */
  readonly command: string;
}
