/**
 * Verdicts on one simulated run: is the client history linearizable (kv model, each key
 * on its own), and did the replicas converge after the faults healed?
 *
 * @module
 */

import type { HistoryEvent } from "../protocols/history/event.ts";
import {
  checkLinearizability,
  type LinearizabilityResult,
} from "../protocols/checker/linearizability.ts";
import { kvModel } from "../protocols/checker/models.ts";
import { checkConvergence } from "../protocols/checker/consistency.ts";
import type { SimRunResult } from "./sim_run.ts";

/** Counts of a history's completions. */
export interface OpCounts {
  ops: number;
  ok: number;
  fail: number;
  info: number;
}

/** The verdicts on one run. */
export interface RunVerdict {
  readonly counts: OpCounts;
  readonly linearizability?: LinearizabilityResult;
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
export function verifyRun(r: SimRunResult, timeoutMs = 60_000): RunVerdict {
  const started = performance.now();
  const history = r.history ?? [];
  const counts = countOps(history);
  const lin = r.history === undefined ? undefined : checkLinearizability(history, kvModel, {
    now: () => performance.now(),
    timeoutMs,
  });
  const conv = r.finalData === undefined ? undefined : checkConvergence(r.finalData);
  let violation: string | null = null;
  if (lin?.verdict === "not-linearizable") {
    violation = `not linearizable${lin.key !== undefined ? ` on key ${lin.key}` : ""}: ` +
      lin.counterexample.explanation.split("\n")[0];
  } else if (conv !== undefined && !conv.converged) {
    violation = `replicas did not converge on ${conv.divergentKeys.slice(0, 3).join(", ")}`;
  }
  return {
    counts,
    linearizability: lin,
    converged: conv?.converged,
    divergentKeys: conv?.divergentKeys.slice(0, 10),
    violation,
    checkerMs: performance.now() - started,
  };
}
