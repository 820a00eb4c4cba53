/**
 * Why a client operation failed, as a code from a closed set. Codes below 1000 are
 * Maelstrom's, with its names, so a Maelstrom bridge maps one to one; distlab's own start
 * at 1000. Whether a failure is definite (it did not happen) or indefinite (it may have)
 * follows from the code alone, and so does the HTTP status (`http/error_status.ts`): no
 * front end reads an error's text.
 *
 * @module
 */

/**
 * Every error code, by name.
 *
 * @example
 * ```ts
 * import { ERROR } from "./errors.ts";
 * ERROR["not-leader"]; // 1000
 * ERROR["precondition-failed"]; // 22 (a CAS whose expected value did not match)
 * ```
 */
export const ERROR = {
  /** No answer in time: it may have happened (indefinite). */
  "timeout": 0,
  /** The node named does not exist. */
  "node-not-found": 1,
  /** This operation is not something the protocol (or this node's role) does. */
  "not-supported": 10,
  /** Not now, for a reason that passes by itself (an election, a transfer). */
  "temporarily-unavailable": 11,
  /** The request is malformed: a missing field, a wrong type. */
  "malformed-request": 12,
  /** The node crashed while it held the request: it may have happened (indefinite). */
  "crash": 13,
  /** Aborted: a transaction that rolled back, a saga that compensated. */
  "abort": 14,
  /** The key has no value. */
  "key-does-not-exist": 20,
  /** The key already has a value. */
  "key-already-exists": 21,
  /** A condition of the request did not hold (a CAS mismatch). */
  "precondition-failed": 22,
  /** Concurrent transactions conflicted. */
  "txn-conflict": 30,
  /** This node does not lead; `leader` names the one that does, when known. */
  "not-leader": 1000,
  /** Too few replicas or voters answer to reach a quorum. */
  "quorum-unavailable": 1001,
  /** This node plays another part; another node takes this operation (`leader` if known). */
  "wrong-node": 1002,
  /** A parameter is out of range for this cluster (`field` names it: r or w above N). */
  "invalid-argument": 1003,
  /** The node is down, or went down before the request reached it. */
  "node-down": 1004,
} as const;

/**
 * A code's name.
 *
 * @example
 * ```ts
 * import type { ErrorName } from "./errors.ts";
 * const n: ErrorName = "quorum-unavailable";
 * ```
 */
export type ErrorName = keyof typeof ERROR;

/**
 * An error code.
 *
 * @example
 * ```ts
 * import type { ErrorCode } from "./errors.ts";
 * const c: ErrorCode = 1000;
 * ```
 */
export type ErrorCode = typeof ERROR[ErrorName];

const NAMES = new Map<number, ErrorName>(
  (Object.entries(ERROR) as [ErrorName, ErrorCode][]).map(([n, c]) => [c, n]),
);

/**
 * The name of `code`.
 *
 * @example
 * ```ts
 * import { errorName } from "./errors.ts";
 * errorName(22); // "precondition-failed"
 * ```
 */
export function errorName(code: ErrorCode): ErrorName {
  return NAMES.get(code)!;
}

/**
 * Whether `n` is one of the codes.
 *
 * @example
 * ```ts
 * import { isErrorCode } from "./errors.ts";
 * isErrorCode(1000); // true
 * isErrorCode(999); // false
 * ```
 */
export function isErrorCode(n: unknown): n is ErrorCode {
  return typeof n === "number" && NAMES.has(n);
}

/**
 * Whether a failure with `code` surely did not happen (Maelstrom: every code but timeout
 * and crash is definite).
 *
 * @example
 * ```ts
 * import { ERROR, isDefinite } from "./errors.ts";
 * isDefinite(ERROR["not-leader"]); // true
 * isDefinite(ERROR["timeout"]); // false
 * ```
 */
export function isDefinite(code: ErrorCode): boolean {
  return code !== ERROR["timeout"] && code !== ERROR["crash"];
}

/**
 * Whether a failure with `code` may pass by itself or at another node, so that asking
 * again (later, or elsewhere) is the thing to do.
 *
 * @example
 * ```ts
 * import { ERROR, isTransient } from "./errors.ts";
 * isTransient(ERROR["quorum-unavailable"]); // true
 * isTransient(ERROR["abort"]); // false
 * ```
 */
export function isTransient(code: ErrorCode): boolean {
  return code === ERROR["temporarily-unavailable"] || code === ERROR["not-leader"] ||
    code === ERROR["quorum-unavailable"] || code === ERROR["node-down"];
}
