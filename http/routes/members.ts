/**
 * Membership and leadership:
 *
 * - `POST /members` `{ node }` — starts a Worker for the new node, then asks the leader to
 *   add it (Raft: as a learner, promoted once caught up); 201 once the change commits;
 * - `DELETE /members/{id}` — asks the leader to remove the node, then stops its Worker;
 * - `POST /transfer` `{ to }` — asks the leader to hand leadership to `to`.
 *
 * Protocols without these operations get 409 "not supported".
 *
 * @module
 */

import { z } from "@hono/zod-openapi";
import { MAX_CLUSTER_NODES } from "../../nodes/worker/cluster_types.ts";
import { Hono } from "hono";
import type { ApiContext } from "../api_context.ts";
import { type ApiRoute, jsonAnswer, jsonBody, problems } from "../api_route.ts";
import { MembersSchema } from "../api_schemas.ts";
import { conflict, ProblemError, unknownNode } from "../problem.ts";
import { knownNode, newNodeField, nodeField, validBody } from "../validate.ts";

const AddMemberBody = z.strictObject({ node: newNodeField("node") });
const TransferBody = z.strictObject({ to: nodeField("to") });

/**
 * The contract of the routes above, for the OpenAPI document.
 *
 * @example
 * ```ts
 * import { MEMBER_API } from "./members.ts";
 * MEMBER_API.some((r) => r.operationId === "addMember"); // true
 * ```
 */
export const MEMBER_API: readonly ApiRoute[] = [
  {
    method: "post",
    path: "/api/v1/members",
    operationId: "addMember",
    summary: "Start a node and add it to the cluster (Raft: learner, then voter)",
    tags: ["membership"],
    request: { body: jsonBody("The new node", AddMemberBody, { node: "n6" }) },
    responses: { 201: jsonAnswer("Added", MembersSchema), ...problems(400, 409, 413, 503, 504) },
  },
  {
    method: "delete",
    path: "/api/v1/members/{id}",
    operationId: "removeMember",
    summary: "Remove a node from the cluster and stop it",
    tags: ["membership"],
    request: {
      params: z.object({ id: z.string().openapi({ description: "A node id, e.g. n1" }) }),
    },
    responses: { 200: jsonAnswer("Removed", MembersSchema), ...problems(404, 409, 503, 504) },
  },
  {
    method: "post",
    path: "/api/v1/transfer",
    operationId: "transferLeadership",
    summary: "Hand leadership to another node",
    tags: ["membership"],
    request: { body: jsonBody("The new leader", TransferBody, { to: "n2" }) },
    responses: {
      200: jsonAnswer("Transferred", z.object({ leader: z.string(), from: z.string() })),
      ...problems(400, 404, 409, 413, 503, 504),
    },
  },
];

/**
 * The routes above, relative to `/api/v1`.
 *
 * @example
 * ```ts ignore
 * import { memberRoutes } from "./members.ts";
 * app.route("/api/v1", memberRoutes(ctx));
 * ```
 */
export function memberRoutes(ctx: ApiContext): Hono {
  const { cluster, admin, kv, gateway, hub, sessions } = ctx;
  const app = new Hono();
  const client = () => sessions.identify({}).client;
  const unsupported = (what: string) =>
    conflict("not-supported", "Not supported", `protocol ${cluster.protocol} cannot ${what}`);

  app.post("/members", async (c) => {
    const { node: id } = await validBody(c, AddMemberBody);
    if (admin.addNode === undefined) throw unsupported("add nodes");
    if (cluster.nodes.includes(id)) {
      throw conflict("node-exists", "Node exists", `node '${id}' is already a member`, {
        node: id,
      });
    }
    if (cluster.nodes.length >= MAX_CLUSTER_NODES) {
      throw conflict(
        "cluster-full",
        "Cluster full",
        `a cluster has at most ${MAX_CLUSTER_NODES} nodes (as --nodes); remove one first`,
        { limit: MAX_CLUSTER_NODES },
      );
    }
    await cluster.addNode(id, admin.addNode.options);
    try {
      await kv.admin(admin.addNode.op(id), client());
    } catch (e) {
      // Refused for sure: take the Worker away again. Unknown (504): leave it running.
      if (e instanceof ProblemError && e.problem.status !== 504) {
        await cluster.removeNode(id);
        gateway.forget(id);
      }
      throw e;
    }
    hub.publish({ time: cluster.now(), kind: "member", node: id, data: { action: "added" } });
    return c.json({ node: id, members: cluster.nodes }, 201);
  });

  app.delete("/members/:id", async (c) => {
    const id = c.req.param("id");
    if (!cluster.nodes.includes(id)) throw unknownNode(id, cluster.nodes);
    if (admin.removeNode === undefined) throw unsupported("remove nodes");
    await kv.admin(admin.removeNode(id), client());
    await cluster.removeNode(id);
    gateway.forget(id);
    kv.forgetLeader();
    hub.publish({ time: cluster.now(), kind: "member", node: id, data: { action: "removed" } });
    return c.json({ node: id, members: cluster.nodes });
  });

  app.post("/transfer", async (c) => {
    const body = await validBody(c, TransferBody);
    const to = knownNode(cluster.nodes, body.to, "to");
    if (admin.transfer === undefined) throw unsupported("transfer leadership");
    const result = await kv.admin(admin.transfer(to), client());
    kv.forgetLeader();
    return c.json({ leader: to, from: result.node });
  });

  return app;
}
