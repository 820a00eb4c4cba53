// @ts-check
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

/** @typedef {import("./types.js").TraceEvent} TraceEvent */

/**
 * One entry as the page knows it.
 * @typedef {{ readonly term: number, readonly label: string }} LogEntry
 */

/** Entries kept per node below its highest index. */
const KEEP = 2000;

/**
 * A short label for an entry's data: `write x=1`, `noop`, `add-learner n6`, ….
 *
 * @example
 * ```js
 * import { entryLabel } from "./raft_log.js";
 * entryLabel({ type: "kv", client: 1, op: { f: "write", key: "x", value: 1 } }); // "write x=1"
 * entryLabel({ type: "noop" }); // "noop"
 * ```
 * @param {unknown} data
 * @returns {string}
 */
export function entryLabel(data) {
  if (data === null || typeof data !== "object") return "?";
  const d = /** @type {Record<string, unknown>} */ (data);
  if (d.type === "noop") return "noop";
  if (d.type === "config") {
    const c = /** @type {{ type?: unknown, node?: unknown }} */ (d.change ?? {});
    return `${String(c.type)} ${String(c.node)}`;
  }
  if (d.type === "kv") {
    const op = /** @type {{ f?: unknown, key?: unknown, value?: unknown }} */ (d.op ?? {});
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

/**
 * @param {unknown} v
 * @returns {string}
 */
function short(v) {
  const s = JSON.stringify(v) ?? "undefined";
  return s.length > 24 ? s.slice(0, 21) + "..." : s;
}

/**
 * The logs of every node, as far as the page has seen them.
 *
 * @example
 * ```js
 * import { RaftLogs } from "./raft_log.js";
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
  /** @type {Map<string, Map<number, LogEntry>>} */
  #logs = new Map();
  /** @type {Map<string, number>} */
  #snapshotIndex = new Map();

  /**
   * Takes in one played event; returns whether a log changed.
   * @param {TraceEvent} e
   * @returns {boolean}
   */
  apply(e) {
    const b = /** @type {Record<string, unknown> | null} */ (
      e.body !== null && typeof e.body === "object" ? e.body : null
    );
    if (b === null) return false;
    if (b.type === "append" && (e.kind === "send" || e.kind === "deliver")) {
      return this.#append(e.node, b, e.kind === "deliver");
    }
    if (b.type === "snapshot" && e.kind === "deliver") {
      const snap = /** @type {{ index?: unknown, term?: unknown }} */ (b.snapshot ?? {});
      if (typeof snap.index !== "number") return false;
      this.#snapshotIndex.set(e.node, snap.index);
      const log = this.#log(e.node);
      for (const i of log.keys()) if (i <= snap.index) log.delete(i);
      return true;
    }
    return false;
  }

  /**
   * The entry at `index` of `node`'s log, if seen.
   * @param {string} node
   * @param {number} index
   * @returns {LogEntry | undefined}
   */
  entry(node, index) {
    return this.#logs.get(node)?.get(index);
  }

  /**
   * The highest index seen in `node`'s log (0 if none).
   * @param {string} node
   */
  lastSeen(node) {
    let max = this.#snapshotIndex.get(node) ?? 0;
    for (const i of this.#logs.get(node)?.keys() ?? []) if (i > max) max = i;
    return max;
  }

  /**
   * Whether `index` of `node` is covered by a snapshot it installed.
   * @param {string} node
   * @param {number} index
   */
  inSnapshot(node, index) {
    return index <= (this.#snapshotIndex.get(node) ?? 0);
  }

  /**
   * @param {string} node
   * @param {Record<string, unknown>} b
   * @param {boolean} follower
   */
  #append(node, b, follower) {
    const entries = Array.isArray(b.entries) ? b.entries : [];
    const log = this.#log(node);
    if (follower && typeof b.prevIndex === "number" && b.prevIndex > 0) {
      const prev = log.get(b.prevIndex);
      if (prev !== undefined && prev.term !== b.prevTerm) return false; // refused
    }
    let changed = false;
    for (const raw of entries) {
      const en = /** @type {{ index?: unknown, term?: unknown, data?: unknown }} */ (raw ?? {});
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

  /** @param {string} node */
  #log(node) {
    let log = this.#logs.get(node);
    if (log === undefined) {
      log = new Map();
      this.#logs.set(node, log);
    }
    return log;
  }

  /** @param {Map<number, LogEntry>} log */
  #trim(log) {
    if (log.size <= KEEP * 1.25) return;
    let max = 0;
    for (const i of log.keys()) if (i > max) max = i;
    for (const i of log.keys()) if (i <= max - KEEP) log.delete(i);
  }
}
