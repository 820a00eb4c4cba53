/**
 * The OpenAPI 3.1 description of the API (`GET /api/v1/openapi.json`), generated from
 * the route contracts each module in `routes/` declares: the same zod schemas validate
 * the requests (`validate.ts`), so the document cannot drift from what is enforced. A
 * test checks that every route the app serves is described and every described one is
 * served, and posts every documented bad shape.
 *
 * @module
 */

import { OpenAPIHono } from "@hono/zod-openapi";
import { type ApiRoute, jsonAnswer, problems, textAnswer } from "./api_route.ts";
import { z } from "@hono/zod-openapi";
import { CLUSTER_API } from "./routes/cluster.ts";
import { FAULT_API } from "./routes/faults.ts";
import { KV_API } from "./routes/kv.ts";
import { MEMBER_API } from "./routes/members.ts";
import { NODE_API } from "./routes/nodes.ts";
import { OBSERVE_API } from "./routes/observe.ts";
import { opApi } from "./routes/ops.ts";
import type { ClientOperation } from "../protocols/operations.ts";
import { RING_API } from "./routes/ring.ts";

const DOC_API: readonly ApiRoute[] = [
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "openapi",
    summary: "This document",
    tags: ["docs"],
    responses: {
      200: jsonAnswer("OpenAPI 3.1", z.record(z.string(), z.unknown())),
      ...problems(),
    },
  },
  {
    method: "get",
    path: "/api/v1/docs",
    operationId: "docs",
    summary: "This document as a web page",
    tags: ["docs"],
    responses: { 200: textAnswer("HTML", "text/html"), ...problems() },
  },
];

/**
 * Every route's contract, in the order of the document, for a protocol that declares
 * `operations` (null: none, so `POST /ops` takes any `f`).
 *
 * @example
 * ```ts
 * import { apiRoutes } from "./openapi.ts";
 * apiRoutes(null).some((r) => r.path === "/api/v1/kv/{key}"); // true
 * ```
 */
export function apiRoutes(operations: readonly ClientOperation[] | null): readonly ApiRoute[] {
  return [
    ...CLUSTER_API,
    ...MEMBER_API,
    ...NODE_API,
    ...FAULT_API,
    ...KV_API,
    ...RING_API,
    ...opApi(operations),
    ...OBSERVE_API,
    ...DOC_API,
  ];
}

/**
 * {@link apiRoutes} for a protocol that declares no operations.
 *
 * @example
 * ```ts
 * import { API_ROUTES } from "./openapi.ts";
 * API_ROUTES.some((r) => r.path === "/api/v1/ops"); // true
 * ```
 */
export const API_ROUTES: readonly ApiRoute[] = apiRoutes(null);

/**
 * The OpenAPI document; `operations`: the running protocol's (documented in `/ops`).
 *
 * @example
 * ```ts
 * import { openApiDocument } from "./openapi.ts";
 * const doc = openApiDocument();
 * Object.keys(doc.paths as object).includes("/api/v1/cluster"); // true
 * ```
 */
export function openApiDocument(
  operations: readonly ClientOperation[] | null = null,
): Record<string, unknown> {
  const app = new OpenAPIHono();
  for (const route of apiRoutes(operations)) app.openAPIRegistry.registerPath(route);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "distlab API",
      version: "1.0.0",
      description: "Drive a cluster of Worker nodes: read its state, inject faults, use its " +
        "key-value store, watch its events. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: "/" }],
    security: [{}, { bearer: [] }],
    tags: [
      { name: "cluster", description: "State of the cluster" },
      { name: "nodes", description: "Node faults" },
      { name: "membership", description: "Adding and removing nodes, leadership" },
      { name: "faults", description: "Network and clock faults" },
      { name: "kv", description: "The key-value store" },
      { name: "ops", description: "Protocol operations that are not key-value requests" },
      { name: "observe", description: "Events, history, metrics" },
      { name: "docs", description: "This description" },
    ],
  }) as unknown as Record<string, unknown>;
}
