/**
 * Verdicts on one simulated run: is the client history linearizable (kv model, each key
 * on its own), and did the replicas converge after the faults healed?
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import { checkLinearizability, type LinearizabilityResult } from "../checker/linearizability.ts";
import { kvModel } from "../checker/models.ts";
import { findStaleReads } from "../checker/stale_reads.ts";
import { checkConvergence } from "../checker/consistency.ts";
import type { SimRunResult } from "./sim_run.ts";
import type { NodeId } from "../protocols/node.ts";

/** Convergence when each key lives on only some nodes: compare each key among its owners. */
function convergenceByOwners(
  data: Readonly<Record<NodeId, Readonly<Record<string, unknown>>>>,
  ownersOf: (key: string) => NodeId[],
): { converged: boolean; divergentKeys: string[] } {
  const keys = new Set<string>();
  for (const d of Object.values(data)) for (const k of Object.keys(d)) keys.add(k);
  const divergentKeys: string[] = [];
  for (const key of [...keys].sort()) {
    const view: Record<NodeId, Record<string, unknown>> = {};
    for (const n of ownersOf(key)) {
      const d = data[n];
      if (d !== undefined) view[n] = Object.hasOwn(d, key) ? { [key]: d[key] } : {};
    }
    if (!checkConvergence(view).converged) divergentKeys.push(key);
  }
  return { converged: divergentKeys.length === 0, divergentKeys };
}

/**
 * Counts of a history's completions.
 *
 * @example
 * ```ts
 * import type { OpCounts } from "./verify_run.ts";
 * const c: OpCounts = { ops: 10, ok: 7, fail: 2, info: 1 };
 * ```
 */
export interface OpCounts {
  ops: number;
  ok: number;
  fail: number;
  info: number;
}

/**
 * The verdicts on one run.
 *
 * @example
 * ```ts
 * import type { RunVerdict } from "./verify_run.ts";
 * function ok(v: RunVerdict): boolean {
 *   return v.violation === null;
 * }
 * ```
 */
export interface RunVerdict {
  readonly counts: OpCounts;
  readonly linearizability?: LinearizabilityResult;
  /** Reads that returned only values older than an acknowledged write (stale-reads check). */
  readonly staleReads?: number;
  /** Whether every replica holds the same data; undefined when nothing to compare. */
  readonly converged?: boolean;
  /** Keys on which replicas differ (first few). */
  readonly divergentKeys?: readonly string[];
  /** One line naming the violation, or null. */
  readonly violation: string | null;
  readonly checkerMs: number;
}

/**
 * Counts invocations and completions by type.
 *
 * @example
 * ```ts
 * import { countOps } from "./verify_run.ts";
 * countOps([]).ops; // 0
 * ```
 */
export function countOps(history: readonly HistoryEvent[]): OpCounts {
  const c: OpCounts = { ops: 0, ok: 0, fail: 0, info: 0 };
  for (const e of history) {
    if (e.type === "invoke") c.ops++;
    else c[e.type]++;
  }
  return c;
}

/**
 * Checks a run's history and final data. The time budget is real time, since this runs
 * outside the simulation.
 *
 * @example
 * ```ts
 * import { verifyRun } from "./verify_run.ts";
 * import { runSimulation } from "./sim_run.ts";
 * const r = runSimulation({
 *   protocol: "register", nodes: 3, seed: 1, durationMs: 2000, nemesis: [], clients: 2,
 * });
 * verifyRun(r).violation; // null
 * ```
 */
export function verifyRun(
  r: SimRunResult,
  o: { check?: "linearizability" | "stale-reads"; timeoutMs?: number } = {},
): RunVerdict {
  const started = performance.now();
  const history = r.history ?? [];
  const counts = countOps(history);
  const check = o.check ?? r.sim.protocol.check ?? "linearizability";
  const lin = r.history === undefined || check !== "linearizability"
    ? undefined
    : checkLinearizability(history, kvModel, {
      now: () => performance.now(),
      timeoutMs: o.timeoutMs ?? 60_000,
    });
  const stale = r.history !== undefined && check === "stale-reads"
    ? findStaleReads(history)
    : undefined;
  const conv = r.finalData === undefined
    ? undefined
    : r.ownersOf === undefined
    ? checkConvergence(r.finalData)
    : convergenceByOwners(r.finalData, r.ownersOf);
  let violation: string | null = null;
  if (r.failure !== undefined) {
    violation = `node ${r.failure.node} threw at ${r.failure.time.toFixed(1)} ms ` +
      `(crashed): ${r.failure.error}`;
  } else if (r.invariant !== undefined) {
    violation = `invariant violated at ${r.invariant.timeMs.toFixed(1)} ms: ${r.invariant.message}`;
  } else if (lin?.verdict === "not-linearizable") {
    violation = `not linearizable${lin.key !== undefined ? ` on key ${lin.key}` : ""}: ` +
      lin.counterexample.explanation.split("\n")[0];
  } else if (stale !== undefined && stale.stale.length > 0) {
    violation = `${stale.stale.length} stale read(s) of an acknowledged write`;
  } else if (conv !== undefined && !conv.converged) {
    violation = `replicas did not converge on ${conv.divergentKeys.slice(0, 3).join(", ")}`;
  }
  return {
    counts,
    linearizability: lin,
    staleReads: stale?.stale.length,
    converged: conv?.converged,
    divergentKeys: conv?.divergentKeys.slice(0, 10),
    violation,
    checkerMs: performance.now() - started,
  };
}
