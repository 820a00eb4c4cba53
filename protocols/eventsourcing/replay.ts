/**
 * Rebuilding state by replaying events — now, or as of any past version or time
 * ("time travel"): the same fold, stopped early.
 *
 * @module
 */

import type { StoredEvent } from "./event.ts";
import { applyItemEvent, EMPTY_ITEM, type ItemState } from "./inventory.ts";

/**
 * Where to stop a replay: after a stream version, or at a time (inclusive).
 *
 * @example
 * ```ts
 * import { type AsOf, itemAsOf } from "./replay.ts";
 * const yesterday: AsOf = { time: 1000 };
 * itemAsOf([], yesterday).available; // 0
 * ```
 */
export interface AsOf {
  readonly version?: number;
  readonly time?: number;
}

/**
 * Folds `events` (of one stream, in version order) into a state, stopping at `asOf`.
 *
 * @example
 * ```ts
 * import { replay } from "./replay.ts";
 * const events = [
 *   { stream: "s", version: 1, position: 0, type: "add", data: { n: 2 }, at: 10, command: "c1" },
 *   { stream: "s", version: 2, position: 1, type: "add", data: { n: 3 }, at: 20, command: "c2" },
 * ];
 * const sum = (s: number, e: { data: { n?: unknown } }) => s + Number(e.data.n);
 * replay(events, 0, sum); // 5
 * replay(events, 0, sum, { time: 15 }); // 2
 * ```
 */
export function replay<S>(
  events: readonly StoredEvent[],
  initial: S,
  apply: (state: S, e: StoredEvent) => S,
  asOf: AsOf = {},
): S {
  let s = initial;
  for (const e of events) {
    if (asOf.version !== undefined && e.version > asOf.version) break;
    if (asOf.time !== undefined && e.at > asOf.time) break;
    s = apply(s, e);
  }
  return s;
}

/**
 * An item's state from its stream's events, as of a version or time.
 *
 * @example
 * ```ts
 * import { itemAsOf } from "./replay.ts";
 * itemAsOf([
 *   { stream: "item-a", version: 1, position: 0, type: "StockAdded", data: { qty: 4 }, at: 1, command: "c" },
 * ], { version: 0 }).available; // 0
 * ```
 */
export function itemAsOf(events: readonly StoredEvent[], asOf: AsOf = {}): ItemState {
  return replay(events, EMPTY_ITEM, applyItemEvent, asOf);
}
