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

import { z } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import type { NodeId } from "../../protocols/node.ts";
import type { ApiContext } from "../api_context.ts";
import { type ApiRoute, jsonAnswer, jsonBody, problems } from "../api_route.ts";
import { OpResultSchema } from "../api_schemas.ts";
import type { ProtocolOp } from "../op_service.ts";
import { unknownNode } from "../problem.ts";
import { optionalToken, validBody } from "../validate.ts";

const OP_SHAPE = 'op must be a JSON object with a string f, e.g. {"f":"propose"}';
const OpBody = z.strictObject({
  op: z.looseObject({
    f: z.string({ error: "op.f must name the operation" }).regex(/^[a-z][a-z0-9_-]{0,63}$/, {
      error: "op.f must name the operation: a lowercase letter, then up to 63 of a-z 0-9 _ -",
    }),
  }, {
    error: (iss) =>
      iss.input === undefined ? 'op is required, e.g. {"op":{"f":"order",…}}' : OP_SHAPE,
  }).openapi({ description: "The operation: `f` names it; the rest is the protocol's" }),
});
const CLIENT = z.object({
  "X-Client-Id": z.string().optional().openapi({
    description: "The client's id (its history process)",
  }),
});
const EXAMPLE = { op: { f: "order", id: "o1", item: "item-1", qty: 1, amount: 5 } };

/**
 * The contract of the routes above, for the OpenAPI document.
 *
 * @example
 * ```ts
 * import { OP_API } from "./ops.ts";
 * OP_API.some((r) => r.operationId === "runOp"); // true
 * ```
 */
export const OP_API: readonly ApiRoute[] = [
  {
    method: "post",
    path: "/api/v1/ops",
    operationId: "runOp",
    summary: "Run a protocol operation at the leader, primary or coordinator (hints " +
      "followed): a 2PC order, set-mode, failover, propose, produce, …",
    tags: ["ops"],
    request: { headers: CLIENT, body: jsonBody("The operation", OpBody, EXAMPLE) },
    responses: {
      200: jsonAnswer("The node's answer", OpResultSchema),
      ...problems(400, 409, 413, 503, 504),
    },
  },
  {
    method: "post",
    path: "/api/v1/nodes/{id}/ops",
    operationId: "runNodeOp",
    summary: "Run a protocol operation at this node only",
    tags: ["ops"],
    request: {
      params: z.object({ id: z.string().openapi({ description: "A node id, e.g. n1" }) }),
      headers: CLIENT,
      body: jsonBody("The operation", OpBody, EXAMPLE),
    },
    responses: {
      200: jsonAnswer("The node's answer", OpResultSchema),
      ...problems(400, 404, 409, 413, 503, 504),
    },
  },
];

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
    const op = (await validBody(c, OpBody)).op as ProtocolOp;
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
