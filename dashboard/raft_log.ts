/**
 * Each Raft node's log as seen on the wire. The API tells how long each log is and how
 * much is committed (`lastIndex`, `commitIndex`), not what it holds; the entries travel
 * in `append` messages, so the page rebuilds every log from the appends it sees: a
 * leader's from those it sends, a follower's from those delivered to it, with Raft's
 * rule that a conflicting entry and all that follow it are replaced. An append whose
 * previous entry the follower is known to lack is left out (the follower refuses it).
 * Entries installed by a snapshot are marked as such.
 *
 * @module
 */

import type { TraceEvent } from "../nodes/trace.ts";
import type { LogPageShape } from "../http/api_schemas.ts";

/**
 * One entry as the page knows it.
 *
 * @example
 * ```ts
 * import type { LogEntry } from "./raft_log.ts";
 * const e: LogEntry = { term: 2, label: "write x=1" };
 * ```
 */
export type LogEntry = { readonly term: number; readonly label: string };

/** Entries kept per node below its highest index. */
const KEEP = 2000;

/**
 * A short label for an entry's data: `write x=1`, `noop`, `add-learner n6`, ….
 *
 * @example
 * ```ts
 * import { entryLabel } from "./raft_log.ts";
 * entryLabel({ type: "kv", client: 1, op: { f: "write", key: "x", value: 1 } }); // "write x=1"
 * entryLabel({ type: "noop" }); // "noop"
 * ```
 */
export function entryLabel(data: unknown): string {
  if (data === null || typeof data !== "object") return "?";
  const d = data as Record<string, unknown>;
  if (d.type === "noop") return "noop";
  if (d.type === "config") {
    const c = (d.change ?? {}) as { type?: unknown; node?: unknown };
    return `${String(c.type)} ${String(c.node)}`;
  }
  if (d.type === "kv") {
    const op = (d.op ?? {}) as { f?: unknown; key?: unknown; value?: unknown };
    const f = String(op.f);
    const key = String(op.key);
    if (f === "write") return `write ${key}=${short(op.value)}`;
    if (f === "cas" && Array.isArray(op.value)) {
      return `cas ${key} ${short(op.value[0])}→${short(op.value[1])}`;
    }
    return `${f} ${key}`;
  }
  return String(d.type ?? "?");
}
function short(v: unknown): string {
  const s = JSON.stringify(v) ?? "undefined";
  return s.length > 24 ? s.slice(0, 21) + "..." : s;
}

/**
 * The logs of every node, as far as the page has seen them.
 *
 * @example
 * ```ts
 * import { RaftLogs } from "./raft_log.ts";
 * const logs = new RaftLogs();
 * logs.apply({
 *   time: 1, kind: "deliver", node: "n2", peer: "n1",
 *   body: { type: "append", term: 2, prevIndex: 0, prevTerm: 0, commit: 0,
 *     entries: [{ index: 1, term: 2, data: { type: "noop" } }] },
 * });
 * logs.entry("n2", 1)?.term; // 2
 * ```
 */
export class RaftLogs {
  #logs: Map<string, Map<number, LogEntry>> = new Map();
  #snapshotIndex: Map<string, number> = new Map();

  /**
   * Takes in one played event; returns whether a log changed.
   */
  apply(e: TraceEvent): boolean {
    const b = (e.body !== null && typeof e.body === "object" ? e.body : null) as
      | Record<string, unknown>
      | null;
    if (b === null) return false;
    if (b.type === "append" && (e.kind === "send" || e.kind === "deliver")) {
      return this.#append(e.node, b, e.kind === "deliver");
    }
    if (b.type === "snapshot" && e.kind === "deliver") {
      const snap = (b.snapshot ?? {}) as { index?: unknown; term?: unknown };
      if (typeof snap.index !== "number") return false;
      this.#snapshotIndex.set(e.node, snap.index);
      const log = this.#log(e.node);
      for (const i of log.keys()) if (i <= snap.index) log.delete(i);
      return true;
    }
    return false;
  }

  /**
   * Takes in a page of `node`'s log read from the API (`GET /nodes/{id}/log`): fills the
   * indexes the page has not seen on the wire (entries sent before it connected), and
   * marks what the node holds only in its snapshot. Entries seen on the wire stay: the
   * wire is newer than a poll. Returns whether anything changed.
   */
  load(node: string, page: LogPageShape): boolean {
    const log = this.#log(node);
    let changed = false;
    if (page.first - 1 > (this.#snapshotIndex.get(node) ?? 0)) {
      this.#snapshotIndex.set(node, page.first - 1);
      changed = true;
    }
    for (const en of page.entries) {
      if (log.has(en.index)) continue;
      log.set(en.index, { term: en.term, label: entryLabel(en.data) });
      changed = true;
    }
    if (changed) this.#trim(log);
    return changed;
  }

  /**
   * Whether `node`'s log, as seen, lacks one of the indexes from `lo` to `hi` (those in
   * its snapshot count as present): the page then asks the API for them.
   */
  missing(node: string, lo: number, hi: number): boolean {
    const log = this.#logs.get(node);
    for (let i = Math.max(lo, 1); i <= hi; i++) {
      if (!this.inSnapshot(node, i) && log?.get(i) === undefined) return true;
    }
    return false;
  }

  /**
   * The entry at `index` of `node`'s log, if seen.
   */
  entry(node: string, index: number): LogEntry | undefined {
    return this.#logs.get(node)?.get(index);
  }

  /**
   * The highest index seen in `node`'s log (0 if none).
   */
  lastSeen(node: string): number {
    let max = this.#snapshotIndex.get(node) ?? 0;
    for (const i of this.#logs.get(node)?.keys() ?? []) if (i > max) max = i;
    return max;
  }

  /**
   * Whether `index` of `node` is covered by a snapshot it installed.
   */
  inSnapshot(node: string, index: number): boolean {
    return index <= (this.#snapshotIndex.get(node) ?? 0);
  }
  #append(node: string, b: Record<string, unknown>, follower: boolean) {
    const entries = Array.isArray(b.entries) ? b.entries : [];
    const log = this.#log(node);
    if (follower && typeof b.prevIndex === "number" && b.prevIndex > 0) {
      const prev = log.get(b.prevIndex);
      if (prev !== undefined && prev.term !== b.prevTerm) return false; // refused
    }
    let changed = false;
    for (const raw of entries) {
      const en = (raw ?? {}) as { index?: unknown; term?: unknown; data?: unknown };
      if (typeof en.index !== "number" || typeof en.term !== "number") continue;
      const have = log.get(en.index);
      if (have !== undefined && have.term === en.term) continue;
      if (have !== undefined) {
        // Raft: a conflicting entry and all that follow it go.
        for (const i of log.keys()) if (i >= en.index) log.delete(i);
      }
      log.set(en.index, { term: en.term, label: entryLabel(en.data) });
      changed = true;
    }
    if (changed) this.#trim(log);
    return changed;
  }
  #log(node: string) {
    let log = this.#logs.get(node);
    if (log === undefined) {
      log = new Map();
      this.#logs.set(node, log);
    }
    return log;
  }
  #trim(log: Map<number, LogEntry>) {
    if (log.size <= KEEP * 1.25) return;
    let max = 0;
    for (const i of log.keys()) if (i > max) max = i;
    for (const i of log.keys()) if (i <= max - KEEP) log.delete(i);
  }
}
