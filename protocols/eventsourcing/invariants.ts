/**
 * What event sourcing must keep, checked over the store's log and the query nodes'
 * projections:
 *
 * - **The log is well formed**: positions are 0, 1, 2, … and each stream's versions are
 *   1, 2, 3, … — optimistic concurrency never let two writers take the same version.
 * - **The aggregate's rule holds in every replay**: no item's available stock goes
 *   negative at any version, and only reserved orders are released.
 * - **Acknowledged commands are in the log** (they were appended, with their id).
 * - **A projection is the replay of a prefix**: its state equals folding the store's
 *   first `position` events — stale, perhaps, but never wrong.
 *
 * @module
 */

import type { StoredEvent } from "./event.ts";
import { applyItemEvent, EMPTY_ITEM, type ItemState } from "./inventory.ts";
import { createProjection, project, projectionView, type StockProjection } from "./projection.ts";

/**
 * Checks positions, versions and the stock rule over the whole log.
 *
 * @example
 * ```ts
 * import { checkEventLog } from "./invariants.ts";
 * checkEventLog([
 *   { stream: "item-a", version: 2, position: 0, type: "StockAdded", data: { qty: 1 }, at: 0, command: "c" },
 * ]); // "item-a: version 2 at position 0, expected 1"
 * ```
 */
export function checkEventLog(events: readonly StoredEvent[]): string | null {
  const states = new Map<string, ItemState>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.position !== i) return `position ${e.position} found at index ${i}`;
    const s = states.get(e.stream) ?? EMPTY_ITEM;
    if (e.version !== s.version + 1) {
      return `${e.stream}: version ${e.version} at position ${i}, expected ${s.version + 1}`;
    }
    if (e.type === "ReservationReleased") {
      const order = String(e.data.order);
      if (s.reserved[order] === undefined) return `${e.stream}: released ${order}, never reserved`;
    }
    const next = applyItemEvent(s, e);
    if (next.available < 0) {
      return `${e.stream}: available stock ${next.available} at version ${e.version}`;
    }
    states.set(e.stream, next);
  }
  return null;
}

/**
 * Every acknowledged command id that produced events is in the log.
 *
 * @example
 * ```ts
 * import { checkAcknowledged } from "./invariants.ts";
 * checkAcknowledged([], ["c1"]); // "acknowledged command c1 is not in the log"
 * ```
 */
export function checkAcknowledged(
  events: readonly StoredEvent[],
  acknowledged: Iterable<string>,
): string | null {
  const commands = new Set(events.map((e) => e.command));
  for (const c of acknowledged) {
    if (!commands.has(c)) return `acknowledged command ${c} is not in the log`;
  }
  return null;
}

/**
 * A projection equals the replay of the log's first `position` events.
 *
 * @example
 * ```ts
 * import { checkProjection } from "./invariants.ts";
 * import { createProjection } from "./projection.ts";
 * checkProjection(createProjection(), []); // null
 * ```
 */
export function checkProjection(
  p: StockProjection,
  events: readonly StoredEvent[],
): string | null {
  if (p.position > events.length) {
    return `projection at position ${p.position}, past the log end ${events.length}`;
  }
  const replayed = createProjection();
  for (let i = 0; i < p.position; i++) project(replayed, events[i]!);
  const a = JSON.stringify(projectionView(p)), b = JSON.stringify(projectionView(replayed));
  return a === b ? null : `projection at ${p.position} is ${a}, replay gives ${b}`;
}
