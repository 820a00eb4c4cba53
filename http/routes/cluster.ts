/**
 * The cluster's state:
 *
 * - `GET /cluster` — protocol, leader, every node ({@link NodeView}), the network's
 *   faults, clocks and message counters, and `wallClockMs`: the server's time (Unix ms),
 *   to compare with times in node statuses (a 2PC participant's `blockedSince`, which
 *   is in that node's clock: this plus its skew);
 * - `GET /nodes/{id}` — one node;
 * - `GET /leader` — the leader and its term (503 when there is none).
 *
 * @module
 */

import { Hono } from "hono";
import type { ApiContext } from "../api_context.ts";
import { nodeViews } from "../node_view.ts";
import { conflict, unavailable, unknownNode } from "../problem.ts";
import { leaderOf } from "../protocol_admin.ts";
import { z } from "@hono/zod-openapi";
import { type ApiRoute, jsonAnswer, problems } from "../api_route.ts";
import { ClusterSchema, LogPageSchema, NodeViewSchema } from "../api_schemas.ts";
import { validQuery } from "../validate.ts";
import { NodeStateError } from "../../nodes/worker/cluster_types.ts";

const MAX_LOG_PAGE = 1000;
const LogQuery = z.object({
  from: z.coerce.number().int().min(0).optional().openapi({
    description: "The first index to return (default 0: the newest `limit` entries)",
  }),
  limit: z.coerce.number().int().min(1).max(MAX_LOG_PAGE).optional().openapi({
    description: `How many entries, 1 to ${MAX_LOG_PAGE} (default 100)`,
  }),
});

/**
 * The contract of the routes above, for the OpenAPI document.
 *
 * @example
 * ```ts
 * import { CLUSTER_API } from "./cluster.ts";
 * CLUSTER_API.map((r) => r.operationId); // ["getCluster", "getNode", "getLeader"]
 * ```
 */
export const CLUSTER_API: readonly ApiRoute[] = [
  {
    method: "get",
    path: "/api/v1/cluster",
    operationId: "getCluster",
    summary: "Protocol, leader, every node, network faults, clocks and message counters",
    tags: ["cluster"],
    responses: { 200: jsonAnswer("The cluster", ClusterSchema), ...problems() },
  },
  {
    method: "get",
    path: "/api/v1/nodes/{id}",
    operationId: "getNode",
    summary: "One node",
    tags: ["cluster"],
    request: {
      params: z.object({ id: z.string().openapi({ description: "A node id, e.g. n1" }) }),
    },
    responses: { 200: jsonAnswer("The node", NodeViewSchema), ...problems(404) },
  },
  {
    method: "get",
    path: "/api/v1/nodes/{id}/log",
    operationId: "getNodeLog",
    summary: "A page of one node's replicated log (its entries, not just their count)",
    tags: ["cluster"],
    request: {
      params: z.object({ id: z.string().openapi({ description: "A node id, e.g. n1" }) }),
      query: LogQuery,
    },
    responses: { 200: jsonAnswer("The page", LogPageSchema), ...problems(400, 404, 409, 503) },
  },
  {
    method: "get",
    path: "/api/v1/leader",
    operationId: "getLeader",
    summary: "The leader and its term",
    tags: ["cluster"],
    responses: {
      200: jsonAnswer(
        "The leader",
        z.object({ leader: z.string(), term: z.number().int().nullable() }),
      ),
      ...problems(503),
    },
  },
];

/**
 * The routes above, relative to `/api/v1`.
 *
 * @example
 * ```ts ignore
 * import { clusterRoutes } from "./cluster.ts";
 * app.route("/api/v1", clusterRoutes(ctx));
 * ```
 */
export function clusterRoutes(ctx: ApiContext): Hono {
  const { cluster, gateway, display } = ctx;
  const app = new Hono();
  const breaker = (id: string) => gateway.breakerState(id);

  app.get("/cluster", async (c) => {
    const infos = await cluster.statuses();
    const leader = leaderOf(infos);
    const clocks: Record<string, unknown> = {};
    for (const id of cluster.nodes) clocks[id] = cluster.clock(id);
    return c.json({
      protocol: cluster.protocol,
      display,
      leader: leader?.id ?? null,
      term: leader?.term ?? null,
      nodes: nodeViews(infos, breaker),
      network: cluster.network.state(),
      clocks,
      counters: cluster.counters(),
      wallClockMs: Date.now(),
    });
  });

  app.get("/nodes/:id", async (c) => {
    const id = c.req.param("id");
    if (!cluster.nodes.includes(id)) throw unknownNode(id, cluster.nodes);
    const infos = await cluster.statuses();
    return c.json(nodeViews(infos, breaker).find((v) => v.id === id));
  });

  app.get("/nodes/:id/log", async (c) => {
    const id = c.req.param("id");
    const { from = 0, limit = 100 } = validQuery(c, LogQuery);
    if (!cluster.nodes.includes(id)) throw unknownNode(id, cluster.nodes);
    const noLog = () =>
      conflict("not-supported", "Not supported", `protocol ${cluster.protocol} keeps no log`);
    if (cluster.log === undefined) throw noLog();
    let page;
    try {
      page = await cluster.log(id, from, limit);
    } catch (e) {
      if (!(e instanceof NodeStateError)) throw e;
      throw unavailable("node-down", "Node down", `${e.message}: its log cannot be read`, 1);
    }
    if (page === null) throw noLog();
    return c.json({ node: id, ...page });
  });

  app.get("/leader", async (c) => {
    const infos = await cluster.statuses();
    const leader = leaderOf(infos);
    if (leader === null) {
      throw unavailable("no-leader", "No leader", "no node is leader right now", 1);
    }
    return c.json({ leader: leader.id, term: leader.term });
  });

  return app;
}
