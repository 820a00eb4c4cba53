/**
 * A transactional checker in the manner of Elle (Kingsbury & Alvaro, "Elle: Inferring
 * Isolation Anomalies from Experimental Observations", VLDB 2020): it reads a history of
 * `txn` operations over list-append or rw-register keys, builds the dependency graph
 * (`ww`, `wr`, `rw`, and `realtime`), finds the anomalies — aborted, intermediate and
 * garbage reads, lost updates, contradictions inside a transaction, and the cycles G0,
 * G1c, G-single, G-nonadjacent, G2-item and their real-time variants — and names the
 * strongest consistency models of the jepsen.io map the history leaves standing.
 *
 * A history is valid when it shows no anomaly that one of the `models` asked for
 * forbids. The graph holds only what the history proves, so "no anomaly found" is what
 * is claimed, not that the run was serializable: an rw-register history proves much
 * less than a list-append one.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import { analyzeListAppend } from "./list_append_analysis.ts";
import { analyzeRwRegister } from "./rw_register_analysis.ts";
import {
  addRealtimeEdges,
  type AnomalyCase,
  type AnomalyType,
  lostUpdates,
} from "./txn_anomalies.ts";
import { findCycles } from "./txn_cycles.ts";
import type { Rel } from "./txn_graph.ts";
import { describeTxn, txnsOf } from "./txn_history.ts";
import { forbiddenBy, modelsLeft, type TxnModel } from "./txn_models.ts";

/**
 * Options of {@link checkTxns}.
 *
 * @example
 * ```ts
 * import type { TxnCheckOptions } from "./elle_like.ts";
 * const o: TxnCheckOptions = { kind: "list-append", models: ["serializable"] };
 * ```
 */
export interface TxnCheckOptions {
  readonly kind: "list-append" | "rw-register";
  /** The models the history must satisfy (default: strict-serializable, as Maelstrom). */
  readonly models?: readonly TxnModel[];
  /** Path-search steps the cycle search may take before it says `unknown`. */
  readonly maxSteps?: number;
}

/**
 * What {@link checkTxns} found.
 *
 * @example
 * ```ts
 * import type { TxnCheckResult } from "./elle_like.ts";
 * const ok = (r: TxnCheckResult) => r.valid === true;
 * ```
 */
export interface TxnCheckResult {
  /** `unknown` when the cycle search ran out of steps and found nothing forbidden. */
  readonly valid: boolean | "unknown";
  /** The strongest models not ruled out (incomparable models are all named). */
  readonly strongest: readonly TxnModel[];
  /** Each model ruled out, with the anomaly types that rule it out. */
  readonly ruledOut: Partial<Record<TxnModel, readonly string[]>>;
  /** Anomalies by type (the first few of each). */
  readonly anomalies: Readonly<Record<string, readonly AnomalyCase[]>>;
  /** How many of each type were found (cycles: one per type is searched for). */
  readonly counts: Readonly<Record<string, number>>;
  /** The transactions the shown anomalies involve, each in one line, by `T<id>`. */
  readonly involved: Readonly<Record<string, string>>;
  readonly txns: { readonly ok: number; readonly info: number; readonly fail: number };
  readonly edges: Readonly<Record<Rel, number>>;
  /** The cycle search stopped early. */
  readonly exhausted: boolean;
  /** One line for a person: the verdict, the strongest models, the first anomalies. */
  readonly explanation: string;
}

const SHOWN_PER_TYPE = 3;

/** The order anomalies are told in: the classic ones first, by severity. */
const ORDER: readonly AnomalyType[] = [
  "G0",
  "G1a",
  "G1b",
  "G1c",
  "future-read",
  "lost-update",
  "G-single",
  "G-nonadjacent",
  "G2-item",
  "G0-realtime",
  "G1c-realtime",
  "G-single-realtime",
  "G-nonadjacent-realtime",
  "G2-item-realtime",
  "incompatible-order",
  "duplicate-elements",
  "internal",
  "garbage-read",
  "malformed",
];

/**
 * Checks a transactional history.
 *
 * @example
 * ```ts
 * import { checkTxns } from "./elle_like.ts";
 * const h = [
 *   { process: 0, type: "invoke" as const, f: "txn", value: [["append", 1, 1]], time: 1 },
 *   { process: 0, type: "ok" as const, f: "txn", value: [["append", 1, 1]], time: 2 },
 *   { process: 1, type: "invoke" as const, f: "txn", value: [["r", 1, null]], time: 3 },
 *   { process: 1, type: "ok" as const, f: "txn", value: [["r", 1, [1]]], time: 4 },
 * ];
 * checkTxns(h, { kind: "list-append" }).strongest; // ["strict-serializable"]
 * ```
 */
export function checkTxns(
  history: readonly HistoryEvent[],
  options: TxnCheckOptions,
): TxnCheckResult {
  const models = options.models ?? ["strict-serializable"];
  const { txns, malformed } = txnsOf(history);
  const found: AnomalyCase[] = malformed.map((m) => ({
    type: "malformed",
    txns: [],
    explanation: m,
  }));
  const analysis = options.kind === "list-append"
    ? analyzeListAppend(txns)
    : analyzeRwRegister(txns);
  found.push(...analysis.anomalies);
  found.push(...lostUpdates(txns, options.kind === "list-append" ? "append" : "w"));
  addRealtimeEdges(txns, analysis.graph);
  const cycles = findCycles(analysis.graph, options.maxSteps ?? 5_000_000);
  found.push(...cycles.cases);

  const byType: Record<string, AnomalyCase[]> = {};
  const counts: Record<string, number> = {};
  found.sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
  for (const c of found) {
    counts[c.type] = (counts[c.type] ?? 0) + 1;
    const list = byType[c.type] ??= [];
    if (list.length < SHOWN_PER_TYPE) list.push(c);
  }
  const byId = new Map(txns.map((t) => [t.id, t]));
  const involved: Record<string, string> = {};
  for (const c of Object.values(byType).flat()) {
    for (const id of c.txns) {
      const t = byId.get(id);
      if (t !== undefined) involved[`T${id}`] = describeTxn(t);
    }
  }
  const types = new Set(found.map((c) => c.type));
  const { strongest, ruledOut } = modelsLeft(types);
  const forbidden = models.flatMap((m) => [...forbiddenBy(m)].filter((a) => types.has(a)));
  const valid = forbidden.length > 0 ? false : cycles.exhausted ? "unknown" : true;
  const status = (s: string) => txns.filter((t) => t.status === s).length;
  const edges = analysis.graph.counts();
  const summary = `${
    status("ok")
  } committed transactions, ${edges.ww} ww, ${edges.wr} wr, ${edges.rw} rw and ${edges.realtime} real-time edges`;
  const best = strongest.length === 0 ? "none on the map" : strongest.join(" and ");
  let explanation: string;
  if (found.length === 0) {
    explanation = cycles.exhausted
      ? `${summary}; the cycle search ran out of steps before it finished (no anomaly found so far)`
      : `${best}: ${summary}; no anomaly found`;
  } else {
    const shown = Object.values(byType).flatMap((l) => l.slice(0, 1)).map((c) => c.explanation);
    explanation = `${
      valid === false ? `not ${models.join(", ")}` : `${models.join(", ")} allows what was found`
    }; strongest model left: ${best} (${
      Object.entries(counts).map(([t, n]) => `${t} ×${n}`).join(", ")
    }); ${shown.join("; ")}${
      cycles.exhausted ? "; the cycle search ran out of steps before it finished" : ""
    }`;
  }
  return {
    valid,
    strongest,
    ruledOut,
    anomalies: byType,
    counts,
    involved,
    txns: { ok: status("ok"), info: status("info"), fail: status("fail") },
    edges,
    exhausted: cycles.exhausted,
    explanation,
  };
}
