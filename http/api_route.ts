/**
 * Pieces of a route's contract (`createRoute` of `@hono/zod-openapi`): the problem
 * responses by status, JSON answers and bodies. Each module in `routes/` declares its
 * routes with them; `openapi.ts` turns the declarations into the document and the
 * handlers validate requests with the same schemas (`validate.ts`).
 *
 * @module
 */

import type { RouteConfig } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import { ProblemSchema } from "./api_schemas.ts";

/**
 * A route's contract: method, path, request schemas, responses.
 *
 * @example
 * ```ts
 * import type { ApiRoute } from "./api_route.ts";
 * import { jsonAnswer } from "./api_route.ts";
 * import { z } from "@hono/zod-openapi";
 * const r: ApiRoute = {
 *   method: "get",
 *   path: "/api/v1/leader",
 *   operationId: "getLeader",
 *   responses: { 200: jsonAnswer("The leader", z.object({ leader: z.string() })) },
 * };
 * ```
 */
export type ApiRoute = RouteConfig;

const PROBLEMS: Readonly<Record<number, string>> = {
  400: "Malformed input; `field` names the offending part",
  401: "Missing or wrong bearer token (only when the server has a token)",
  404: "Unknown node, key, fault or route",
  409: "Conflicts with the current state (CAS mismatch, node exists, not supported, the " +
    "protocol refused the operation)",
  413: "Body over the limit (`--max-body`, default 1 MiB)",
  422: "`Idempotency-Key` or `X-Request-Seq` already used for a different request; nothing done",
  503: "No leader, no quorum, node down or breaker open; retry after `Retry-After`",
  504: "Outcome unknown: the node did not answer in time; a write may still apply",
};

/**
 * The problem responses for `statuses`, and 401 (every route may need the token).
 *
 * @example
 * ```ts
 * import { problems } from "./api_route.ts";
 * Object.keys(problems(400, 404)); // ["400", "401", "404"]
 * ```
 */
export function problems(...statuses: number[]): Record<number, ReturnType<typeof problem>> {
  const out: Record<number, ReturnType<typeof problem>> = {};
  for (const s of [...statuses, 401].sort()) out[s] = problem(PROBLEMS[s]!);
  return out;
}

function problem(description: string) {
  return { description, content: { "application/problem+json": { schema: ProblemSchema } } };
}

/**
 * A JSON answer.
 *
 * @example
 * ```ts
 * import { jsonAnswer } from "./api_route.ts";
 * import { z } from "@hono/zod-openapi";
 * jsonAnswer("The leader", z.object({ leader: z.string() })).description; // "The leader"
 * ```
 */
export function jsonAnswer<S extends z.ZodType>(
  description: string,
  schema: S,
): { description: string; content: { "application/json": { schema: S } } } {
  return { description, content: { "application/json": { schema } } };
}

/**
 * A non-JSON answer (`text/event-stream`, JSON Lines, Prometheus text, HTML).
 *
 * @example
 * ```ts
 * import { textAnswer } from "./api_route.ts";
 * textAnswer("HTML", "text/html").content["text/html"] !== undefined; // true
 * ```
 */
export function textAnswer(
  description: string,
  mediaType: string,
): { description: string; content: Record<string, { schema: z.ZodString }> } {
  return { description, content: { [mediaType]: { schema: z.string() } } };
}

/**
 * A required JSON request body with an example (the bad-input test starts from it).
 *
 * @example
 * ```ts
 * import { jsonBody } from "./api_route.ts";
 * import { z } from "@hono/zod-openapi";
 * jsonBody("The node", z.object({ node: z.string() }), { node: "n1" }).required; // true
 * ```
 */
export function jsonBody<S extends z.ZodType>(
  description: string,
  schema: S,
  example: unknown,
): {
  description: string;
  required: true;
  content: { "application/json": { schema: S; example: unknown } };
} {
  return { description, required: true, content: { "application/json": { schema, example } } };
}
