/**
 * Checking request input: each helper returns the checked value or throws a 400
 * {@link ProblemError} naming the field (404 for an unknown node), so a rejected request
 * never reaches the cluster.
 *
 * @module
 */

import type { Context } from "hono";
import type { NodeId } from "../protocols/node.ts";
import { z } from "@hono/zod-openapi";
import { badRequest, unknownNode } from "./problem.ts";

/**
 * The request body parsed as JSON, whatever its content type (`curl -d` sends a form
 * type); 400 (`field: "body"`) when it is missing or invalid.
 *
 * @example
 * ```ts ignore
 * import { jsonBody } from "./validate.ts";
 * const value = await jsonBody(c);
 * ```
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") throw badRequest("body", "a JSON body is required");
  try {
    return JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw badRequest("body", `the body is not valid JSON: ${why}`);
  }
}

/**
 * The JSON body checked against `schema` (the one its route declares in the OpenAPI
 * document): the parsed value, or a 400 naming the first field at fault.
 *
 * @example
 * ```ts ignore
 * import { validBody } from "./validate.ts";
 * const { node } = await validBody(c, IsolateBody);
 * ```
 */
export async function validBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return checked(schema, await jsonBody(c), "body");
}

/**
 * The query string checked against `schema` (first value of each parameter).
 *
 * @example
 * ```ts ignore
 * import { validQuery } from "./validate.ts";
 * const { key } = validQuery(c, RingQuery);
 * ```
 */
export function validQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return checked(schema, c.req.query(), "query");
}

/**
 * `value` checked against `schema`; a 400 {@link ProblemError} naming the first field at
 * fault (a dotted path without array indexes, `body` for the whole).
 *
 * @example
 * ```ts
 * import { checked } from "./validate.ts";
 * import { z } from "@hono/zod-openapi";
 * checked(z.object({ n: z.number() }), { n: 1 }, "body"); // { n: 1 }
 * ```
 */
export function checked<S extends z.ZodType>(
  schema: S,
  value: unknown,
  whole: string,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path: string[] = [];
  for (const p of issue.path) {
    if (typeof p !== "string") break;
    path.push(p);
  }
  const shape = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const allowed = path.length === 0 && shape.length > 0 ? ` (allowed: ${shape.join(", ")})` : "";
    throw badRequest([...path, key].join("."), `unknown field '${key}'${allowed}`);
  }
  if (path.length === 0 && issue.code === "invalid_type" && issue.expected === "object") {
    throw badRequest(whole, `the ${whole} must be a JSON object with fields ${shape.join(", ")}`);
  }
  const field = path.length === 0 ? whole : path.join(".");
  // zod's own wording names no field; a schema's own message does.
  const detail = issue.message.startsWith("Invalid") || issue.message.startsWith("Too")
    ? `${field}: ${issue.message}`
    : issue.message;
  throw badRequest(field, detail);
}

/**
 * A string field naming a node (a current one is checked by {@link knownNode}), with
 * the message a client sees when it is missing or not a string.
 *
 * @example
 * ```ts
 * import { nodeField } from "./validate.ts";
 * nodeField("to").safeParse("n2").success; // true
 * ```
 */
export function nodeField(field: string): z.ZodString {
  const message = `${field} must be a node id such as "n1"`;
  return z.string({ error: message }).min(1, { error: message }).openapi({ example: "n1" });
}

/**
 * A node id that must name a current node: 400 if it is not a string, 404 if unknown.
 *
 * @example
 * ```ts
 * import { knownNode } from "./validate.ts";
 * knownNode(["n1", "n2"], "n2", "node"); // "n2"
 * ```
 */
export function knownNode(nodes: readonly NodeId[], value: unknown, field: string): NodeId {
  if (typeof value !== "string" || value === "") {
    throw badRequest(field, `${field} must be a node id such as "n1"`);
  }
  if (!nodes.includes(value)) throw unknownNode(value, nodes);
  return value;
}

const NEW_NODE_MESSAGE = "must be a node id: a lowercase letter, then up to 31 of a-z 0-9 _ -";

/**
 * A string field naming a node that is to be created.
 *
 * @example
 * ```ts
 * import { newNodeField } from "./validate.ts";
 * newNodeField("node").safeParse("n6").success; // true
 * ```
 */
export function newNodeField(field: string): z.ZodString {
  const message = `${field} ${NEW_NODE_MESSAGE}`;
  return z.string({ error: message }).regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: message })
    .openapi({ example: "n6" });
}

/**
 * A header that, when present, must be 1–`max` printable ASCII characters.
 *
 * @example
 * ```ts
 * import { optionalToken } from "./validate.ts";
 * optionalToken(new Headers({ "x-client-id": "cli-1" }), "X-Client-Id", 128); // "cli-1"
 * ```
 */
export function optionalToken(headers: Headers, name: string, max: number): string | undefined {
  const v = headers.get(name);
  if (v === null) return undefined;
  if (!/^[\x21-\x7e]+$/.test(v) || v.length > max) {
    throw badRequest(name, `${name} must be 1 to ${max} printable ASCII characters`);
  }
  return v;
}

/**
 * The client-session headers of a request, checked: `X-Client-Id`, `X-Request-Seq` (a
 * positive integer, only with a client id) and `Idempotency-Key`.
 *
 * @example
 * ```ts
 * import { sessionHeaders } from "./validate.ts";
 * sessionHeaders(new Headers({ "x-client-id": "c1", "x-request-seq": "7" })).seq; // 7
 * ```
 */
export function sessionHeaders(
  headers: Headers,
): { clientId?: string; seq?: number; idempotencyKey?: string } {
  const clientId = optionalToken(headers, "X-Client-Id", 128);
  const rawSeq = headers.get("X-Request-Seq") ?? undefined;
  const idempotencyKey = optionalToken(headers, "Idempotency-Key", 256);
  let seq: number | undefined;
  if (rawSeq !== undefined) {
    if (clientId === undefined) {
      throw badRequest("X-Request-Seq", "X-Request-Seq needs an X-Client-Id");
    }
    seq = /^\d{1,15}$/.test(rawSeq) ? Number(rawSeq) : NaN;
    if (!(seq >= 1)) {
      throw badRequest(
        "X-Request-Seq",
        `X-Request-Seq must be a positive integer, got '${rawSeq}'`,
      );
    }
  }
  return { clientId, seq, idempotencyKey };
}
