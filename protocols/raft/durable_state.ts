/**
 * How a Raft node lays out its durable state in `ctx.storage`, and how it reads it
 * back after a crash.
 *
 * - `raft/hard`: `{ term, vote }`, one key so both change together.
 * - `raft/snapshot`: the latest {@link Snapshot} (metadata and data together, so a
 *   crash never pairs one snapshot's metadata with another's data).
 * - `log/<index, 16 digits>`: one key per entry, so `keys("log/")` lists them in order.
 *
 * The host syncs every input's writes before that input's messages leave, so writing
 * here and then sending is the persist-before-send order Raft needs (a vote is on disk
 * before it is granted, an entry before it is acknowledged).
 *
 * @module
 */

import { type DurableStorage, StorageFault } from "../storage.ts";
import type { NodeId } from "../node.ts";
import type { Entry } from "./entry.ts";
import type { Snapshot } from "./snapshot.ts";

/**
 * Key of the term and vote.
 *
 * @example
 * ```ts
 * import { HARD_STATE_KEY } from "./durable_state.ts";
 * import { type DurableStorage, StorageFault } from "../storage.ts";
 * declare const storage: DurableStorage;
 * const hard = storage.get(HARD_STATE_KEY); // the term and vote, if ever written
 * ```
 */
export const HARD_STATE_KEY = "raft/hard";
/**
 * Key of the latest snapshot.
 *
 * @example
 * ```ts
 * import { SNAPSHOT_KEY } from "./durable_state.ts";
 * import { type DurableStorage, StorageFault } from "../storage.ts";
 * declare const storage: DurableStorage;
 * const hasSnapshot = storage.get(SNAPSHOT_KEY) !== undefined;
 * ```
 */
export const SNAPSHOT_KEY = "raft/snapshot";
/**
 * Prefix of the log entries' keys.
 *
 * @example
 * ```ts
 * import { LOG_PREFIX } from "./durable_state.ts";
 * import { type DurableStorage, StorageFault } from "../storage.ts";
 * declare const storage: DurableStorage;
 * const stored = storage.keys(LOG_PREFIX).length; // log entries on disk
 * ```
 */
export const LOG_PREFIX = "log/";

/**
 * Present while a node repairs a damaged log (see {@link recoverState}): it survives a
 * crash in the middle of the repair, so that the node does not vote until it is over.
 *
 * @example
 * ```ts
 * import { REPAIR_KEY } from "./durable_state.ts";
 * REPAIR_KEY; // "raft/repair"
 * ```
 */
export const REPAIR_KEY = "raft/repair";

/**
 * The state that must survive a crash before any message depending on it is sent.
 *
 * @example
 * ```ts
 * import type { HardState } from "./durable_state.ts";
 * const h: HardState = { term: 4, vote: "n2" };
 * ```
 */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId | null;
}

/**
 * The storage key of the entry at `index`.
 *
 * @example
 * ```ts
 * import { logKey } from "./durable_state.ts";
 * logKey(42); // "log/0000000000000042"
 * ```
 */
export function logKey(index: number): string {
  return LOG_PREFIX + String(index).padStart(16, "0");
}

/**
 * Everything a node recovers from storage.
 *
 * @example
 * ```ts
 * import type { RecoveredState } from "./durable_state.ts";
 * const empty: RecoveredState = { hard: { term: 0, vote: null }, snapshot: undefined, entries: [] };
 * ```
 */
export interface RecoveredState {
  readonly hard: HardState;
  readonly snapshot: Snapshot | undefined;
  /** Contiguous entries, starting at or before `snapshot.index + 1`. */
  readonly entries: readonly Entry[];
  /**
   * The log or snapshot was damaged (and dropped), or a repair was under way: the node
   * must neither vote nor campaign until it has caught up from a leader.
   */
  readonly repairing?: boolean;
}

/**
 * Reads a node's durable state. Entries that cannot belong to the log (a gap, or ones
 * older than the snapshot that disagree with it) are deleted from storage, so the log
 * in memory and on disk stay the same.
 *
 * @example
 * ```ts
 * import { recoverState } from "./durable_state.ts";
 * const m = new Map<string, unknown>();
 * const storage = {
 *   get: (k: string) => m.get(k),
 *   set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k),
 *   keys: (p = "") => [...m.keys()].filter((k) => k.startsWith(p)).sort(),
 * };
 * recoverState(storage).hard; // { term: 0, vote: null }
 * ```
 */
export function recoverState(storage: DurableStorage): RecoveredState {
  // A damaged term and vote cannot be repaired from a peer (the node could vote twice
  // in a term): that StorageFault is let through, and the node stays down.
  const hard = (storage.get(HARD_STATE_KEY) as HardState | undefined) ?? { term: 0, vote: null };
  let snapshot: Snapshot | undefined;
  const entries: Entry[] = [];
  try {
    snapshot = storage.get(SNAPSHOT_KEY) as Snapshot | undefined;
    readLog(storage, snapshot, entries);
  } catch (e) {
    if (!(e instanceof StorageFault) || e.kind === "read-error") throw e;
    // Records that were synced are gone: drop the log and snapshot (deleting reads
    // nothing) and repair from the leader, voting only once caught up.
    for (const key of storage.keys(LOG_PREFIX)) storage.delete(key);
    storage.delete(SNAPSHOT_KEY);
    storage.set(REPAIR_KEY, { damage: e.message });
    return { hard, snapshot: undefined, entries: [], repairing: true };
  }
  // Listed without reading it: a damaged marker still means a repair.
  const repairing = storage.keys(REPAIR_KEY).length > 0;
  return repairing ? { hard, snapshot, entries, repairing } : { hard, snapshot, entries };
}

function readLog(storage: DurableStorage, snapshot: Snapshot | undefined, entries: Entry[]): void {
  const base = snapshot?.index ?? 0;
  const drop: string[] = [];
  for (const key of storage.keys(LOG_PREFIX)) {
    const e = storage.get(key) as Entry;
    const prev = entries.at(-1);
    const fits = prev === undefined ? e.index <= base + 1 : e.index === prev.index + 1;
    if (!fits) {
      drop.push(key);
      continue;
    }
    entries.push(e);
  }
  // Entries at or below the snapshot must agree with it, or they are stale.
  const atBase = snapshot && entries.find((e) => e.index === snapshot.index);
  if ((atBase && atBase.term !== snapshot.term) || (entries.at(-1)?.index ?? base) < base) {
    for (const e of entries) drop.push(logKey(e.index));
    entries.length = 0;
  }
  for (const key of drop) storage.delete(key);
}
