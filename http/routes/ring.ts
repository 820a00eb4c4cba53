/**
 * `GET /ring[?key=k]` — the consistent-hash ring of a `quorum-kv` cluster (see
 * `ring_view.ts`): each node's tokens and share of the ring, and for `key` its hash,
 * owning token, preference list and which node holds which versions and hints.
 * Other protocols get 409 "not supported"; 503 while no node is up to show its ring.
 *
 * @module
 */

import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { ApiContext } from "../api_context.ts";
import { type ApiRoute, jsonAnswer, problems } from "../api_route.ts";
import { RingSchema } from "../api_schemas.ts";
import { conflict, unavailable } from "../problem.ts";
import { ringView } from "../ring_view.ts";
import { validQuery } from "../validate.ts";

const MAX_KEY = 1024;
const KEY_LENGTH = `a key is 1 to ${MAX_KEY} characters`;
const RingQuery = z.object({
  key: z.string().min(1, { error: KEY_LENGTH }).max(MAX_KEY, { error: KEY_LENGTH }).optional()
    .openapi({ description: "Place this key on the ring" }),
});

/**
 * The contract of the route above, for the OpenAPI document.
 *
 * @example
 * ```ts
 * import { RING_API } from "./ring.ts";
 * RING_API[0]!.operationId; // "getRing"
 * ```
 */
export const RING_API: readonly ApiRoute[] = [{
  method: "get",
  path: "/api/v1/ring",
  operationId: "getRing",
  summary: "A quorum store's consistent-hash ring: tokens and share per node; with ?key= the " +
    "key's hash, owning token, preference list and who holds which versions and hints",
  tags: ["kv"],
  request: { query: RingQuery },
  responses: { 200: jsonAnswer("The ring", RingSchema), ...problems(400, 409, 503) },
}];

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
    const { key } = validQuery(c, RingQuery);
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
