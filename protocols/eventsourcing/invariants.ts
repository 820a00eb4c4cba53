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
 * Each check runs over the whole log, or (`createEventLogWatch`) over only what was
 * appended since the last check, for checks after every simulated step.
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

/**
 * The checks of {@link checkEventLog}, {@link checkAcknowledged} and
 * {@link checkProjection}, run incrementally: each call looks only at the events
 * appended and the commands acknowledged since the last one. The store's log is
 * append-only, so a log that is the same array, no shorter, has only grown; another
 * array (a restarted store) or a shorter one starts the checks over.
 *
 * @example
 * ```ts
 * import { createEventLogWatch } from "./invariants.ts";
 * const w = createEventLogWatch();
 * w.check([], ["c1"]); // "acknowledged command c1 is not in the log"
 * ```
 */
export interface EventLogWatch {
  /**
   * Checks what was appended to `log` since the last call, and that the acknowledged
   * commands `acked` (a list that only grows) are in it. The first violation or null.
   */
  check(log: readonly StoredEvent[], acked: readonly string[]): string | null;
  /**
   * Checks projection `id` (e.g. its node) against the log of the last `check`,
   * replaying only the events it applied since the last call.
   */
  projection(id: string, p: StockProjection): string | null;
}

/**
 * A new {@link EventLogWatch}.
 *
 * @example
 * ```ts
 * import { createEventLogWatch } from "./invariants.ts";
 * import { createProjection } from "./projection.ts";
 * const w = createEventLogWatch();
 * w.check([], []); // null
 * w.projection("n4", createProjection()); // null
 * ```
 */
export function createEventLogWatch(): EventLogWatch {
  let log: readonly StoredEvent[] = [];
  let checked = 0; // events of `log` checked so far
  let states = new Map<string, ItemState>();
  let commands = new Set<string>();
  let acks = 0; // acknowledged commands found so far
  const replays = new Map<string, { of: StockProjection; replay: StockProjection }>();
  return {
    check(next, acked) {
      if (next !== log || next.length < checked) {
        // Another log: start over, and so do the projections' replays.
        log = next;
        checked = 0;
        states = new Map();
        commands = new Set();
        acks = 0;
        replays.clear();
      }
      for (; checked < log.length; checked++) {
        const i = checked, e = log[i]!;
        if (e.position !== i) return `position ${e.position} found at index ${i}`;
        const s = states.get(e.stream) ?? EMPTY_ITEM;
        if (e.version !== s.version + 1) {
          return `${e.stream}: version ${e.version} at position ${i}, expected ${s.version + 1}`;
        }
        if (e.type === "ReservationReleased") {
          const order = String(e.data.order);
          if (s.reserved[order] === undefined) {
            return `${e.stream}: released ${order}, never reserved`;
          }
        }
        const next = applyItemEvent(s, e);
        if (next.available < 0) {
          return `${e.stream}: available stock ${next.available} at version ${e.version}`;
        }
        states.set(e.stream, next);
        commands.add(e.command);
      }
      for (; acks < acked.length; acks++) {
        const c = acked[acks]!;
        if (!commands.has(c)) return `acknowledged command ${c} is not in the log`;
      }
      return null;
    },
    projection(id, p) {
      if (p.position > log.length) {
        return `projection at position ${p.position}, past the log end ${log.length}`;
      }
      let r = replays.get(id);
      // A new projection (its node restarted) or one that went back: replay from the start.
      if (r === undefined || r.of !== p || p.position < r.replay.position) {
        replays.set(id, r = { of: p, replay: createProjection() });
      }
      for (let i = r.replay.position; i < p.position; i++) project(r.replay, log[i]!);
      const a = JSON.stringify(projectionView(p)), b = JSON.stringify(projectionView(r.replay));
      return a === b ? null : `projection at ${p.position} is ${a}, replay gives ${b}`;
    },
  };
}
