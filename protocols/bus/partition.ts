/**
 * One replica of one partition: its log, high watermark, the consumer groups' committed
 * offsets and the idempotent-producer table, kept in memory and in durable storage
 * (`bus/<topic>/<partition>/…`). Every change is written before the message or reply
 * that depends on it leaves the node (the host syncs writes first).
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
  /** Producer → seq → offset, rebuilt from the log. */
  readonly producers: Map<string, Map<number, number>>;
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
    | { version: number; offsets: Record<string, number> }
    | undefined;
  const r: PartitionReplica = {
    topic,
    partition,
    log,
    hw: Math.min(Number(storage.get(p + "hw") ?? 0), log.length),
    offsets: new Map(Object.entries(saved?.offsets ?? {})),
    offsetsVersion: saved?.version ?? 0,
    producers: new Map(),
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
 * appendRecord(storage, r, { key: "k", value: 1, at: 0 }); // 0
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
 * A follower applies what its leader sent: records from offset `from` (those it already
 * has are skipped — a leader never rewrites its log), the high watermark and the offsets.
 * Returns false when there is a gap (the follower is missing records before `from`).
 *
 * @example
 * ```ts
 * import { applyAppend, type PartitionReplica } from "./partition.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage, r: PartitionReplica;
 * applyAppend(storage, r, 0, [], 0, {}, 0); // true
 * ```
 */
export function applyAppend(
  storage: DurableStorage,
  r: PartitionReplica,
  from: number,
  entries: readonly BusRecord[],
  hw: number,
  offsets: Readonly<Record<string, number>>,
  offsetsVersion: number,
): boolean {
  if (from > r.log.length) return false;
  for (let i = r.log.length - from; i < entries.length; i++) appendRecord(storage, r, entries[i]!);
  raiseHw(storage, r, hw);
  if (offsetsVersion > r.offsetsVersion) {
    r.offsets.clear();
    for (const [g, o] of Object.entries(offsets)) r.offsets.set(g, o);
    r.offsetsVersion = offsetsVersion;
    saveOffsets(storage, r);
  }
  return true;
}

function saveOffsets(storage: DurableStorage, r: PartitionReplica): void {
  storage.set(prefix(r.topic, r.partition) + "offsets", {
    version: r.offsetsVersion,
    offsets: Object.fromEntries(r.offsets),
  });
}
