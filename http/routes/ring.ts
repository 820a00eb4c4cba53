/**
 * `GET /ring[?key=k]` — the consistent-hash ring of a `quorum-kv` cluster (see
 * `ring_view.ts`): each node's tokens and share of the ring, and for `key` its hash,
 * owning token, preference list and which node holds which versions and hints.
 * Other protocols get 409 "not supported"; 503 while no node is up to show its ring.
 *
 * @module
 */

import { Hono } from "hono";
import type { ApiContext } from "../api_context.ts";
import { badRequest, conflict, unavailable } from "../problem.ts";
import { ringView } from "../ring_view.ts";

const MAX_KEY = 1024;

/**
 * The route above, relative to `/api/v1`.
 *
 * @example
 * ```ts ignore
 * import { ringRoutes } from "./ring.ts";
 * app.route("/api/v1", ringRoutes(ctx));
 * ```
 */
export function ringRoutes(ctx: ApiContext): Hono {
  const { cluster, admin } = ctx;
  const app = new Hono();

  app.get("/ring", async (c) => {
    const key = c.req.query("key");
    if (key !== undefined && (key === "" || key.length > MAX_KEY)) {
      throw badRequest("key", `a key is 1 to ${MAX_KEY} characters`);
    }
    if (!admin.quorum) {
      throw conflict(
        "not-supported",
        "Not supported",
        `protocol ${cluster.protocol} has no consistent-hash ring (quorum-kv has)`,
      );
    }
    const view = ringView(await cluster.statuses(), key);
    if (view === null) {
      throw unavailable("no-ring", "No ring", "no live node shows its ring right now", 1);
    }
    return c.json(view);
  });

  return app;
}
