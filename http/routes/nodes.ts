/**
 * Node faults: `POST /nodes/{id}/{action}` with action
 *
 * - `crash` — the Worker is terminated; volatile state and unsynced writes are lost;
 * - `restart` — a crashed node starts again from its durable storage (409 when a crash
 *   raced the restart, or when its storage is corrupted and it must stay down);
 * - `pause` / `resume` — a gray failure: alive but processing nothing, then back;
 * - `timeout` — the node's election timeout fires now (protocols that elect leaders).
 *
 * Each answers with the node afterwards.
 *
 * @module
 */

import { Hono } from "hono";
import type { ApiContext } from "../api_context.ts";
import { nodeViews } from "../node_view.ts";
import { conflict, notFound, unknownNode } from "../problem.ts";
import { NodeStateError } from "../../nodes/worker/cluster_types.ts";
import { z } from "@hono/zod-openapi";
import { type ApiRoute, jsonAnswer, problems } from "../api_route.ts";
import { NodeViewSchema } from "../api_schemas.ts";

const SUMMARIES = {
  crash: "Crash a node: volatile state and unsynced writes are lost",
  restart: "Restart a crashed node from its durable storage",
  pause: "Pause a node (gray failure: alive, processing nothing)",
  resume: "Resume a paused node; held messages arrive in order",
  timeout: "Fire the node's election timeout now",
} as const;

/**
 * The contract of the routes above, for the OpenAPI document.
 *
 * @example
 * ```ts
 * import { NODE_API } from "./nodes.ts";
 * NODE_API.some((r) => r.operationId === "crashNode"); // true
 * ```
 */
export const NODE_API: readonly ApiRoute[] = Object.entries(SUMMARIES).map(([verb, summary]) => ({
  method: "post",
  path: `/api/v1/nodes/{id}/${verb}`,
  operationId: `${verb}Node`,
  summary,
  tags: ["nodes"],
  request: { params: z.object({ id: z.string().openapi({ description: "A node id, e.g. n1" }) }) },
  responses: {
    200: jsonAnswer("The node afterwards", NodeViewSchema),
    ...(verb === "timeout" ? problems(404, 409) : problems(404)),
  },
}));

const ACTIONS = ["crash", "restart", "pause", "resume", "timeout"] as const;
type Action = typeof ACTIONS[number];

function isAction(s: string): s is Action {
  return (ACTIONS as readonly string[]).includes(s);
}

/**
 * The routes above, relative to `/api/v1`.
 *
 * @example
 * ```ts ignore
 * import { nodeRoutes } from "./nodes.ts";
 * app.route("/api/v1", nodeRoutes(ctx));
 * ```
 */
export function nodeRoutes(ctx: ApiContext): Hono {
  const { cluster, gateway, hub, admin } = ctx;
  const app = new Hono();

  app.post("/nodes/:id/:action", async (c) => {
    const { id, action } = c.req.param();
    if (!isAction(action)) {
      throw notFound(`no node action '${action}' (actions: ${ACTIONS.join(", ")})`);
    }
    if (!cluster.nodes.includes(id)) throw unknownNode(id, cluster.nodes);
    if (action === "timeout") {
      await electionNow(id);
    } else {
      try {
        await cluster[action](id);
      } catch (e) {
        // A restart raced by a crash, or a node that must stay down: what it is doing.
        if (e instanceof NodeStateError) {
          throw conflict(`node-${e.state}`, `Node ${e.state}`, e.message, { node: id });
        }
        throw e;
      }
      // A node that is back deserves a fresh chance rather than a wait for a trial call.
      if (action === "restart" || action === "resume") gateway.reset(id);
    }
    if (action === "crash" || action === "pause") {
      ctx.kv.forgetLeader();
      ctx.ops.forgetEntry();
    }
    const infos = await cluster.statuses();
    return c.json(nodeViews(infos, (n) => gateway.breakerState(n)).find((v) => v.id === id));
  });

  async function electionNow(id: string): Promise<void> {
    if (admin.electionNow === undefined) {
      throw conflict(
        "not-supported",
        "Not supported",
        `protocol ${cluster.protocol} has no election timeout to fire`,
      );
    }
    const info = await cluster.info(id);
    const message = info.up && !info.paused ? admin.electionNow(info.status) : null;
    if (message === null) {
      const why = !info.up
        ? "it is down"
        : info.paused
        ? "it is paused"
        : `it is ${info.status.role}`;
      throw conflict(
        "no-election",
        "Cannot start an election",
        `node ${id} cannot campaign: ${why}`,
        {
          node: id,
        },
      );
    }
    const leader = info.status.leader;
    const from = typeof leader === "string" && leader !== id && cluster.nodes.includes(leader)
      ? leader
      : cluster.nodes.find((n) => n !== id) ?? id;
    cluster.inject(id, from, message);
    hub.publish({ time: cluster.now(), kind: "fault", node: id, data: { action: "timeout" } });
  }

  return app;
}
