/**
 * Protocol operations that are not key-value requests (see `op_service.ts`):
 *
 * - `POST /nodes/{id}/ops` `{ "op": { "f": "order", … } }` — to that node only;
 * - `POST /ops` `{ "op": { … } }` — to the leader, primary or coordinator, following
 *   hints like the KV routes.
 *
 * Both answer `{ f, value, node }` (200), 409 for the protocol's refusal, 503 when it
 * may pass, 504 when the outcome is unknown. `op` must be a JSON object whose `f` is a
 * short lowercase name (`order`, `set-mode`, `propose`, …); anything else is a 400.
 *
 * @module
 */

import { type Context, Hono } from "hono";
import type { NodeId } from "../../protocols/node.ts";
import type { ApiContext } from "../api_context.ts";
import type { ProtocolOp } from "../op_service.ts";
import { badRequest, unknownNode } from "../problem.ts";
import { objectBody, optionalToken } from "../validate.ts";

/** What an op's `f` may look like. */
const OP_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * The routes above, relative to `/api/v1`. Mount them before `nodeRoutes`, whose
 * `/nodes/{id}/{action}` would otherwise take `/nodes/{id}/ops`.
 *
 * @example
 * ```ts ignore
 * import { opRoutes } from "./ops.ts";
 * app.route("/api/v1", opRoutes(ctx));
 * ```
 */
export function opRoutes(ctx: ApiContext): Hono {
  const { cluster, ops, sessions } = ctx;
  const app = new Hono();

  async function run(c: Context, node: NodeId | undefined): Promise<Response> {
    const body = await objectBody(c, ["op"]);
    const op = protocolOp(body.op);
    const clientId = optionalToken(c.req.raw.headers, "X-Client-Id", 128);
    const identity = sessions.identify(clientId === undefined ? {} : { clientId });
    const r = await ops.execute({ op, identity, ...(node !== undefined ? { node } : {}) });
    return c.json({ f: op.f, value: r.value, node: r.node });
  }

  app.post("/nodes/:id/ops", async (c) => {
    const id = c.req.param("id");
    if (!cluster.nodes.includes(id)) throw unknownNode(id, cluster.nodes);
    return await run(c, id);
  });

  app.post("/ops", async (c) => await run(c, undefined));

  return app;
}

/** The body's `op`, checked: a JSON object with a well-formed string `f`. */
function protocolOp(v: unknown): ProtocolOp {
  if (v === undefined) throw badRequest("op", 'op is required, e.g. {"op":{"f":"order",…}}');
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw badRequest("op", 'op must be a JSON object with a string f, e.g. {"f":"propose"}');
  }
  const f = (v as Record<string, unknown>).f;
  if (typeof f !== "string" || !OP_NAME.test(f)) {
    throw badRequest(
      "op.f",
      "op.f must name the operation: a lowercase letter, then up to 63 of a-z 0-9 _ -",
    );
  }
  return v as ProtocolOp;
}
