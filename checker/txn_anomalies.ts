/**
 * The anomalies a transactional history can show, named as Adya and Elle name them, and
 * the checks that do not need a cycle: aborted reads (G1a), intermediate reads (G1b),
 * garbage reads and lost updates, shared by the list-append and rw-register analyses;
 * the real-time edges that strict serializability adds to the graph; and what each
 * analysis (list-append, rw-register) returns.
 *
 * @module
 */

import type { TxnGraph } from "./txn_graph.ts";
import { describeTxn, idOf, type Txn } from "./txn_history.ts";

/**
 * An anomaly type. Cycles: `G0` (ww only), `G1c` (ww and wr), `G-single` (exactly one
 * rw), `G-nonadjacent` (rw edges, none adjacent), `G2-item` (any other with rw), and
 * each with `-realtime` when it needs a real-time edge. Others: `G1a` (aborted read),
 * `G1b` (intermediate read), `future-read` (a transaction read its own later write, a
 * trivial G1c), `lost-update`, and the ones no model allows: `internal`
 * (a transaction contradicts itself), `garbage-read` (a value nobody wrote),
 * `duplicate-elements`, `incompatible-order` (two reads of a list disagree on its order),
 * `malformed` (a reply that does not answer its request).
 *
 * @example
 * ```ts
 * import type { AnomalyType } from "./txn_anomalies.ts";
 * const t: AnomalyType = "G1c";
 * ```
 */
export type AnomalyType =
  | "G0"
  | "G1a"
  | "G1b"
  | "G1c"
  | "future-read"
  | "G-single"
  | "G-nonadjacent"
  | "G2-item"
  | "lost-update"
  | "G0-realtime"
  | "G1c-realtime"
  | "G-single-realtime"
  | "G-nonadjacent-realtime"
  | "G2-item-realtime"
  | "internal"
  | "garbage-read"
  | "duplicate-elements"
  | "incompatible-order"
  | "malformed";

/**
 * One instance of an anomaly: the transactions involved and why, in one line.
 *
 * @example
 * ```ts
 * import type { AnomalyCase } from "./txn_anomalies.ts";
 * const c: AnomalyCase = { type: "G1a", txns: [3, 5], explanation: "T5 read key 1 = 4, written by T3, which failed" };
 * ```
 */
export interface AnomalyCase {
  readonly type: AnomalyType;
  readonly txns: readonly number[];
  readonly explanation: string;
}

/**
 * A history's dependency graph (without real-time edges) and the anomalies found on the
 * way.
 *
 * @example
 * ```ts
 * import type { Analysis } from "./txn_anomalies.ts";
 * const show = (a: Analysis) => a.anomalies.map((c) => c.explanation);
 * ```
 */
export interface Analysis {
  readonly graph: TxnGraph;
  readonly anomalies: AnomalyCase[];
}

/** Who wrote one value of one key, and whether it was the writer's last write of the key. */
interface Write {
  readonly txn: Txn;
  readonly final: boolean;
}

/**
 * Every written value of every key (keys and values by canonical JSON) and its writer,
 * for writes with function `f` (`w` or `append`); values are unique per key.
 *
 * @example
 * ```ts
 * import { WriteIndex } from "./txn_anomalies.ts";
 * const w = new WriteIndex([{ id: 0, process: 0, status: "ok", mops: [["w", 1, 5]], call: 0, ret: 1 }], "w");
 * w.writer(1, 5)?.txn.id; // 0
 * ```
 */
export class WriteIndex {
  readonly #byKey = new Map<string, Map<string, Write>>();

  constructor(txns: readonly Txn[], f: string) {
    for (const t of txns) {
      const last = new Map<string, string>();
      for (const [g, k, v] of t.mops) if (g === f) last.set(idOf(k), idOf(v));
      for (const [g, k, v] of t.mops) {
        if (g !== f) continue;
        const key = idOf(k);
        let m = this.#byKey.get(key);
        if (m === undefined) this.#byKey.set(key, m = new Map());
        m.set(idOf(v), { txn: t, final: last.get(key) === idOf(v) });
      }
    }
  }

  /** The write of `value` to `key`, if any transaction asked for it. */
  writer(key: unknown, value: unknown): Write | undefined {
    return this.#byKey.get(idOf(key))?.get(idOf(value));
  }

  /** The transactions (not failed) that wrote `key`. */
  writersOf(key: unknown): Txn[] {
    const out = new Set<Txn>();
    for (const w of this.#byKey.get(idOf(key))?.values() ?? []) {
      if (w.txn.status !== "fail") out.add(w.txn);
    }
    return [...out];
  }
}

/**
 * What `reader`'s observation of `value` at `key` says on its own: a garbage read (no
 * transaction wrote it), an aborted read (G1a: its writer failed), an intermediate read
 * (G1b: its writer wrote the key again later) or a future read (the reader wrote it
 * itself, later); null when none.
 *
 * @example
 * ```ts
 * import { observationAnomaly, WriteIndex } from "./txn_anomalies.ts";
 * const w = { id: 0, process: 0, status: "fail" as const, mops: [["w", 1, 5]] as const, call: 0, ret: 1 };
 * const r = { id: 1, process: 1, status: "ok" as const, mops: [["r", 1, 5]] as const, call: 2, ret: 3 };
 * observationAnomaly(new WriteIndex([w, r], "w"), r, 1, 5, "read")?.type; // "G1a"
 * ```
 */
export function observationAnomaly(
  writes: WriteIndex,
  reader: Txn,
  key: unknown,
  value: unknown,
  what: string,
): AnomalyCase | null {
  const w = writes.writer(key, value);
  const k = JSON.stringify(key);
  const v = JSON.stringify(value);
  if (w === undefined) {
    return {
      type: "garbage-read",
      txns: [reader.id],
      explanation: `${describeTxn(reader)} ${what} ${v} at key ${k}, which no transaction wrote`,
    };
  }
  if (w.txn === reader) {
    return {
      type: "future-read",
      txns: [reader.id],
      explanation: `future read: ${
        describeTxn(reader)
      } ${what} ${v} at key ${k}, which it wrote itself only later`,
    };
  }
  if (w.txn.status === "fail") {
    return {
      type: "G1a",
      txns: [w.txn.id, reader.id],
      explanation: `aborted read: ${describeTxn(reader)} ${what} ${v} at key ${k}, written by ${
        describeTxn(w.txn)
      }, which failed`,
    };
  }
  if (!w.final) {
    return {
      type: "G1b",
      txns: [w.txn.id, reader.id],
      explanation: `intermediate read: ${describeTxn(reader)} ${what} ${v} at key ${k}, which ${
        describeTxn(w.txn)
      } wrote and then overwrote in the same transaction`,
    };
  }
  return null;
}

/**
 * Lost updates: committed transactions that read the same version of a key (their first
 * read of it) and then both wrote it (with `f`), so one update was made without seeing
 * the other.
 *
 * @example
 * ```ts
 * import { lostUpdates } from "./txn_anomalies.ts";
 * const t = (id: number, v: number) => ({
 *   id, process: id, status: "ok" as const, mops: [["r", 1, 0], ["w", 1, v]] as const, call: 0, ret: 1,
 * });
 * lostUpdates([t(0, 1), t(1, 2)], "w")[0]?.type; // "lost-update"
 * ```
 */
export function lostUpdates(txns: readonly Txn[], f: string): AnomalyCase[] {
  const groups = new Map<string, { key: unknown; value: unknown; txns: Txn[] }>();
  for (const t of txns) {
    if (t.status !== "ok") continue;
    const read = new Map<string, unknown>();
    const wrote = new Set<string>();
    for (const [g, k, v] of t.mops) {
      const key = idOf(k);
      if (g === "r") {
        if (!read.has(key) && !wrote.has(key)) read.set(key, v);
      } else if (g === f && !wrote.has(key)) {
        wrote.add(key);
        if (!read.has(key)) continue;
        const id = `${key} ${idOf(read.get(key))}`;
        let grp = groups.get(id);
        if (grp === undefined) groups.set(id, grp = { key: k, value: read.get(key), txns: [] });
        grp.txns.push(t);
      }
    }
  }
  const out: AnomalyCase[] = [];
  for (const g of groups.values()) {
    if (g.txns.length < 2) continue;
    out.push({
      type: "lost-update",
      txns: g.txns.map((t) => t.id),
      explanation: `lost update: ${g.txns.map(describeTxn).join(" and ")} all read key ${
        JSON.stringify(g.key)
      } = ${JSON.stringify(g.value)} and then wrote it, each without seeing the other's write`,
    });
  }
  return out;
}

/**
 * Adds `realtime` edges: T1 → T2 when T1 completed before T2 was invoked. Only the
 * edges not implied by others are drawn (each invocation gets one from each of the
 * latest completions it follows), so there are O(n × concurrency), not O(n²).
 *
 * @example
 * ```ts
 * import { addRealtimeEdges } from "./txn_anomalies.ts";
 * import { TxnGraph } from "./txn_graph.ts";
 * const g = new TxnGraph();
 * const t = (id: number, call: number, ret: number) => ({ id, process: id, status: "ok" as const, mops: [], call, ret });
 * addRealtimeEdges([t(0, 0, 1), t(1, 2, 3)], g);
 * g.counts().realtime; // 1
 * ```
 */
export function addRealtimeEdges(txns: readonly Txn[], graph: TxnGraph): void {
  const events: { time: number; start: boolean; t: Txn }[] = [];
  for (const t of txns) {
    if (t.status === "fail") continue;
    events.push({ time: t.call, start: true, t });
    if (t.ret !== Infinity) events.push({ time: t.ret, start: false, t });
  }
  // At equal times a completion does not precede an invocation.
  events.sort((a, b) => a.time - b.time || (a.start === b.start ? 0 : a.start ? -1 : 1));
  let frontier = new Set<Txn>();
  const before = new Map<Txn, Set<Txn>>();
  for (const e of events) {
    if (e.start) {
      before.set(e.t, frontier);
      for (const p of frontier) {
        graph.add(p.id, e.t.id, "realtime", `T${p.id} completed before T${e.t.id} was invoked`);
      }
    } else {
      const implied = before.get(e.t)!;
      frontier = new Set([...frontier].filter((p) => !implied.has(p)));
      frontier.add(e.t);
    }
  }
}
