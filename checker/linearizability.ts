/**
 * The linearizability checker: is there an order of a history's operations that a
 * sequential model accepts and that respects real time (an operation that returned
 * before another was invoked comes first)?
 *
 * `fail` operations did not happen and are dropped. `info` operations (and invocations
 * that never completed) may take effect at any time after their call, or never. A model
 * with `partition` (the kv model: one part per key) is checked part by part.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import type { Operation } from "../history/operations.ts";
import { type CheckBudget, createStepMeter } from "./budget.ts";
import { buildCounterexample, type Counterexample } from "./counterexample.ts";
import type { AnyModel, OperationPartition } from "./model.ts";
import { historyParts, relevantOperations } from "./parts.ts";
import { searchLinearization } from "./search.ts";

export type { CheckBudget } from "./budget.ts";
export type { Counterexample } from "./counterexample.ts";
// Where they lived first; `parts.ts` is their home now.
export { asOperations, relevantOperations } from "./parts.ts";

/**
 * A checker's answer. It is never wrong: when the budget runs out before an answer is
 * certain, the verdict is `unknown`. `steps` is the search effort spent.
 *
 * @example
 * ```ts
 * import type { LinearizabilityResult } from "./linearizability.ts";
 * function ok(r: LinearizabilityResult): boolean {
 *   return r.verdict === "linearizable";
 * }
 * ```
 */
export type LinearizabilityResult =
  | { readonly verdict: "linearizable"; readonly steps: number }
  | {
    readonly verdict: "not-linearizable";
    /** The part (key) that is not linearizable, when the model partitions. */
    readonly key?: string;
    readonly counterexample: Counterexample;
    readonly steps: number;
  }
  | { readonly verdict: "unknown"; readonly reason: string; readonly steps: number };

/**
 * Checks `history` (events or already paired operations) against `model` within
 * `budget`. Parts are checked smallest first, so a violation in a small part is found
 * even if a big one would exhaust the budget. A model that rejects an operation (an
 * unsupported `f`, a malformed value) gives `unknown` with the model's message.
 *
 * @example
 * ```ts
 * import { checkLinearizability } from "./linearizability.ts";
 * import { kvModel } from "./models.ts";
 * const r = checkLinearizability([
 *   { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 0 },
 *   { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 10 },
 *   { process: 1, type: "invoke", f: "read", key: "x", time: 20 },
 *   { process: 1, type: "ok", f: "read", key: "x", value: null, time: 30 },
 * ], kvModel);
 * r.verdict; // "not-linearizable": the read after the write returned the old value
 * ```
 */
export function checkLinearizability(
  history: readonly HistoryEvent[] | readonly Operation[],
  model: AnyModel,
  budget: CheckBudget = {},
): LinearizabilityResult {
  const meter = createStepMeter(budget);
  let parts: OperationPartition[];
  try {
    parts = historyParts(history, model);
  } catch (e) {
    return { verdict: "unknown", reason: (e as Error).message, steps: 0 };
  }
  for (const part of parts) {
    let ops: Operation[];
    let outcome;
    try {
      ops = relevantOperations(part.operations, model);
      outcome = searchLinearization(ops, model, meter);
      // The fast search trusts 64-bit hashes, which can only hide a linearization:
      // confirm a failure with the exact one before reporting it.
      if (outcome.kind === "not-linearizable") {
        outcome = searchLinearization(ops, model, meter, true);
      }
    } catch (e) {
      return { verdict: "unknown", reason: (e as Error).message, steps: meter.steps };
    }
    if (outcome.kind === "linearizable") continue;
    if (outcome.kind === "exhausted") {
      const where = part.key === undefined
        ? ""
        : ` (while checking key ${JSON.stringify(part.key)})`;
      return { verdict: "unknown", reason: meter.exhaustedReason() + where, steps: meter.steps };
    }
    const counterexample = buildCounterexample(
      ops,
      model,
      outcome.stuck,
      outcome.prefix,
      outcome.prefixState,
      outcome.stuckStates,
      part.key,
    );
    return part.key === undefined
      ? { verdict: "not-linearizable", counterexample, steps: meter.steps }
      : { verdict: "not-linearizable", key: part.key, counterexample, steps: meter.steps };
  }
  return { verdict: "linearizable", steps: meter.steps };
}
