/**
 * What an rw-register history says. A read returns one value, so the version order must
 * be inferred, and only what is sure is used: every written value is unique per key, so
 * a read names its writer (`wr`); the initial `null` comes before every write of the key;
 * and a transaction that read `v` and then wrote `w` installed `w` after `v`
 * (writes-follow-reads inside a transaction, as Maelstrom's checker infers). From each
 * such pair `v < w`: `ww` from the writer of `v` to the writer of `w`, and `rw` from every
 * other reader of `v` to the writer of `w`. Plus the anomalies a single read shows:
 * garbage, aborted (G1a) and intermediate (G1b) reads, and reads that contradict the
 * transaction's own earlier reads and writes (internal).
 *
 * @module
 */

import {
  type Analysis,
  type AnomalyCase,
  observationAnomaly,
  WriteIndex,
} from "./txn_anomalies.ts";
import { TxnGraph } from "./txn_graph.ts";
import { describeTxn, idOf, type Txn } from "./txn_history.ts";

/**
 * Analyses the transactions of an rw-register history.
 *
 * @example
 * ```ts
 * import { analyzeRwRegister } from "./rw_register_analysis.ts";
 * const a = analyzeRwRegister([
 *   { id: 0, process: 0, status: "ok", mops: [["r", 1, null], ["w", 1, 1]], call: 0, ret: 1 },
 *   { id: 1, process: 1, status: "ok", mops: [["r", 1, null], ["w", 1, 2]], call: 0, ret: 1 },
 * ]);
 * a.graph.counts().rw; // 2: each read the initial null the other overwrote
 * ```
 */
export function analyzeRwRegister(txns: readonly Txn[]): Analysis {
  const graph = new TxnGraph();
  const anomalies: AnomalyCase[] = [];
  const writes = new WriteIndex(txns, "w");
  /** key → value read → the transactions whose first access to the key read it. */
  const readers = new Map<string, Map<string, Set<Txn>>>();
  /** Pairs v < w: `w` written by `txn` after it read `v`. */
  const after: { key: unknown; v: unknown; w: unknown; txn: Txn }[] = [];
  for (const t of txns) {
    const known = new Map<string, unknown>(); // what this txn must now read, by key
    const readFirst = new Map<string, unknown>(); // its external reads
    const wrote = new Set<string>();
    for (const [f, k, v] of t.mops) {
      const key = idOf(k);
      if (f === "w") {
        if (readFirst.has(key) && !wrote.has(key)) {
          after.push({ key: k, v: readFirst.get(key), w: v, txn: t });
        }
        known.set(key, v);
        wrote.add(key);
        continue;
      }
      if (f !== "r" || t.status !== "ok") continue;
      if (known.has(key) && idOf(known.get(key)) !== idOf(v)) {
        anomalies.push({
          type: "internal",
          txns: [t.id],
          explanation: `${describeTxn(t)} read key ${JSON.stringify(k)} = ${
            JSON.stringify(v)
          } after its own reads and writes made it ${JSON.stringify(known.get(key))}`,
        });
        continue;
      }
      if (known.has(key)) continue;
      known.set(key, v);
      readFirst.set(key, v);
      let m = readers.get(key);
      if (m === undefined) readers.set(key, m = new Map());
      let s = m.get(idOf(v));
      if (s === undefined) m.set(idOf(v), s = new Set());
      s.add(t);
      if (v === null) continue;
      const a = observationAnomaly(writes, t, k, v, "read");
      if (a !== null) anomalies.push(a);
      const w = writes.writer(k, v);
      if (w !== undefined && w.txn.status !== "fail") {
        graph.add(
          w.txn.id,
          t.id,
          "wr",
          `key ${key}: T${t.id} read ${JSON.stringify(v)}, written by T${w.txn.id}`,
        );
      }
    }
  }
  // The initial null precedes every write: its readers come before every writer.
  for (const [key, m] of readers) {
    for (const r of m.get("null") ?? []) {
      for (const w of writes.writersOf(JSON.parse(key))) {
        graph.add(
          r.id,
          w.id,
          "rw",
          `key ${key}: T${r.id} read the initial null, which T${w.id} overwrote`,
        );
      }
    }
  }
  for (const { key: k, v, w, txn } of after) {
    const key = idOf(k);
    const prev = v === null ? undefined : writes.writer(k, v);
    if (prev !== undefined && prev.txn.status !== "fail") {
      graph.add(
        prev.txn.id,
        txn.id,
        "ww",
        `key ${key}: T${txn.id} read ${JSON.stringify(v)} (T${prev.txn.id}'s) and then wrote ${
          JSON.stringify(w)
        } over it`,
      );
    }
    if (v === null) continue; // done above, for every writer
    for (const r of readers.get(key)?.get(idOf(v)) ?? []) {
      graph.add(
        r.id,
        txn.id,
        "rw",
        `key ${key}: T${r.id} read ${JSON.stringify(v)}, which T${txn.id} read and overwrote with ${
          JSON.stringify(w)
        }`,
      );
    }
  }
  return { graph, anomalies };
}
