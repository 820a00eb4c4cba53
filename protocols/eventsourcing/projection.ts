/**
 * The read model (CQRS query side): current stock per item, denormalised for queries,
 * fed from the store's global event order. It is disposable — a query node that loses
 * it rebuilds it by reading every event again — and it lags behind the store: it is as
 * of a position, not "now".
 *
 * @module
 */

import type { StoredEvent } from "./event.ts";
import { applyItemEvent, EMPTY_ITEM, type ItemState } from "./inventory.ts";

/**
 * The read model: each item's state, and how far into the store it has read.
 *
 * @example
 * ```ts
 * import { createProjection } from "./projection.ts";
 * const p = createProjection();
 * p.position; // 0: no event applied yet
 * ```
 */
export interface StockProjection {
  /** Item → state (folded from its stream). */
  readonly items: Map<string, ItemState>;
  /** The global position of the next event to apply (= events applied). */
  position: number;
}

/**
 * An empty projection.
 *
 * @example
 * ```ts
 * import { createProjection } from "./projection.ts";
 * createProjection().position; // 0
 * ```
 */
export function createProjection(): StockProjection {
  return { items: new Map(), position: 0 };
}

/**
 * Applies the next event; false (and nothing changes) if it is not the next position.
 *
 * @example
 * ```ts
 * import { createProjection, project } from "./projection.ts";
 * const p = createProjection();
 * project(p, {
 *   stream: "item-a", version: 1, position: 0, type: "StockAdded", data: { qty: 3 }, at: 1, command: "c",
 * }); // true
 * p.items.get("a")?.available; // 3
 * ```
 */
export function project(p: StockProjection, e: StoredEvent): boolean {
  if (e.position !== p.position) return false;
  p.position++;
  if (!e.stream.startsWith("item-")) return true;
  const item = e.stream.slice(5);
  p.items.set(item, applyItemEvent(p.items.get(item) ?? EMPTY_ITEM, e));
  return true;
}

/**
 * The projection as plain data: item → `{ available, reserved }` (total reserved).
 *
 * @example
 * ```ts
 * import { createProjection, projectionView } from "./projection.ts";
 * projectionView(createProjection()); // {}
 * ```
 */
export function projectionView(
  p: StockProjection,
): Record<string, { available: number; reserved: number }> {
  const out: Record<string, { available: number; reserved: number }> = {};
  for (const [item, s] of [...p.items].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    out[item] = {
      available: s.available,
      reserved: Object.values(s.reserved).reduce((a, b) => a + b, 0),
    };
  }
  return out;
}
