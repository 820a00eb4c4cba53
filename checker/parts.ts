/**
 * What the checkers search: a history as operations, split into the parts a model checks
 * independently (one per key for kv), each reduced to the operations that matter.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import { type Operation, toOperations } from "../history/operations.ts";
import { type AnyModel, modelInput, type OperationPartition } from "./model.ts";

/**
 * Pairs events into operations, or passes operations through.
 *
 * @example
 * ```ts
 * import { asOperations } from "./parts.ts";
 * asOperations([]).length; // 0
 * ```
 */
export function asOperations(
  history: readonly HistoryEvent[] | readonly Operation[],
): readonly Operation[] {
  if (history.length === 0) return [];
  return "status" in history[0]
    ? history as readonly Operation[]
    : toOperations(history as readonly HistoryEvent[]);
}

/**
 * The parts of `history` under `model` (the whole history when the model does not
 * partition), smallest first and then by key, so that a violation in a small part is
 * found even when a big one would exhaust the budget. Throws what pairing the events or
 * the model's `partition` throws.
 *
 * @example
 * ```ts
 * import { historyParts } from "./parts.ts";
 * import { kvModel } from "./models.ts";
 * historyParts([
 *   { process: 0, type: "invoke", f: "write", key: "b", value: 1, time: 0 },
 *   { process: 0, type: "ok", f: "write", key: "b", value: 1, time: 1 },
 *   { process: 0, type: "invoke", f: "write", key: "a", value: 2, time: 2 },
 *   { process: 0, type: "ok", f: "write", key: "a", value: 2, time: 3 },
 * ], kvModel).map((p) => p.key); // ["a", "b"]
 * ```
 */
export function historyParts(
  history: readonly HistoryEvent[] | readonly Operation[],
  model: AnyModel,
): OperationPartition[] {
  const ops = asOperations(history);
  const parts = model.partition !== undefined ? model.partition(ops) : [{ operations: ops }];
  return parts.slice().sort((a, b) =>
    a.operations.length - b.operations.length || compareKeys(a.key, b.key)
  );
}

/**
 * The operations of one part the search must consider: `fail` ones removed (they did
 * not happen), `info` ones that cannot change the state removed (they may be left out
 * and constrain nothing), then whatever the model's `prepare` drops.
 *
 * @example
 * ```ts
 * import { relevantOperations } from "./parts.ts";
 * import { registerModel } from "./models.ts";
 * relevantOperations([
 *   { id: 0, process: 0, f: "write", input: 1, output: undefined, call: 0, ret: 5, status: "fail" },
 * ], registerModel).length; // 0
 * ```
 */
export function relevantOperations(operations: readonly Operation[], model: AnyModel): Operation[] {
  const kept = operations.filter((op) => {
    if (op.status === "fail") return false;
    if (op.status === "info" && model.readOnly !== undefined) {
      return !model.readOnly(modelInput(model, op));
    }
    return true;
  });
  return model.prepare !== undefined ? model.prepare(kept) : kept;
}

function compareKeys(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}
