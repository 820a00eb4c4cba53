/**
 * Errors as RFC 9457 problem details (`application/problem+json`).
 *
 * @module
 */

/** An RFC 9457 problem details object. */
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
 * A problem response: the JSON body with content type `application/problem+json`.
 *
 * @example
 * ```ts
 * import { problemResponse } from "./problem.ts";
 * const res = problemResponse({ type: "about:blank", title: "Not Found", status: 404 });
 * res.headers.get("content-type"); // "application/problem+json"
 * ```
 */
export function problemResponse(problem: Problem): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "content-type": "application/problem+json" },
  });
}
