/**
 * Checking request input: each helper returns the checked value or throws a 400
 * {@link ProblemError} naming the field (404 for an unknown node), so a rejected request
 * never reaches the cluster.
 *
 * @module
 */

import type { Context } from "hono";
import type { NodeId } from "../protocols/node.ts";
import { bodyText } from "./middleware/body_limit.ts";
import { badRequest, unknownNode } from "./problem.ts";

/**
 * The request body parsed as JSON; 400 (`field: "body"`) when it is missing or invalid.
 *
 * @example
 * ```ts ignore
 * import { jsonBody } from "./validate.ts";
 * const value = await jsonBody(c);
 * ```
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = bodyText(c) ?? await c.req.text();
  if (text.trim() === "") throw badRequest("body", "a JSON body is required");
  try {
    return JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw badRequest("body", `the body is not valid JSON: ${why}`);
  }
}

/**
 * A JSON body that must be an object with only `allowed` fields.
 *
 * @example
 * ```ts ignore
 * import { objectBody } from "./validate.ts";
 * const body = await objectBody(c, ["node"]);
 * ```
 */
export async function objectBody(
  c: Context,
  allowed: readonly string[],
): Promise<Record<string, unknown>> {
  const v = await jsonBody(c);
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw badRequest("body", `the body must be a JSON object with fields ${allowed.join(", ")}`);
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw badRequest(k, `unknown field '${k}' (allowed: ${allowed.join(", ")})`);
    }
  }
  return o;
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

/**
 * A finite number, or `undefined` when absent.
 *
 * @example
 * ```ts
 * import { optionalNumber } from "./validate.ts";
 * optionalNumber({ drift: 0.01 }, "drift"); // 0.01
 * ```
 */
export function optionalNumber(o: Record<string, unknown>, field: string): number | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw badRequest(field, `${field} must be a finite number`);
  }
  return v;
}

/** What a node id may look like when a new node is named. */
const NEW_NODE_ID = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * A well-formed id for a node that is to be created.
 *
 * @example
 * ```ts
 * import { newNodeId } from "./validate.ts";
 * newNodeId("n6", "node"); // "n6"
 * ```
 */
export function newNodeId(value: unknown, field: string): NodeId {
  if (typeof value !== "string" || !NEW_NODE_ID.test(value)) {
    throw badRequest(
      field,
      `${field} must be a node id: a lowercase letter, then up to 31 of a-z 0-9 _ -`,
    );
  }
  return value;
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
