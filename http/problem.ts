/**
 * Errors as RFC 9457 problem details (`application/problem+json`): the response, an
 * error class that route handlers throw to answer with one, and constructors for the
 * problems the API gives.
 *
 * @module
 */

/**
 * An RFC 9457 problem details object.
 *
 * @example
 * ```ts
 * import type { Problem } from "./problem.ts";
 * const p: Problem = { type: "about:blank", title: "Not Found", status: 404, detail: "no key x" };
 * ```
 */
export interface Problem {
  /** A URI naming the kind of problem; `about:blank` when the status says it all. */
  readonly type: string;
  /** A short summary of the kind of problem (the same for every occurrence). */
  readonly title: string;
  readonly status: number;
  /** What went wrong this time, for a human. */
  readonly detail?: string;
  /** The request path. */
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

/**
 * A problem response: the JSON body with content type `application/problem+json`, and
 * any extra headers (`Retry-After`, `WWW-Authenticate`).
 *
 * @example
 * ```ts
 * import { problemResponse } from "./problem.ts";
 * const res = problemResponse({ type: "about:blank", title: "Not Found", status: 404 });
 * res.headers.get("content-type"); // "application/problem+json"
 * ```
 */
export function problemResponse(problem: Problem, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/problem+json");
  return new Response(JSON.stringify(problem), { status: problem.status, headers: h });
}

/**
 * An error that is answered with a problem response; route handlers throw it and the
 * app's error handler turns it into the response (filling in `instance`).
 *
 * @example
 * ```ts
 * import { badRequest, ProblemError } from "./problem.ts";
 * const e = badRequest("groups", "groups must be an array of arrays of node ids");
 * e instanceof ProblemError; // true
 * e.problem.status; // 400
 * ```
 */
export class ProblemError extends Error {
  override readonly name = "ProblemError";
  readonly problem: Problem;
  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;

  /** Wraps `problem`; the message is its detail (or title). */
  constructor(problem: Problem, headers: Readonly<Record<string, string>> = {}) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
    this.headers = headers;
  }

  /** The response for a request to `instance`. */
  toResponse(instance: string): Response {
    return problemResponse({ ...this.problem, instance }, this.headers);
  }
}

const BASE = "/api/v1/problems/";

/**
 * 400: malformed input; `field` names the offending part (`body`, `groups`, `to`, …).
 *
 * @example
 * ```ts
 * import { badRequest } from "./problem.ts";
 * badRequest("drop", "drop must be a probability between 0 and 1").problem.field; // "drop"
 * ```
 */
export function badRequest(field: string, detail: string): ProblemError {
  return new ProblemError({
    type: BASE + "invalid-input",
    title: "Invalid input",
    status: 400,
    detail,
    field,
  });
}

/**
 * 422: an idempotency key or request sequence number reused for a different request;
 * `field` names the header. Nothing was done.
 *
 * @example
 * ```ts
 * import { idempotencyMismatch } from "./problem.ts";
 * idempotencyMismatch("Idempotency-Key", "Idempotency-Key K1 was already used").problem.status; // 422
 * ```
 */
export function idempotencyMismatch(field: string, detail: string): ProblemError {
  return new ProblemError({
    type: BASE + "idempotency-mismatch",
    title: "Idempotency key reused",
    status: 422,
    detail,
    field,
  });
}

/**
 * 404: an unknown node, naming the known ones.
 *
 * @example
 * ```ts
 * import { unknownNode } from "./problem.ts";
 * unknownNode("n9", ["n1", "n2"]).problem.detail; // "unknown node 'n9' (nodes: n1, n2)"
 * ```
 */
export function unknownNode(node: string, nodes: readonly string[]): ProblemError {
  return new ProblemError({
    type: BASE + "unknown-node",
    title: "Unknown node",
    status: 404,
    detail: `unknown node '${node}' (nodes: ${nodes.join(", ")})`,
    node,
  });
}

/**
 * 404: a resource that does not exist (a route, a fault id, a key).
 *
 * @example
 * ```ts
 * import { notFound } from "./problem.ts";
 * notFound("no such resource: /api/v1/nope").problem.title; // "Not Found"
 * ```
 */
export function notFound(detail: string, extra: Record<string, unknown> = {}): ProblemError {
  return new ProblemError({
    type: "about:blank",
    title: "Not Found",
    status: 404,
    detail,
    ...extra,
  });
}

/**
 * 409: the request conflicts with the current state (a CAS mismatch, a node that exists).
 *
 * @example
 * ```ts
 * import { conflict } from "./problem.ts";
 * conflict("cas-mismatch", "CAS mismatch", "current value is 3").problem.status; // 409
 * ```
 */
export function conflict(
  kind: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
): ProblemError {
  return new ProblemError({ type: BASE + kind, title, status: 409, detail, ...extra });
}

/**
 * 503 with `Retry-After`: no leader, no quorum, the node is down or its breaker is open.
 * The operation did not happen, so retrying is safe.
 *
 * @example
 * ```ts
 * import { unavailable } from "./problem.ts";
 * const e = unavailable("no-leader", "No leader", "no node is leader yet", 1);
 * e.headers["Retry-After"]; // "1"
 * ```
 */
export function unavailable(
  kind: string,
  title: string,
  detail: string,
  retryAfterSeconds: number,
  extra: Record<string, unknown> = {},
): ProblemError {
  const s = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ProblemError(
    { type: BASE + kind, title, status: 503, detail, retryAfter: s, ...extra },
    { "Retry-After": String(s) },
  );
}

/**
 * 504: the outcome is unknown — the request reached a node that did not answer in time
 * or died holding it, so a write may still apply.
 *
 * @example
 * ```ts
 * import { outcomeUnknown } from "./problem.ts";
 * outcomeUnknown("call timed out after 2000 ms").problem.status; // 504
 * ```
 */
export function outcomeUnknown(detail: string, extra: Record<string, unknown> = {}): ProblemError {
  return new ProblemError({
    type: BASE + "outcome-unknown",
    title: "Outcome unknown",
    status: 504,
    detail: `${detail}; the operation may or may not have been applied`,
    ...extra,
  });
}
