/**
 * Key-value operations (values are any JSON):
 *
 * - `GET /kv/{key}?consistency=linearizable|lease|stale` — 404 when the key has no value;
 * - `PUT /kv/{key}` — the body is the value;
 * - `DELETE /kv/{key}`;
 * - `POST /kv/{key}/cas` `{ expected, value }` — 409 when the current value differs.
 *
 * `?node=n3` sends the request to that node only. A client that retries sends
 * `X-Client-Id` and `X-Request-Seq` (or `Idempotency-Key`) so that a retried write is
 * applied once. See `kv_service.ts` for routing and status codes.
 *
 * On `quorum-kv` every route also takes `?r=`, `?w=` and `?consistency=ONE|QUORUM|ALL`,
 * and writes take the `context` of a read (`X-Distlab-Context` or `?context=`; see
 * `quorum_params.ts`). A read that finds concurrent siblings answers 200 with
 * `{ key, siblings: [...], context: {...}, node }`, the header `X-Distlab-Siblings: N`
 * and the context again in `X-Distlab-Context`; writing with that context supersedes
 * them. A write answers its version's vector `clock` and the replicas that acknowledged
 * it (`acks`). Other protocols refuse these settings with a 400.
 *
 * @module
 */

import { z } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import type { KvOp } from "../../protocols/kv.ts";
import type { NodeId } from "../../protocols/node.ts";
import type { ApiContext } from "../api_context.ts";
import { type ApiRoute, jsonAnswer, jsonBody as bodyOf, problems } from "../api_route.ts";
import { KvResultSchema } from "../api_schemas.ts";
import { type ClientIdentity, fingerprint, IdempotencyMismatchError } from "../client_sessions.ts";
import type { Consistency } from "../kv_service.ts";
import { badRequest, idempotencyMismatch, notFound } from "../problem.ts";
import { knownNode, nodeField, sessionHeaders, validBody, validQuery } from "../validate.ts";
import type { QuorumParams } from "../../protocols/quorum/request.ts";
import { CONTEXT_HEADER, quorumParams, SIBLINGS_HEADER } from "../quorum_params.ts";

const CONSISTENCIES: readonly Consistency[] = ["linearizable", "lease", "stale"];
const LEVELS = ["ONE", "QUORUM", "ALL"] as const;
const MAX_KEY = 1024;

const count = (field: string, description: string) =>
  z.string().regex(/^[1-9][0-9]{0,5}$/, {
    error: (iss) => `${field} must be a whole number from 1 to N, got '${iss.input}'`,
  }).optional().openapi({ description });
/** One of `values`, in any letter case (quorum levels are read so); the handler decides. */
const oneOf = (values: readonly string[], message: (got: string) => string) =>
  z.string().refine((v) => values.some((x) => x.toLowerCase() === v.toLowerCase()), {
    error: (iss) => message(String(iss.input)),
  }).openapi({ enum: [...values] });
const level = oneOf(LEVELS, (got) => `consistency must be ONE, QUORUM or ALL, got '${got}'`)
  .optional().openapi({
    description: "quorum-kv: ONE, QUORUM or ALL for both r and w (an explicit r or w wins)",
  });
const R = count("r", "quorum-kv: replies a read (or a cas's read) waits for, 1 … N");
const W = count("w", "quorum-kv: acknowledgements a write waits for, 1 … N");
const CONTEXT = z.string().optional().openapi({
  description:
    'quorum-kv: the context (vector clock, JSON) of a read with siblings, e.g. {"n1":2,"n2":1}; ' +
    "the write supersedes every sibling that read saw",
});
const PIN = nodeField("node").optional().openapi({
  description: "Send to this node only (do not follow leader hints)",
});
const ReadQuery = z.object({
  consistency: oneOf(
    [...CONSISTENCIES, ...LEVELS],
    (got) =>
      `consistency must be one of ${CONSISTENCIES.join(", ")} (raft-kv) or ${
        LEVELS.join(", ")
      } (quorum-kv), got '${got}'`,
  ).optional().openapi({
    description: "How fresh the read must be (default: the protocol's): linearizable, lease or " +
      "stale (raft-kv); ONE, QUORUM or ALL (quorum-kv)",
  }),
  r: R,
  node: PIN,
});
const WriteQuery = z.object({ w: W, consistency: level, context: CONTEXT, node: PIN });
const CasQuery = z.object({ r: R, w: W, consistency: level, context: CONTEXT, node: PIN });
const KEY = z.object({
  key: z.string().min(1).max(MAX_KEY).openapi({
    description: "The key (one path segment; percent-encode `/`)",
  }),
});
const SESSION = z.object({
  "X-Client-Id": z.string().optional().openapi({
    description: "A client's id; with X-Request-Seq a retry is applied once",
  }),
  "X-Request-Seq": z.string().optional().openapi({
    description: "The client's sequence number for this request (1, 2, 3 …)",
  }),
  "Idempotency-Key": z.string().optional().openapi({
    description: "One request's key; a retry under the same key is applied once, and the key " +
      "used for a different request is a 422",
  }),
});
const WRITE_HEADERS = SESSION.extend({
  "X-Distlab-Context": z.string().optional().openapi({
    description: "quorum-kv: the context, as in ?context= (give one of the two)",
  }),
});
const PutBody = z.unknown().refine((v) => v !== null, {
  error: "null is no value: DELETE the key instead",
}).openapi({ description: "The value: any JSON but null" });
const CasBody = z.strictObject({
  expected: z.unknown().nonoptional({ error: "expected is required (null: no value)" }),
  value: z.unknown().nonoptional({ error: "value is required" }),
});

/**
 * The contract of the routes above, for the OpenAPI document.
 *
 * @example
 * ```ts
 * import { KV_API } from "./kv.ts";
 * KV_API.some((r) => r.operationId === "casKey"); // true
 * ```
 */
export const KV_API: readonly ApiRoute[] = [
  {
    method: "get",
    path: "/api/v1/kv/{key}",
    operationId: "getKey",
    summary: "Read a key",
    tags: ["kv"],
    request: { params: KEY, query: ReadQuery, headers: SESSION },
    responses: {
      200: {
        ...jsonAnswer(
          "The value; on quorum-kv, concurrent versions come as `siblings` with their " +
            "`context` (write with it to supersede them)",
          KvResultSchema,
        ),
        headers: z.object({
          "X-Distlab-Siblings": z.string().optional().openapi({
            description: "quorum-kv: how many siblings the read found (only when 2 or more)",
          }),
          "X-Distlab-Context": z.string().optional().openapi({
            description: "quorum-kv: the siblings' context as JSON (only with siblings)",
          }),
        }),
      },
      ...problems(400, 404, 422, 503, 504),
    },
  },
  {
    method: "put",
    path: "/api/v1/kv/{key}",
    operationId: "putKey",
    summary: "Write a key; the body is the value (any JSON but null)",
    tags: ["kv"],
    request: {
      params: KEY,
      query: WriteQuery,
      headers: WRITE_HEADERS,
      body: bodyOf("The value", PutBody, { hello: "world" }),
    },
    responses: {
      200: jsonAnswer("Written", KvResultSchema),
      ...problems(400, 404, 409, 413, 422, 503, 504),
    },
  },
  {
    method: "delete",
    path: "/api/v1/kv/{key}",
    operationId: "deleteKey",
    summary: "Delete a key",
    tags: ["kv"],
    request: { params: KEY, query: WriteQuery, headers: WRITE_HEADERS },
    responses: {
      200: jsonAnswer(
        "Deleted",
        z.object({
          key: z.string(),
          deleted: z.literal(true),
          node: z.string(),
          clock: z.record(z.string(), z.number()).optional().openapi({
            description: "quorum-kv: the tombstone's vector clock",
          }),
          acks: z.array(z.string()).optional().openapi({
            description: "a quorum store: the replicas that acknowledged",
          }),
        }),
      ),
      ...problems(400, 404, 409, 422, 503, 504),
    },
  },
  {
    method: "post",
    path: "/api/v1/kv/{key}/cas",
    operationId: "casKey",
    summary: "Compare and set: write `value` only if the current value is `expected` (null: none)",
    tags: ["kv"],
    request: {
      params: KEY,
      query: CasQuery,
      headers: WRITE_HEADERS,
      body: bodyOf("Expected and new value", CasBody, { expected: 1, value: 2 }),
    },
    responses: {
      200: jsonAnswer("Swapped", KvResultSchema),
      ...problems(400, 404, 409, 413, 503, 504),
    },
  },
];

/**
 * The routes above, relative to `/api/v1`.
 *
 * @example
 * ```ts ignore
 * import { kvRoutes } from "./kv.ts";
 * app.route("/api/v1", kvRoutes(ctx));
 * ```
 */
export function kvRoutes(ctx: ApiContext): Hono {
  const { cluster, kv, sessions, admin } = ctx;
  const app = new Hono();

  /** The quorum settings (quorum-kv), or a 400 for settings the protocol does not take. */
  function quorum(c: Context, write: boolean): { quorum?: QuorumParams } {
    if (admin.quorum) {
      const q = quorumParams(c, { write });
      return Object.keys(q).length === 0 ? {} : { quorum: q };
    }
    for (const field of ["r", "w", "context"]) {
      const given = c.req.query(field) !== undefined ||
        (field === "context" && c.req.header(CONTEXT_HEADER) !== undefined);
      if (given) {
        throw badRequest(
          field,
          `${field} is a quorum-kv setting; this cluster runs ${cluster.protocol}`,
        );
      }
    }
    return {};
  }

  /** A quorum write's clock and acknowledging replicas, when the reply has them. */
  function written(reply: unknown): Record<string, unknown> {
    if (!admin.quorum || reply === null || typeof reply !== "object") return {};
    const { clock, acks } = reply as Record<string, unknown>;
    return { ...(clock !== undefined ? { clock } : {}), ...(acks !== undefined ? { acks } : {}) };
  }

  /**
   * Everything but the op, checked before anything is sent. `identity(request)` numbers
   * the request once it is accepted; `request` (the op and its parameters) is what a
   * retry under the same key or sequence number must repeat.
   */
  function common(
    c: Context,
  ): { node?: NodeId; identity: (request: unknown) => ClientIdentity } {
    const rawNode = c.req.query("node");
    const node = rawNode === undefined ? undefined : knownNode(cluster.nodes, rawNode, "node");
    const { clientId, seq, idempotencyKey } = sessionHeaders(c.req.raw.headers);
    // Identify only once the request is accepted, so a rejected one uses no sequence number.
    const identity = (request: unknown) => {
      try {
        return sessions.identify({ clientId, seq, idempotencyKey }, fingerprint(request));
      } catch (e) {
        if (e instanceof IdempotencyMismatchError) throw idempotencyMismatch(e.header, e.message);
        throw e;
      }
    };
    return node === undefined ? { identity } : { node, identity };
  }

  function key(c: Context): string {
    const k = c.req.param("key") ?? "";
    if (k === "" || k.length > MAX_KEY) {
      throw badRequest("key", `a key is 1 to ${MAX_KEY} characters`);
    }
    return k;
  }

  app.get("/kv/:key", async (c) => {
    const k = key(c);
    const rawC = validQuery(c, ReadQuery).consistency;
    let consistency: { consistency?: Consistency } = {};
    // On quorum-kv `consistency` is a level (ONE, QUORUM, ALL), read with r and w below.
    if (!admin.quorum && rawC !== undefined) {
      if (!(CONSISTENCIES as readonly string[]).includes(rawC)) {
        throw badRequest(
          "consistency",
          `consistency must be one of ${CONSISTENCIES.join(", ")}, got '${rawC}'`,
        );
      }
      consistency = { consistency: rawC as Consistency };
    }
    const q = quorum(c, false);
    const { node, identity } = common(c);
    const op: KvOp = { f: "read", key: k };
    const r = await kv.execute({
      op,
      identity: identity({ op, node, ...consistency, ...q }),
      ...(node !== undefined ? { node } : {}),
      ...consistency,
      ...q,
    });
    if (r.value === null) {
      throw notFound(`key '${k}' has no value`, {
        type: "/api/v1/problems/unknown-key",
        title: "Unknown key",
        key: k,
        node: r.node,
      });
    }
    if (admin.quorum && isSiblings(r.value)) {
      c.header(SIBLINGS_HEADER, String(r.value.siblings.length));
      c.header(CONTEXT_HEADER, JSON.stringify(r.value.context));
      return c.json({ key: k, siblings: r.value.siblings, context: r.value.context, node: r.node });
    }
    return c.json({ key: k, value: r.value, node: r.node });
  });

  app.put("/kv/:key", async (c) => {
    const k = key(c);
    validQuery(c, WriteQuery);
    const { node, identity } = common(c);
    const value = await validBody(c, PutBody);
    const q = quorum(c, true);
    const op: KvOp = { f: "write", key: k, value };
    const r = await kv.execute({
      op,
      identity: identity({ op, node, ...q }),
      ...(node !== undefined ? { node } : {}),
      ...q,
    });
    return c.json({ key: k, value: r.value, node: r.node, ...written(r.reply) });
  });

  app.delete("/kv/:key", async (c) => {
    const k = key(c);
    validQuery(c, WriteQuery);
    const { node, identity } = common(c);
    const q = quorum(c, true);
    const op: KvOp = { f: "delete", key: k };
    const r = await kv.execute({
      op,
      identity: identity({ op, node, ...q }),
      ...(node !== undefined ? { node } : {}),
      ...q,
    });
    return c.json({ key: k, deleted: true, node: r.node, ...written(r.reply) });
  });

  app.post("/kv/:key/cas", async (c) => {
    const k = key(c);
    validQuery(c, CasQuery);
    const { node, identity } = common(c);
    const body = await validBody(c, CasBody);
    const q = quorum(c, true);
    const op: KvOp = { f: "cas", key: k, value: [body.expected, body.value] };
    const r = await kv.execute({
      op,
      identity: identity({ op, node, ...q }),
      ...(node !== undefined ? { node } : {}),
      ...q,
    });
    return c.json({ key: k, value: r.value, node: r.node, ...written(r.reply) });
  });

  return app;
}

/** A quorum read's answer when replicas hold concurrent versions. */
function isSiblings(v: unknown): v is { siblings: unknown[]; context: Record<string, number> } {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return Array.isArray(o.siblings) && o.context !== null && typeof o.context === "object" &&
    Object.keys(o).length === 2;
}
