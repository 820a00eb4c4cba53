/**
 * The Raft log as one node holds it: a snapshot boundary followed by entries, kept in
 * memory and written through to durable storage.
 *
 * The log may keep some entries at or below the snapshot index (the compaction
 * margin), so a follower that lags a little can be caught up with entries instead of
 * a whole snapshot. Terms are known for every stored entry, for the snapshot index,
 * and for index 0 (term 0) while entry 1 is stored.
 *
 * @module
 */

import type { DurableStorage } from "../storage.ts";
import type { Entry } from "./entry.ts";
import { entryBytes } from "./entry.ts";
import { logKey } from "./durable_state.ts";

/**
 * A node's log.
 *
 * @example
 * ```ts
 * import { RaftLog } from "./log.ts";
 * const log = new RaftLog(undefined, 0, 0, []);
 * log.append([{ index: 1, term: 1, data: { type: "noop" } }]);
 * log.lastIndex; // 1
 * log.isUpToDate(1, 1); // true
 * ```
 */
export class RaftLog {
  #entries: Entry[];
  #snapshotIndex: number;
  #snapshotTerm: number;
  readonly #storage: DurableStorage | undefined;
  /** Bumped on every change, so observers can skip unchanged logs. */
  version = 0;

  /**
   * @param storage where entries are written through (none: memory only)
   * @param entries contiguous, starting at or before `snapshotIndex + 1`
   */
  constructor(
    storage: DurableStorage | undefined,
    snapshotIndex: number,
    snapshotTerm: number,
    entries: readonly Entry[],
  ) {
    this.#storage = storage;
    this.#snapshotIndex = snapshotIndex;
    this.#snapshotTerm = snapshotTerm;
    this.#entries = [...entries];
  }

  /** Index of the last entry the snapshot covers. */
  get snapshotIndex(): number {
    return this.#snapshotIndex;
  }

  /** Term of that entry. */
  get snapshotTerm(): number {
    return this.#snapshotTerm;
  }

  /** Index of the first stored entry (snapshotIndex + 1 when none are stored). */
  get firstIndex(): number {
    return this.#entries[0]?.index ?? this.#snapshotIndex + 1;
  }

  /** Index of the last entry (the snapshot index when none follow it). */
  get lastIndex(): number {
    return this.#entries.at(-1)?.index ?? this.#snapshotIndex;
  }

  /** Term of the last entry. */
  get lastTerm(): number {
    return this.#entries.at(-1)?.term ?? this.#snapshotTerm;
  }

  /** Stored entries (read-only view for inspection; do not keep across changes). */
  get entries(): readonly Entry[] {
    return this.#entries;
  }

  /** The term at `index`, or `undefined` if unknown (compacted or beyond the end). */
  term(index: number): number | undefined {
    const first = this.firstIndex;
    if (index >= first && index <= this.lastIndex) return this.#entries[index - first].term;
    if (index === this.#snapshotIndex) return this.#snapshotTerm;
    // Index 0 is the empty log's origin, usable as a predecessor only while entry 1 is.
    if (index === 0 && first === 1) return 0;
    return undefined;
  }

  /** The entry at `index`, if stored. */
  entry(index: number): Entry | undefined {
    const i = index - this.firstIndex;
    return i >= 0 && i < this.#entries.length ? this.#entries[i] : undefined;
  }

  /** Whether the entry at `index` has term `term`. */
  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /**
   * Whether a log ending at (`lastIndex`, `lastTerm`) is at least as up-to-date as
   * this one (§5.4.1: compare last terms, then lengths).
   */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const t = this.lastTerm;
    return lastTerm > t || (lastTerm === t && lastIndex >= this.lastIndex);
  }

  /**
   * Entries from `lo` on, at most `maxCount` of them and, after the first, at most
   * `maxBytes` in all. Empty if `lo` is past the end; throws if `lo` is not stored.
   */
  slice(lo: number, maxCount = Infinity, maxBytes = Infinity): Entry[] {
    if (lo > this.lastIndex) return [];
    const start = lo - this.firstIndex;
    if (start < 0) throw new RangeError(`log: entry ${lo} is compacted`);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = start; i < this.#entries.length && out.length < maxCount; i++) {
      const e = this.#entries[i];
      bytes += entryBytes(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  /** Appends entries that continue the log at `lastIndex + 1`. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    if (entries[0].index !== this.lastIndex + 1) {
      throw new RangeError(`log: append at ${entries[0].index} after ${this.lastIndex}`);
    }
    for (const e of entries) {
      this.#entries.push(e);
      this.#storage?.set(logKey(e.index), e);
    }
    this.version++;
  }

  /** Removes every entry at or after `index` (which must follow the snapshot). */
  truncateFrom(index: number): void {
    if (index <= this.#snapshotIndex) throw new RangeError("log: truncating the snapshot");
    const last = this.lastIndex;
    if (index > last) return;
    for (let i = index; i <= last; i++) this.#storage?.delete(logKey(i));
    this.#entries.length = index - this.firstIndex;
    this.version++;
  }

  /**
   * AppendEntries on a follower: if the log has (`prevIndex`, `prevTerm`), appends
   * `entries`, truncating from the first one that conflicts, and returns the index of
   * the last new entry; otherwise returns `undefined`. Entries already present are
   * kept, so a delayed or duplicated append never truncates anything it agrees with.
   * Throws if a conflict is at or below `committed` (that would lose a committed entry).
   */
  maybeAppend(
    prevIndex: number,
    prevTerm: number,
    entries: readonly Entry[],
    committed: number,
  ): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (this.matchTerm(e.index, e.term)) continue;
      if (e.index <= committed) {
        throw new Error(`log: entry ${e.index} conflicts with committed ${committed}`);
      }
      this.truncateFrom(e.index);
      this.append(entries.slice(i));
      break;
    }
    return lastNew;
  }

  /**
   * For fast backtracking: the largest index ≤ `index` whose term is ≤ `term`, with its
   * term (`0` when unknown because compacted). Every entry between it and `index` has a
   * larger term, so cannot match a log whose entry at `index` has term `term`.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex);
    for (;;) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
      i--;
    }
  }

  /**
   * Records that a snapshot now covers everything up to `index` (of term `term`) and
   * drops entries before `keepFrom` (≤ index + 1), deleting them from storage.
   */
  compact(index: number, term: number, keepFrom: number): void {
    if (index < this.#snapshotIndex) return;
    const keep = Math.min(keepFrom, index + 1);
    const drop = Math.max(0, Math.min(keep - this.firstIndex, this.#entries.length));
    for (let i = 0; i < drop; i++) this.#storage?.delete(logKey(this.#entries[i].index));
    this.#entries = this.#entries.slice(drop);
    this.#snapshotIndex = index;
    this.#snapshotTerm = term;
    if (this.#entries.length > 0 && this.#entries.at(-1)!.index < index) {
      this.#deleteAll();
    }
    this.version++;
  }

  /** Replaces the whole log with a received snapshot's boundary. */
  restore(index: number, term: number): void {
    this.#deleteAll();
    this.#snapshotIndex = index;
    this.#snapshotTerm = term;
    this.version++;
  }

  #deleteAll(): void {
    for (const e of this.#entries) this.#storage?.delete(logKey(e.index));
    this.#entries = [];
  }
}
