/**
 * The event-sourced aggregate of the example: one stock item (stream `item-<sku>`). Its
 * state is never stored, only derived — by folding its events in order — and a command
 * is decided against that state: it yields new events or is refused.
 *
 * | command | events | refused when |
 * |---|---|---|
 * | `{ f: "add-stock", item, qty }` | `StockAdded {qty}` | qty ≤ 0 |
 * | `{ f: "reserve", item, order, qty }` | `StockReserved {order, qty}` (none if already reserved) | not enough available |
 * | `{ f: "release", item, order }` | `ReservationReleased {order, qty}` (none if not reserved) | — |
 *
 * @module
 */

import type { NewEvent } from "./event.ts";

/**
 * An item's state, derived from its events.
 *
 * @example
 * ```ts
 * import type { ItemState } from "./inventory.ts";
 * const s: ItemState = { available: 8, reserved: { "o-1": 2 }, version: 3 };
 * ```
 */
export interface ItemState {
  readonly available: number;
  /** Order → reserved quantity. */
  readonly reserved: Readonly<Record<string, number>>;
  /** The version of the last event folded in (0: none). */
  readonly version: number;
}

/**
 * The state of an item with no events.
 *
 * @example
 * ```ts
 * import { EMPTY_ITEM } from "./inventory.ts";
 * EMPTY_ITEM.available; // 0
 * ```
 */
export const EMPTY_ITEM: ItemState = { available: 0, reserved: {}, version: 0 };

/**
 * A command on an item. `id` makes a retried command idempotent (default: per request).
 *
 * @example
 * ```ts
 * import type { ItemCommand } from "./inventory.ts";
 * const c: ItemCommand = { f: "reserve", item: "apple", order: "o-1", qty: 2, id: "c1-7" };
 * ```
 */
export type ItemCommand =
  | { readonly f: "add-stock"; readonly item: string; readonly qty: number; readonly id?: string }
  | {
    readonly f: "reserve";
    readonly item: string;
    readonly order: string;
    readonly qty: number;
    readonly id?: string;
  }
  | { readonly f: "release"; readonly item: string; readonly order: string; readonly id?: string };

/**
 * The stream of an item.
 *
 * @example
 * ```ts
 * import { streamOf } from "./inventory.ts";
 * streamOf("apple"); // "item-apple"
 * ```
 */
export function streamOf(item: string): string {
  return `item-${item}`;
}

/**
 * Folds one event into the state.
 *
 * @example
 * ```ts
 * import { applyItemEvent, EMPTY_ITEM } from "./inventory.ts";
 * applyItemEvent(EMPTY_ITEM, { type: "StockAdded", data: { qty: 5 } }).available; // 5
 * ```
 */
export function applyItemEvent(s: ItemState, e: NewEvent & { version?: number }): ItemState {
  const version = e.version ?? s.version + 1;
  const d = e.data as { qty?: number; order?: string };
  switch (e.type) {
    case "StockAdded":
      return { ...s, available: s.available + (d.qty ?? 0), version };
    case "StockReserved":
      return {
        available: s.available - (d.qty ?? 0),
        reserved: { ...s.reserved, [d.order!]: d.qty ?? 0 },
        version,
      };
    case "ReservationReleased": {
      const reserved = { ...s.reserved };
      delete reserved[d.order!];
      return { available: s.available + (d.qty ?? 0), reserved, version };
    }
    default:
      return { ...s, version };
  }
}

/**
 * Decides a command against the current state: the events to append, or why not.
 *
 * @example
 * ```ts
 * import { decideItem, EMPTY_ITEM } from "./inventory.ts";
 * decideItem(EMPTY_ITEM, { f: "reserve", item: "apple", order: "o1", qty: 2 });
 * // { error: "insufficient stock of apple: 0 available, 2 wanted" }
 * ```
 */
export function decideItem(s: ItemState, c: ItemCommand): NewEvent[] | { error: string } {
  switch (c.f) {
    case "add-stock":
      return [{ type: "StockAdded", data: { qty: c.qty } }];
    case "reserve":
      if (s.reserved[c.order] !== undefined) return []; // already reserved: idempotent
      if (s.available < c.qty) {
        return {
          error: `insufficient stock of ${c.item}: ${s.available} available, ${c.qty} wanted`,
        };
      }
      return [{ type: "StockReserved", data: { order: c.order, qty: c.qty } }];
    case "release": {
      const qty = s.reserved[c.order];
      if (qty === undefined) return [];
      return [{ type: "ReservationReleased", data: { order: c.order, qty } }];
    }
  }
}

/**
 * Checks a client operation is an {@link ItemCommand}; the command or an error message.
 *
 * @example
 * ```ts
 * import { parseItemCommand } from "./inventory.ts";
 * parseItemCommand({ f: "add-stock", item: "apple", qty: 0 }); // "qty must be a positive integer"
 * ```
 */
export function parseItemCommand(op: unknown): ItemCommand | string {
  if (op === null || typeof op !== "object") return "operation must be an object";
  const o = op as Record<string, unknown>;
  if (typeof o.item !== "string" || o.item === "") return "command needs an item";
  if (o.id !== undefined && typeof o.id !== "string") return "id must be a string";
  const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  switch (o.f) {
    case "add-stock":
      return positive(o.qty) ? o as ItemCommand : "qty must be a positive integer";
    case "reserve":
      if (typeof o.order !== "string") return "reserve needs an order";
      return positive(o.qty) ? o as ItemCommand : "qty must be a positive integer";
    case "release":
      return typeof o.order === "string" ? o as ItemCommand : "release needs an order";
    default:
      return `unknown command '${String(o.f)}'`;
  }
}
