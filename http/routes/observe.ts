/**
 * What can be watched:
 *
 * - `GET /events?kind=election,role&node=n1` — Server-Sent Events of trace events;
 *   without `kind`, every event but per-message ones (name `send`, `deliver`, `drop`,
 *   `duplicate`, `request`, `reply`, or `all`, to get those too);
 * - `GET /history` — the client history of every KV request, as JSON Lines: the newest
 *   events up to the limit; once older ones are dropped, `x-history-truncated: true`,
 *   `x-history-dropped` (how many), `x-history-first` (the number of the first event
 *   served) and `x-history-first-time` (its time, ns);
 * - `GET /metrics` — Prometheus text.
 *
 * @module
 */

import { Hono } from "hono";
import type { ApiContext } from "../api_context.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../prometheus.ts";
import { badRequest, unavailable } from "../problem.ts";
import { knownNode } from "../validate.ts";
import { knownEventKinds } from "../event_hub.ts";
import { z } from "@hono/zod-openapi";
import { type ApiRoute, problems, textAnswer } from "../api_route.ts";

/**
 * The contract of the routes above, for the OpenAPI document.
 *
 * @example
 * ```ts
 * import { OBSERVE_API } from "./observe.ts";
 * OBSERVE_API.map((r) => r.operationId); // ["events", "history", "metrics"]
 * ```
 */
export const OBSERVE_API: readonly ApiRoute[] = [
  {
    method: "get",
    path: "/api/v1/events",
    operationId: "events",
    summary: "Server-Sent Events of trace events (elections, roles, commits, faults, breakers, …)",
    tags: ["observe"],
    request: {
      query: z.object({
        kind: z.string().optional().openapi({
          description:
            "Comma-separated kinds; add send, deliver, drop, … or `all` for per-message events",
        }),
        node: z.string().optional().openapi({ description: "Comma-separated node ids" }),
      }),
    },
    responses: {
      200: textAnswer("An event stream", "text/event-stream"),
      ...problems(400, 404, 503),
    },
  },
  {
    method: "get",
    path: "/api/v1/history",
    operationId: "history",
    summary: "The client history of every KV request, as JSON Lines (invoke / ok / fail / info)",
    tags: ["observe"],
    responses: { 200: textAnswer("JSON Lines", "application/jsonl"), ...problems() },
  },
  {
    method: "get",
    path: "/api/v1/metrics",
    operationId: "metrics",
    summary: "Prometheus metrics",
    tags: ["observe"],
    responses: { 200: textAnswer("Prometheus text format", "text/plain"), ...problems() },
  },
];

const KIND = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * The routes above, relative to `/api/v1`.
 *
 * @example
 * ```ts ignore
 * import { observeRoutes } from "./observe.ts";
 * app.route("/api/v1", observeRoutes(ctx));
 * ```
 */
export function observeRoutes(ctx: ApiContext): Hono {
  const { cluster, hub, history, metrics, gateway, sessions } = ctx;
  const app = new Hono();

  app.get("/events", (c) => {
    const list = (name: string): string[] | null => {
      const raw = c.req.queries(name);
      if (raw === undefined) return null;
      return raw.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
    };
    const kinds = list("kind");
    const known = knownEventKinds(cluster.descriptor ?? cluster.protocol);
    for (const k of kinds ?? []) {
      if (!KIND.test(k)) throw badRequest("kind", `'${k}' is not an event kind`);
      if (known !== null && !known.has(k)) {
        throw badRequest(
          "kind",
          `no event of kind '${k}' comes from ${cluster.protocol} (kinds: ${
            [...known].join(", ")
          })`,
        );
      }
    }
    const nodes = list("node")?.map((n) => knownNode(cluster.nodes, n, "node")) ?? null;
    if (hub.full) {
      throw unavailable(
        "too-many-streams",
        "Too many event streams",
        `${hub.streams} event streams are open, the most this server keeps; close one`,
        5,
      );
    }
    const body = hub.stream({
      kinds: kinds === null || kinds.length === 0 ? null : new Set(kinds),
      nodes: nodes === null || nodes.length === 0 ? null : new Set(nodes),
    });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      },
    });
  });

  app.get("/history", (c) => {
    c.header("content-type", "application/jsonl; charset=utf-8");
    // Kept: the newest events; the headers say from which event number and time on.
    const w = history.window();
    if (w.dropped > 0) {
      c.header("x-history-truncated", "true");
      c.header("x-history-dropped", String(w.dropped));
      c.header("x-history-first", String(w.first));
      if (w.firstTimeNs !== undefined) c.header("x-history-first-time", String(w.firstTimeNs));
    }
    return c.body(history.jsonl());
  });

  app.get("/metrics", async (c) => {
    const nodes = await cluster.statuses();
    const breakers: Record<string, ReturnType<typeof gateway.breakerState>> = {};
    for (const n of nodes) breakers[n.id] = gateway.breakerState(n.id);
    c.header("content-type", PROMETHEUS_CONTENT_TYPE);
    const w = history.window();
    const buffers = [
      { buffer: "history", size: w.next - w.first, limit: history.limit, dropped: w.dropped },
      {
        buffer: "client_sessions",
        size: sessions.size,
        limit: sessions.limit,
        dropped: sessions.forgotten,
      },
      {
        buffer: "event_streams",
        size: hub.streams,
        limit: hub.maxStreams,
        dropped: hub.droppedStreams,
      },
    ];
    const b = cluster.backlog?.();
    if (b !== undefined) {
      buffers.push(
        { buffer: "paused_messages", size: b.messages, limit: b.limit, dropped: b.dropped },
        { buffer: "paused_requests", size: b.requests, limit: b.limit, dropped: b.refused },
      );
    }
    return c.body(metrics.render({ nodes, breakers, counters: cluster.counters(), buffers }));
  });

  return app;
}
