/**
 * The dashboard's verdict on a client history: the linearizability checker of
 * `checker/` run on JSON Lines text, answered as plain JSON the page can draw
 * (operation ids instead of operation objects, no `Infinity`).
 *
 * @module
 */

import { type CheckBudget, checkLinearizability } from "../../checker/linearizability.ts";
import { kvModel } from "../../checker/models.ts";
import { parseHistory } from "../../history/jsonl.ts";

/**
 * What the page shows: the verdict, how many operations were checked and, when the
 * history is not linearizable, the counterexample as operation ids (numbered in
 * invocation order, as `toOperations` numbers them).
 *
 * @example
 * ```ts
 * import type { CheckSummary } from "./history_check.ts";
 * const s: CheckSummary = { verdict: "linearizable", operations: 4, steps: 12 };
 * ```
 */
export interface CheckSummary {
  /** `invalid`: the text is not a well-formed history. */
  readonly verdict: "linearizable" | "not-linearizable" | "unknown" | "invalid";
  /** Invocations in the history. */
  readonly operations: number;
  /** Search effort spent. */
  readonly steps: number;
  /** Why the verdict is `unknown` or `invalid`. */
  readonly reason?: string;
  /** The key that is not linearizable. */
  readonly key?: string;
  /** The counterexample, when not linearizable. */
  readonly counterexample?: {
    /** The operation that cannot be placed. */
    readonly operation: number;
    /** Every operation that shows the violation. */
    readonly operations: readonly number[];
    /** Why no order works. */
    readonly explanation: string;
  };
}

/**
 * Checks JSON Lines `text` against the KV model within `budget`.
 *
 * @example
 * ```ts
 * import { checkHistoryText } from "./history_check.ts";
 * const text = [
 *   '{"process":0,"type":"invoke","f":"write","key":"x","value":1,"time":0}',
 *   '{"process":0,"type":"ok","f":"write","key":"x","value":1,"time":10}',
 *   '{"process":1,"type":"invoke","f":"read","key":"x","time":20}',
 *   '{"process":1,"type":"ok","f":"read","key":"x","value":null,"time":30}',
 * ].join("\n");
 * checkHistoryText(text).verdict; // "not-linearizable"
 * ```
 */
export function checkHistoryText(text: string, budget: CheckBudget = {}): CheckSummary {
  let events;
  try {
    events = parseHistory(text);
  } catch (e) {
    return { verdict: "invalid", operations: 0, steps: 0, reason: oneLine(e) };
  }
  const operations = events.reduce((n, e) => n + (e.type === "invoke" ? 1 : 0), 0);
  const r = checkLinearizability(events, kvModel, budget);
  switch (r.verdict) {
    case "linearizable":
      return { verdict: r.verdict, operations, steps: r.steps };
    case "unknown":
      return { verdict: r.verdict, operations, steps: r.steps, reason: r.reason };
    case "not-linearizable": {
      const c = r.counterexample;
      return {
        verdict: r.verdict,
        operations,
        steps: r.steps,
        ...(r.key !== undefined ? { key: r.key } : {}),
        counterexample: {
          operation: c.operation.id,
          operations: c.operations.map((o) => o.id),
          explanation: c.explanation,
        },
      };
    }
  }
}

function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split("\n")[0] ?? s;
}
