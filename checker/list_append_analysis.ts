/**
 * What a list-append history says: every read of a key returns the whole list, so the
 * longest read gives the order in which the key's versions were installed, and every
 * other read must be a prefix of it. From that order: `ww` between the writers of
 * consecutive elements, `wr` from the writer of a read's last element to the reader,
 * `rw` from a reader to the writer of the element right after what it read. And the
 * anomalies a single read shows: duplicates, an order another read contradicts,
 * garbage, aborted (G1a) and intermediate (G1b) reads, and reads inside a transaction
 * that contradict its own earlier reads and appends (internal).
 *
 * @module
 */

import {
  type Analysis,
  type AnomalyCase,
  observationAnomaly,
  WriteIndex,
} from "./txn_anomalies.ts";
import { type Rel, TxnGraph } from "./txn_graph.ts";
import { describeTxn, idOf, type Txn } from "./txn_history.ts";

interface Read {
  readonly txn: Txn;
  readonly key: unknown;
  /** The list as read, without the reader's own appends at its end. */
  readonly seen: readonly unknown[];
  readonly whole: readonly unknown[];
}

/**
 * Analyses the transactions of a list-append history.
 *
 * @example
 * ```ts
 * import { analyzeListAppend } from "./list_append_analysis.ts";
 * const a = analyzeListAppend([
 *   { id: 0, process: 0, status: "ok", mops: [["append", 1, 1]], call: 0, ret: 1 },
 *   { id: 1, process: 1, status: "ok", mops: [["r", 1, [1]]], call: 2, ret: 3 },
 * ]);
 * a.graph.counts().wr; // 1
 * ```
 */
export function analyzeListAppend(txns: readonly Txn[]): Analysis {
  const graph = new TxnGraph();
  const anomalies: AnomalyCase[] = [];
  const writes = new WriteIndex(txns, "append");
  const reads: Read[] = [];
  /** An edge between two transactions that may have committed (failed ones did not). */
  const link = (from: Txn | undefined, to: Txn | undefined, rel: Rel, why: string) => {
    if (from === undefined || to === undefined) return;
    if (from.status !== "fail" && to.status !== "fail") graph.add(from.id, to.id, rel, why);
  };
  for (const t of txns) {
    if (t.status !== "ok") continue;
    const own = new Map<string, unknown[]>(); // this txn's appends so far, by key
    const known = new Map<string, unknown[]>(); // the list as this txn must now see it
    for (const [f, k, v] of t.mops) {
      const key = idOf(k);
      if (f === "append") {
        own.set(key, [...own.get(key) ?? [], v]);
        const list = known.get(key);
        if (list !== undefined) known.set(key, [...list, v]);
        continue;
      }
      if (f !== "r") continue;
      if (v !== null && !Array.isArray(v)) {
        anomalies.push({
          type: "malformed",
          txns: [t.id],
          explanation: `${describeTxn(t)} read key ${JSON.stringify(k)} as ${
            JSON.stringify(v)
          }, not a list or null`,
        });
        continue;
      }
      const whole = v ?? [];
      const expect = known.get(key);
      const mine = own.get(key) ?? [];
      const suffix = whole.slice(whole.length - mine.length);
      if (
        (expect !== undefined && idOf(expect) !== idOf(whole)) ||
        (expect === undefined && (whole.length < mine.length || idOf(suffix) !== idOf(mine)))
      ) {
        anomalies.push({
          type: "internal",
          txns: [t.id],
          explanation: `${describeTxn(t)} read key ${JSON.stringify(k)} = ${
            JSON.stringify(whole)
          }, but its own earlier reads and appends say ${JSON.stringify(expect ?? ["…", ...mine])}`,
        });
        continue;
      }
      known.set(key, whole);
      reads.push({ txn: t, key: k, whole, seen: whole.slice(0, whole.length - mine.length) });
    }
  }
  const orders = versionOrders(reads, anomalies);
  for (const r of reads) {
    const order = orders.get(idOf(r.key));
    if (order === undefined) continue; // incompatible: no order to draw edges from
    const k = JSON.stringify(r.key);
    for (const e of r.seen) {
      const a = observationAnomaly(writes, r.txn, r.key, e, "read an element");
      if (a !== null && a.type !== "G1b") anomalies.push(a);
    }
    const last = r.seen[r.seen.length - 1];
    if (r.seen.length > 0) {
      const a = observationAnomaly(writes, r.txn, r.key, last, "read a list ending in");
      if (a?.type === "G1b") anomalies.push(a);
      const w = writes.writer(r.key, last)?.txn;
      link(
        w,
        r.txn,
        "wr",
        `key ${k}: T${r.txn.id} read ${
          JSON.stringify(r.seen)
        }, whose last element T${w?.id} appended`,
      );
    }
    const next = order[r.seen.length];
    const w = next === undefined ? undefined : writes.writer(r.key, next)?.txn;
    link(
      r.txn,
      w,
      "rw",
      `key ${k}: T${r.txn.id} read ${
        JSON.stringify(r.seen)
      }; T${w?.id} appended the next element, ${JSON.stringify(next)}`,
    );
  }
  for (const [key, order] of orders) {
    for (let i = 1; i < order.length; i++) {
      const a = writes.writer(JSON.parse(key), order[i - 1])?.txn;
      const b = writes.writer(JSON.parse(key), order[i])?.txn;
      link(
        a,
        b,
        "ww",
        `key ${key}: T${b?.id} appended ${JSON.stringify(order[i])} right after T${a?.id}'s ${
          JSON.stringify(order[i - 1])
        }`,
      );
    }
  }
  return { graph, anomalies };
}

/**
 * Each key's version order: its longest read, when every read of the key is a prefix of
 * it and has no duplicates; otherwise the anomaly goes to `anomalies` and the key gets
 * no order.
 */
function versionOrders(reads: readonly Read[], anomalies: AnomalyCase[]): Map<string, unknown[]> {
  const longest = new Map<string, Read>();
  const bad = new Set<string>();
  for (const r of reads) {
    const key = idOf(r.key);
    const ids = r.whole.map(idOf);
    if (new Set(ids).size !== ids.length) {
      const dup = r.whole.find((e, i) => ids.indexOf(idOf(e)) !== i);
      anomalies.push({
        type: "duplicate-elements",
        txns: [r.txn.id],
        explanation: `${describeTxn(r.txn)} read key ${JSON.stringify(r.key)} with ${
          JSON.stringify(dup)
        } more than once`,
      });
      bad.add(key);
      continue;
    }
    const l = longest.get(key);
    if (l === undefined || r.whole.length > l.whole.length) longest.set(key, r);
  }
  for (const r of reads) {
    const key = idOf(r.key);
    const l = longest.get(key);
    if (l === undefined || bad.has(key)) continue;
    if (idOf(l.whole.slice(0, r.whole.length)) !== idOf(r.whole)) {
      anomalies.push({
        type: "incompatible-order",
        txns: [r.txn.id, l.txn.id],
        explanation: `key ${JSON.stringify(r.key)}: ${describeTxn(r.txn)} read ${
          JSON.stringify(r.whole)
        }, not a prefix of ${
          JSON.stringify(l.whole)
        } read by T${l.txn.id}: they disagree on the list's order (an append lost or moved)`,
      });
      bad.add(key);
    }
  }
  const out = new Map<string, unknown[]>();
  for (const [key, r] of longest) if (!bad.has(key)) out.set(key, [...r.whole]);
  return out;
}
