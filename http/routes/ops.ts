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
import {
  type ArgType,
  argumentError,
  type ClientOperation,
  operationNamed,
} from "../../protocols/operations.ts";
import { badRequest, unknownNode } from "../problem.ts";
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

const ARG_SCHEMA: Readonly<Record<ArgType, () => z.ZodType>> = {
  string: () => z.string(),
  number: () => z.number(),
  integer: () => z.number().int(),
  boolean: () => z.boolean(),
  json: () => z.unknown(),
  "string[]": () => z.array(z.string()),
};

/** One declared operation as a schema: its `f`, its arguments, what it is. */
function operationSchema(o: ClientOperation): z.ZodType {
  const shape: Record<string, z.ZodType> = { f: z.literal(o.f) };
  for (const [name, arg] of Object.entries(o.args)) {
    const s = ARG_SCHEMA[arg.type]().openapi({ description: arg.summary });
    shape[name] = arg.optional ? s.optional() : s;
  }
  const what = [o.kind, o.idempotent ? "idempotent" : "not idempotent"];
  if (o.roles !== undefined) what.push(`taken by ${o.roles.join(" or ")}`);
  return z.looseObject(shape).openapi({
    title: o.f,
    description: `${o.summary} (${what.join("; ")})`,
  });
}

/** A complete example of `o`, from its own or from placeholder arguments. */
function exampleOf(o: ClientOperation): Record<string, unknown> {
  if (o.example !== undefined) return { ...o.example };
  const out: Record<string, unknown> = { f: o.f };
  const sample: Record<ArgType, unknown> = {
    string: "x",
    number: 1,
    integer: 1,
    boolean: true,
    json: 1,
    "string[]": ["x"],
  };
  for (const [name, arg] of Object.entries(o.args)) if (!arg.optional) out[name] = sample[arg.type];
  return out;
}

/**
 * The contract of the routes above, for the OpenAPI document: with the protocol's
 * declared operations (see `protocols/operations.ts`) the body documents each of them;
 * without, any `f`.
 *
 * @example
 * ```ts
 * import { opApi } from "./ops.ts";
 * import { KV_OPERATIONS } from "../../protocols/operations.ts";
 * opApi(KV_OPERATIONS).some((r) => r.operationId === "runOp"); // true
 * ```
 */
export function opApi(operations: readonly ClientOperation[] | null): readonly ApiRoute[] {
  const declared = operations !== null && operations.length > 0 ? operations : null;
  const body = declared === null ? OpBody : z.strictObject({
    op: z.union(declared.map(operationSchema) as [z.ZodType, z.ZodType, ...z.ZodType[]])
      .openapi({ description: "One of the protocol's operations; `f` names it" }),
  });
  const example = declared === null ? EXAMPLE : { op: exampleOf(declared[0]!) };
  return [
    {
      method: "post",
      path: "/api/v1/ops",
      operationId: "runOp",
      summary: "Run a protocol operation at the leader, primary or coordinator (hints " +
        "followed): a 2PC order, set-mode, failover, propose, produce, …",
      tags: ["ops"],
      request: { headers: CLIENT, body: jsonBody("The operation", body, example) },
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
        body: jsonBody("The operation", body, example),
      },
      responses: {
        200: jsonAnswer("The node's answer", OpResultSchema),
        ...problems(400, 404, 409, 413, 503, 504),
      },
    },
  ];
}

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
    if (ctx.operations !== null) declared(ctx.operations, op);
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

/** Refuses (400) an operation the protocol does not declare, or one missing an argument. */
function declared(operations: readonly ClientOperation[], op: ProtocolOp): void {
  const o = operationNamed(operations, op.f);
  if (o === undefined) {
    throw badRequest(
      "op.f",
      `no operation '${op.f}' here; the protocol takes ${operations.map((x) => x.f).join(", ")}`,
    );
  }
  const bad = argumentError(o, op as unknown as Record<string, unknown>);
  if (bad !== null) throw badRequest(`op.${bad[0]}`, bad[1]);
}
