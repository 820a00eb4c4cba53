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

import { type Context, Hono } from "hono";
import type { KvOp } from "../../protocols/kv.ts";
import type { NodeId } from "../../protocols/node.ts";
import type { ApiContext } from "../api_context.ts";
import { type ClientIdentity, fingerprint, IdempotencyMismatchError } from "../client_sessions.ts";
import type { Consistency } from "../kv_service.ts";
import { badRequest, idempotencyMismatch, notFound } from "../problem.ts";
import { jsonBody, knownNode, objectBody, optionalToken } from "../validate.ts";
import type { QuorumParams } from "../../protocols/quorum/request.ts";
import { CONTEXT_HEADER, quorumParams, SIBLINGS_HEADER } from "../quorum_params.ts";

const CONSISTENCIES: readonly Consistency[] = ["linearizable", "lease", "stale"];
const MAX_KEY = 1024;

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
    const clientId = optionalToken(c.req.raw.headers, "X-Client-Id", 128);
    const rawSeq = c.req.header("X-Request-Seq");
    const idempotencyKey = optionalToken(c.req.raw.headers, "Idempotency-Key", 256);
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
    const rawC = c.req.query("consistency");
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
    const { node, identity } = common(c);
    const value = await jsonBody(c);
    if (value === null) throw badRequest("body", "null is no value: DELETE the key instead");
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
    const { node, identity } = common(c);
    const body = await objectBody(c, ["expected", "value"]);
    if (!("expected" in body)) {
      throw badRequest("expected", "expected is required (null: no value)");
    }
    if (!("value" in body)) throw badRequest("value", "value is required");
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
