/**
 * The one table from a failure's code to its HTTP answer: status, problem type and
 * title. Services decide only what to do next (ask another node, give up); what a
 * failure means comes from its code, never from its text.
 *
 * @module
 */

import { ERROR, type ErrorCode, type ErrorName, errorName } from "../protocols/errors.ts";
import type { NodeId } from "../protocols/node.ts";
import {
  badRequest,
  conflict,
  notFound,
  outcomeUnknown,
  ProblemError,
  unavailable,
} from "./problem.ts";

/**
 * How a code is answered over HTTP.
 *
 * @example
 * ```ts
 * import type { ErrorStatus } from "./error_status.ts";
 * const s: ErrorStatus = { status: 503, kind: "no-leader", title: "No leader" };
 * ```
 */
export interface ErrorStatus {
  readonly status: 400 | 404 | 409 | 503 | 504;
  /** The problem type's last segment: `/api/v1/problems/<kind>`. */
  readonly kind: string;
  readonly title: string;
}

/**
 * Every code's HTTP answer.
 *
 * @example
 * ```ts
 * import { ERROR_STATUS } from "./error_status.ts";
 * ERROR_STATUS["not-leader"].status; // 503
 * ERROR_STATUS["abort"].status; // 409
 * ```
 */
export const ERROR_STATUS: Readonly<Record<ErrorName, ErrorStatus>> = {
  "timeout": { status: 504, kind: "outcome-unknown", title: "Outcome unknown" },
  "node-not-found": { status: 404, kind: "unknown-node", title: "Unknown node" },
  "not-supported": { status: 409, kind: "not-supported", title: "Not supported" },
  "temporarily-unavailable": { status: 503, kind: "unavailable", title: "Service unavailable" },
  "malformed-request": { status: 400, kind: "invalid-input", title: "Invalid input" },
  "crash": { status: 504, kind: "outcome-unknown", title: "Outcome unknown" },
  "abort": { status: 409, kind: "aborted", title: "Aborted" },
  "key-does-not-exist": { status: 404, kind: "unknown-key", title: "Unknown key" },
  "key-already-exists": { status: 409, kind: "key-exists", title: "Key exists" },
  "precondition-failed": {
    status: 409,
    kind: "precondition-failed",
    title: "Precondition failed",
  },
  "txn-conflict": { status: 409, kind: "txn-conflict", title: "Transaction conflict" },
  "not-leader": { status: 503, kind: "no-leader", title: "No leader" },
  "quorum-unavailable": { status: 503, kind: "no-quorum", title: "No quorum" },
  "wrong-node": { status: 409, kind: "wrong-node", title: "Wrong node" },
  "invalid-argument": { status: 400, kind: "invalid-input", title: "Invalid input" },
  "node-down": { status: 503, kind: "node-down", title: "Node down" },
};

/** Seconds a client should wait before asking again after a 503. */
const RETRY_AFTER_SECONDS = 1;

/**
 * The problem a failure with `code` becomes. `detail` is the failure's text (for
 * people); `extra` joins the problem (node, leader, key, …); `as` overrides the type
 * and title where the operation gives a code a more exact name (a KV `cas` whose
 * precondition failed is a `cas-mismatch`).
 *
 * @example
 * ```ts
 * import { problemFor } from "./error_status.ts";
 * problemFor(1000, "node n2: not leader", { node: "n2" }).problem.status; // 503
 * ```
 */
export function problemFor(
  code: ErrorCode,
  detail: string,
  extra:
    & { readonly node?: NodeId; readonly leader?: NodeId; readonly field?: string }
    & Record<string, unknown> = {},
  as?: { readonly kind: string; readonly title: string },
): ProblemError {
  const s = ERROR_STATUS[errorName(code)];
  const kind = as?.kind ?? s.kind;
  const title = as?.title ?? s.title;
  const { field, ...rest } = extra;
  switch (s.status) {
    case 400: {
      const p = badRequest(field ?? "op", detail);
      return new ProblemError({ ...p.problem, ...rest });
    }
    case 404:
      return notFound(detail, { type: `/api/v1/problems/${kind}`, title, ...rest });
    case 409:
      return conflict(kind, title, detail, rest);
    case 503:
      return unavailable(kind, title, detail, RETRY_AFTER_SECONDS, rest);
    case 504:
      return outcomeUnknown(detail, rest);
  }
}

/** The code a host uses when a reply carries none it knows (a protocol file of a user's). */
export const UNKNOWN_FAILURE: ErrorCode = ERROR["temporarily-unavailable"];
