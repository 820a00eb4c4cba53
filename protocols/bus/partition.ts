/**
 * One replica of one partition: its log, high watermark, the consumer groups' committed
 * offsets, the idempotent-producer table and its leader epoch and vote, kept in memory
 * and in durable storage (`bus/<topic>/<partition>/…`). Every change is written before
 * the message or reply that depends on it leaves the node (the host syncs writes first).
 *
 * The log only grows, except that a follower cuts off records above its high watermark
 * that its leader does not have (leader-epoch truncation); records below the high
 * watermark are committed and never change.
 *
 * @module
 */

import type { DurableStorage } from "../storage.ts";
import type { BusRecord } from "./message.ts";

/**
 * A partition replica's state.
 *
 * @example
 * ```ts
 * import type { PartitionReplica } from "./partition.ts";
 * function lag(leader: PartitionReplica, follower: PartitionReplica): number {
 *   return leader.log.length - follower.log.length;
 * }
 * ```
 */
export interface PartitionReplica {
  readonly topic: string;
  readonly partition: number;
  readonly log: BusRecord[];
  /** Records below the high watermark are acknowledged and visible to consumers. */
  hw: number;
  /** Consumer group → next offset to consume. */
  readonly offsets: Map<string, number>;
  /** Bumped by every offset change; followers acknowledge the version they hold. */
  offsetsVersion: number;
  /**
   * The epoch of the leader that last stamped the offsets: versions are compared within
   * one epoch, and a newer epoch's offsets replace older ones whatever their version.
   */
  offsetsEpoch: number;
  /** Producer → seq → offset, rebuilt from the log. */
  readonly producers: Map<string, Map<number, number>>;
  /** The highest leader epoch this replica knows of (see `leader_epoch.ts`). */
  epoch: number;
  /** Whom this replica voted for in `epoch`, if anyone. */
  vote: string | null;
}

const pad = (n: number) => String(n).padStart(10, "0");

function prefix(topic: string, partition: number): string {
  return `bus/${topic}/${partition}/`;
}

/**
 * Loads a replica from storage (empty if never written).
 *
 * @example
 * ```ts
 * import { loadReplica } from "./partition.ts";
 * const m = new Map<string, unknown>();
 * const storage = {
 *   get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k),
 *   keys: (p = "") => [...m.keys()].filter((k) => k.startsWith(p)).sort(),
 * };
 * loadReplica(storage, "events", 0).log.length; // 0
 * ```
 */
export function loadReplica(
  storage: DurableStorage,
  topic: string,
  partition: number,
): PartitionReplica {
  const p = prefix(topic, partition);
  const log = storage.keys(p + "log/").map((k) => storage.get(k) as BusRecord);
  const saved = storage.get(p + "offsets") as
    | { version: number; epoch?: number; offsets: Record<string, number> }
    | undefined;
  const elected = storage.get(p + "epoch") as { epoch: number; vote: string | null } | undefined;
  const r: PartitionReplica = {
    topic,
    partition,
    log,
    hw: Math.min(Number(storage.get(p + "hw") ?? 0), log.length),
    offsets: new Map(Object.entries(saved?.offsets ?? {})),
    offsetsVersion: saved?.version ?? 0,
    offsetsEpoch: saved?.epoch ?? 0,
    producers: new Map(),
    epoch: elected?.epoch ?? 0,
    vote: elected?.vote ?? null,
  };
  log.forEach((rec, offset) => remember(r, rec, offset));
  return r;
}

function remember(r: PartitionReplica, rec: BusRecord, offset: number): void {
  if (rec.producer === undefined || rec.seq === undefined) return;
  let seqs = r.producers.get(rec.producer);
  if (seqs === undefined) r.producers.set(rec.producer, seqs = new Map());
  seqs.set(rec.seq, offset);
}

/**
 * The offset an idempotent producer's message already has, if it was appended before.
 *
 * @example
 * ```ts
 * import { duplicateOffset, type PartitionReplica } from "./partition.ts";
 * declare const r: PartitionReplica;
 * duplicateOffset(r, "n1#1", 0); // the offset, or undefined
 * ```
 */
export function duplicateOffset(
  r: PartitionReplica,
  producer: string | undefined,
  seq: number | undefined,
): number | undefined {
  if (producer === undefined || seq === undefined) return undefined;
  return r.producers.get(producer)?.get(seq);
}

/**
 * Appends a record (durably); returns its offset.
 *
 * @example
 * ```ts
 * import { appendRecord, loadReplica } from "./partition.ts";
 * const m = new Map<string, unknown>();
 * const storage = {
 *   get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k),
 *   keys: (p = "") => [...m.keys()].filter((k) => k.startsWith(p)).sort(),
 * };
 * const r = loadReplica(storage, "events", 0);
 * appendRecord(storage, r, { key: "k", value: 1, at: 0, epoch: 1 }); // 0
 * ```
 */
export function appendRecord(storage: DurableStorage, r: PartitionReplica, rec: BusRecord): number {
  const offset = r.log.length;
  storage.set(prefix(r.topic, r.partition) + "log/" + pad(offset), rec);
  r.log.push(rec);
  remember(r, rec, offset);
  return offset;
}

/**
 * Raises the high watermark (durably); it never goes down.
 *
 * @example
 * ```ts
 * import { raiseHw, type PartitionReplica } from "./partition.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage, r: PartitionReplica;
 * raiseHw(storage, r, 3); // true when it moved
 * ```
 */
export function raiseHw(storage: DurableStorage, r: PartitionReplica, hw: number): boolean {
  const next = Math.min(hw, r.log.length);
  if (next <= r.hw) return false;
  r.hw = next;
  storage.set(prefix(r.topic, r.partition) + "hw", next);
  return true;
}

/**
 * Records a group's committed offset (durably). Commits only move forward and never past
 * the high watermark; returns whether anything changed.
 *
 * @example
 * ```ts
 * import { commitOffset, type PartitionReplica } from "./partition.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage, r: PartitionReplica;
 * commitOffset(storage, r, "billing", 5);
 * ```
 */
export function commitOffset(
  storage: DurableStorage,
  r: PartitionReplica,
  group: string,
  offset: number,
): boolean {
  const next = Math.min(offset, r.hw);
  if (next <= (r.offsets.get(group) ?? 0)) return false;
  r.offsets.set(group, next);
  r.offsetsVersion++;
  saveOffsets(storage, r);
  return true;
}

/**
 * A follower applies what the leader of `epoch` sent: records from offset `from`, whose
 * predecessor has epoch `prevEpoch` in the leader's log. Records it already has with the
 * same epoch are skipped (one epoch, one leader, one record per offset); from the first
 * whose epoch differs, its own tail is cut off and replaced. Returns the length of the
 * log it now shares with the leader, or, when its log has a gap before `from` or
 * disagrees at `from - 1`, `{ resend }`: the offset the leader should send from (a
 * disagreeing tail above the high watermark is cut off first — it was never committed).
 * The high watermark is raised only within the shared part.
 *
 * @example
 * ```ts
 * import { applyAppend, type PartitionReplica } from "./partition.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage, r: PartitionReplica;
 * applyAppend(storage, r, 1, 0, 0, [], 0, {}, 0); // { shared: 0 } on an empty log
 * ```
 */
export function applyAppend(
  storage: DurableStorage,
  r: PartitionReplica,
  epoch: number,
  from: number,
  prevEpoch: number,
  entries: readonly BusRecord[],
  hw: number,
  offsets: Readonly<Record<string, number>>,
  offsetsVersion: number,
): { shared: number } | { resend: number } {
  if (from > r.log.length) return { resend: r.log.length };
  if (from > 0 && r.log[from - 1]!.epoch !== prevEpoch) {
    // Our record at from - 1 is not the leader's: it is above our high watermark (what
    // is below it is committed, and every later leader has it), so cut back to it.
    truncateLog(storage, r, Math.min(r.hw, from - 1));
    return { resend: r.log.length };
  }
  for (let i = 0; i < entries.length; i++) {
    const offset = from + i;
    if (offset < r.log.length) {
      if (r.log[offset]!.epoch === entries[i]!.epoch) continue;
      if (offset < r.hw) {
        throw new Error(`${r.topic}/${r.partition}: a leader rewrites committed offset ${offset}`);
      }
      truncateLog(storage, r, offset);
    }
    appendRecord(storage, r, entries[i]!);
  }
  const shared = from + entries.length;
  raiseHw(storage, r, Math.min(hw, shared));
  if (
    epoch > r.offsetsEpoch || (epoch === r.offsetsEpoch && offsetsVersion > r.offsetsVersion)
  ) {
    r.offsets.clear();
    for (const [g, o] of Object.entries(offsets)) r.offsets.set(g, o);
    r.offsetsVersion = offsetsVersion;
    r.offsetsEpoch = epoch;
    saveOffsets(storage, r);
  }
  return { shared };
}

/**
 * Cuts the log back to `length` records (durably) and forgets the cut records'
 * producer sequence numbers. Never below the high watermark: committed records stay.
 *
 * @example
 * ```ts
 * import { truncateLog, type PartitionReplica } from "./partition.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage, r: PartitionReplica;
 * truncateLog(storage, r, r.hw);
 * ```
 */
export function truncateLog(storage: DurableStorage, r: PartitionReplica, length: number): void {
  const to = Math.max(length, r.hw);
  if (to >= r.log.length) return;
  const p = prefix(r.topic, r.partition) + "log/";
  for (let o = to; o < r.log.length; o++) storage.delete(p + pad(o));
  r.log.length = to;
  r.producers.clear();
  r.log.forEach((rec, offset) => remember(r, rec, offset));
}

/**
 * A new leader stamps the offsets with its epoch (durably), so that its followers take
 * its offsets over any older leader's, whatever their versions.
 *
 * @example
 * ```ts
 * import { stampOffsets, type PartitionReplica } from "./partition.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage, r: PartitionReplica;
 * stampOffsets(storage, r, 3);
 * ```
 */
export function stampOffsets(storage: DurableStorage, r: PartitionReplica, epoch: number): void {
  if (r.offsetsEpoch === epoch) return;
  r.offsetsEpoch = epoch;
  saveOffsets(storage, r);
}

/**
 * Records a new epoch or vote (durably, before any message that depends on it).
 *
 * @example
 * ```ts
 * import { saveEpoch, type PartitionReplica } from "./partition.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage, r: PartitionReplica;
 * saveEpoch(storage, r, 2, "n2"); // r.epoch === 2, r.vote === "n2"
 * ```
 */
export function saveEpoch(
  storage: DurableStorage,
  r: PartitionReplica,
  epoch: number,
  vote: string | null,
): void {
  r.epoch = epoch;
  r.vote = vote;
  storage.set(prefix(r.topic, r.partition) + "epoch", { epoch, vote });
}

function saveOffsets(storage: DurableStorage, r: PartitionReplica): void {
  storage.set(prefix(r.topic, r.partition) + "offsets", {
    version: r.offsetsVersion,
    epoch: r.offsetsEpoch,
    offsets: Object.fromEntries(r.offsets),
  });
}
