/**
 * What the KV and protocol-op services share about one call to a node: the check that a
 * client has one request in flight at a time, the problem a gateway refusal becomes, and
 * how a failed call is recorded in the history.
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import { BulkheadRejectedError } from "../resilience/bulkhead.ts";
import { CircuitOpenError } from "../resilience/circuit_breaker.ts";
import { TimeoutError } from "../resilience/timeout.ts";
import type { HistoryLog } from "./history_log.ts";
import { conflict, outcomeUnknown, ProblemError, unavailable } from "./problem.ts";

/**
 * Refuses a second request from a client whose first is still in flight (a history
 * process has one operation at a time).
 *
 * @example
 * ```ts ignore
 * import { assertIdle } from "./call_outcome.ts";
 * assertIdle(history, identity.process); // throws a 409 problem when busy
 * ```
 */
export function assertIdle(history: HistoryLog, process: number): void {
  if (history.isPending(process)) {
    throw conflict(
      "request-in-flight",
      "Request in flight",
      "this client already has a request in flight; send one at a time",
    );
  }
}

/**
 * The problem a node gateway's error becomes: `unknown` (the node timed out: the call
 * may still apply — 504) or `refused` (breaker open or bulkhead full: it did not reach
 * the node — 503, another node may be tried). Null for any other error.
 *
 * @example
 * ```ts
 * import { gatewayProblem } from "./call_outcome.ts";
 * gatewayProblem(new Error("boom"), "n1"); // null
 * ```
 */
export function gatewayProblem(
  e: unknown,
  node: NodeId,
): { readonly kind: "unknown" | "refused"; readonly problem: ProblemError } | null {
  if (e instanceof TimeoutError) {
    return {
      kind: "unknown",
      problem: outcomeUnknown(`node ${node} did not answer within ${e.timeoutMs} ms`, { node }),
    };
  }
  if (e instanceof CircuitOpenError) {
    return {
      kind: "refused",
      problem: unavailable(
        "breaker-open",
        "Circuit breaker open",
        `node ${node} is failing; its circuit breaker is ${e.state}`,
        (e.retryAfterMs ?? 1000) / 1000,
        { node },
      ),
    };
  }
  if (e instanceof BulkheadRejectedError) {
    return {
      kind: "refused",
      problem: unavailable(
        "overloaded",
        "Node overloaded",
        `node ${node} has too many requests`,
        1,
        {
          node,
        },
      ),
    };
  }
  return null;
}

/**
 * How a call that threw is answered and recorded: the problem (anything not already a
 * problem is an unknown outcome), the history type (`info` for 504, else `fail`) and
 * the node the problem names.
 *
 * @example
 * ```ts
 * import { failedCall } from "./call_outcome.ts";
 * failedCall(new Error("lost")).type; // "info"
 * ```
 */
export function failedCall(
  e: unknown,
): { readonly problem: ProblemError; readonly type: "info" | "fail"; readonly node?: NodeId } {
  const problem = e instanceof ProblemError ? e : outcomeUnknown(String(e));
  const node = typeof problem.problem.node === "string" ? problem.problem.node : undefined;
  return { problem, type: problem.problem.status === 504 ? "info" : "fail", node };
}
