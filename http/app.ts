/**
 * The HTTP API of a running cluster (a Hono app). This first cut covers the cluster's
 * state and node faults; later routes (KV operations, the network, events, history,
 * OpenAPI) are added beside these, one small router per resource.
 *
 * - `GET  /api/v1/cluster` — protocol, nodes (up / paused / status) and network state
 * - `POST /api/v1/nodes/{id}/crash|restart|pause|resume` — the node afterwards
 *
 * Errors are RFC 9457 problem details (`application/problem+json`).
 *
 * @module
 */

import { Hono } from "hono";
import type { NodeId } from "../protocols/node.ts";
import type { ClusterControl } from "./cluster_control.ts";
import { problemResponse } from "./problem.ts";

/** The node actions `POST /api/v1/nodes/{id}/{action}` accepts. */
const NODE_ACTIONS = ["crash", "restart", "pause", "resume"] as const;
type NodeAction = typeof NODE_ACTIONS[number];

function isNodeAction(s: string): s is NodeAction {
  return (NODE_ACTIONS as readonly string[]).includes(s);
}

/**
 * Creates the API app for `cluster`. Serve it with `Deno.serve(app.fetch)` or call
 * `app.request()` in tests.
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * import { startCluster } from "../nodes/worker_cluster.ts";
 * const cluster = await startCluster({ protocol: "heartbeat", nodes: 3, seed: 1 });
 * const app = createApp(cluster);
 * const res = await app.request("/api/v1/nodes/n2/crash", { method: "POST" });
 * (await res.json()).up; // false
 * await cluster.close();
 * ```
 */
export function createApp(cluster: ClusterControl): Hono {
  const app = new Hono();

  app.get("/api/v1/cluster", async (c) => {
    return c.json({
      protocol: cluster.protocol,
      nodes: await cluster.statuses(),
      network: cluster.network.state(),
    });
  });

  app.post("/api/v1/nodes/:id/:action", async (c) => {
    const { id, action } = c.req.param();
    if (!isNodeAction(action)) return notFound(c.req.path);
    if (!cluster.nodes.includes(id)) return unknownNode(cluster, id, c.req.path);
    await cluster[action](id);
    return c.json(await cluster.info(id));
  });

  app.notFound((c) => notFound(c.req.path));

  app.onError((err, c) =>
    problemResponse({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: err.message.split("\n")[0],
      instance: c.req.path,
    })
  );

  return app;
}

function notFound(path: string): Response {
  return problemResponse({
    type: "about:blank",
    title: "Not Found",
    status: 404,
    detail: `no such resource: ${path}`,
    instance: path,
  });
}

function unknownNode(cluster: ClusterControl, id: NodeId, path: string): Response {
  return problemResponse({
    type: "/api/v1/problems/unknown-node",
    title: "Unknown node",
    status: 404,
    detail: `unknown node '${id}' (nodes: ${cluster.nodes.join(", ")})`,
    instance: path,
    node: id,
  });
}
