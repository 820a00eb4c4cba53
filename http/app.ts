/**
 * The HTTP API of a running cluster: a Hono app with the REST API under `/api/v1`
 * (one small router per resource in `routes/`), composed middleware (access guard,
 * body limit, request metrics) and RFC 9457 problems for every error.
 *
 * | routes | module |
 * |---|---|
 * | `GET /cluster`, `GET /nodes/{id}`, `GET /leader` | `routes/cluster.ts` |
 * | `POST /nodes/{id}/crash\|restart\|pause\|resume\|timeout` | `routes/nodes.ts` |
 * | `POST /members`, `DELETE /members/{id}`, `POST /transfer` | `routes/members.ts` |
 * | `GET /faults`, `POST /faults/partition\|isolate\|cut\|link\|clock\|heal`, `DELETE /faults/{id}` | `routes/faults.ts` |
 * | `GET\|PUT\|DELETE /kv/{key}`, `POST /kv/{key}/cas` | `routes/kv.ts` |
 * | `POST /ops`, `POST /nodes/{id}/ops` (protocol operations) | `routes/ops.ts` |
 * | `GET /ring` (quorum-kv's consistent-hash ring) | `routes/ring.ts` |
 * | `GET /events` (SSE), `GET /history` (JSON Lines), `GET /metrics` (Prometheus) | `routes/observe.ts` |
 * | `GET /openapi.json`, `GET /docs` | `openapi.ts`, `docs_page.ts` |
 *
 * `/` is left to the dashboard (`options.dashboard`, mounted with `app.route("/", …)`);
 * without one it is a small page of links.
 *
 * @module
 */

import { Hono } from "hono";
import { timing } from "hono/timing";
import type { Clock } from "../resilience/clock.ts";
import { createRealClock, type RealClock } from "../nodes/real_clock.ts";
import type { ApiContext } from "./api_context.ts";
import { ApiMetrics } from "./api_metrics.ts";
import { ClientSessions, randomClientBase } from "./client_sessions.ts";
import type { ClusterControl } from "./cluster_control.ts";
import { docsPage } from "./docs_page.ts";
import { EventHub, type EventHubOptions } from "./event_hub.ts";
import { HistoryLog } from "./history_log.ts";
import { KvService } from "./kv_service.ts";
import { kvFastPath } from "./kv_fast_path.ts";
import { DEFAULT_MAX_BODY, limitBody } from "./middleware/body_limit.ts";
import { guard } from "./middleware/guard.ts";
import { type LoadShedder, shedLoad } from "./middleware/shed.ts";
import { OpService } from "./op_service.ts";
import { type GatewayOptions, NodeGateway } from "./node_gateway.ts";
import { openApiDocument } from "./openapi.ts";
import { notFound, ProblemError, problemResponse } from "./problem.ts";
import { protocolAdmin, protocolDisplay, protocolOperations } from "./protocol_admin.ts";
import { clusterRoutes } from "./routes/cluster.ts";
import { faultRoutes } from "./routes/faults.ts";
import { kvRoutes } from "./routes/kv.ts";
import { memberRoutes } from "./routes/members.ts";
import { nodeRoutes } from "./routes/nodes.ts";
import { observeRoutes } from "./routes/observe.ts";
import { opRoutes } from "./routes/ops.ts";
import { ringRoutes } from "./routes/ring.ts";

/**
 * How the API is set up.
 *
 * @example
 * ```ts
 * import type { ApiOptions } from "./app.ts";
 * const o: ApiOptions = { token: "s3cret", maxBody: 64 * 1024, gateway: { timeoutMs: 1000 } };
 * ```
 */
export interface ApiOptions {
  /** Require `Authorization: Bearer <token>` on every request. */
  readonly token?: string;
  /** Largest request body in bytes (default 1 MiB). */
  readonly maxBody?: number;
  /** Per-node timeout, breaker and bulkhead limits. */
  readonly gateway?: GatewayOptions;
  /** The clock of the resilience policies (default: real time, timers unref'd). */
  readonly clock?: Clock;
  /** Events kept in the history, newest (default 100 000; older ones are dropped). */
  readonly historyLimit?: number;
  /** Named clients and idempotency keys remembered (default 10 000). */
  readonly maxClients?: number;
  /** API requests served at once; more are shed with 503 + Retry-After (default 256). */
  readonly maxInFlight?: number;
  /** Mounted at `/` (the dashboard). */
  readonly dashboard?: Hono;
  /** Limits of the event streams: how many at once, bytes a slow reader may hold back. */
  readonly events?: EventHubOptions;
}

/**
 * A running API: the app, its services, and `close()` to end its event streams and
 * timers before the server shuts down.
 *
 * @example
 * ```ts ignore
 * import { createApi } from "./app.ts";
 * const api = createApi(cluster);
 * const server = Deno.serve({ port: 0 }, api.fetch);
 * // …
 * api.close();
 * await server.shutdown();
 * ```
 */
export interface Api {
  readonly app: Hono;
  /** `app.fetch`, bound, with the KV fast path (`kv_fast_path.ts`) in front. */
  readonly fetch: (req: Request) => Response | Promise<Response>;
  readonly context: ApiContext;
  /** The front door's load shedder: requests in flight and shed. */
  readonly shedder: LoadShedder;
  /** Ends every event stream, stops listening to the cluster and clears timers. */
  close(): void;
}

/**
 * Creates the API for `cluster`.
 *
 * @example
 * ```ts
 * import { createApi } from "./app.ts";
 * import { startCluster } from "../nodes/worker_cluster.ts";
 * const cluster = await startCluster({ protocol: "register", nodes: 3, seed: 1 });
 * const api = createApi(cluster);
 * const res = await api.app.request("/api/v1/kv/x", { method: "PUT", body: "42" });
 * (await res.json()).value; // 42
 * api.close();
 * await cluster.close();
 * ```
 */
export function createApi(cluster: ClusterControl, options: ApiOptions = {}): Api {
  let realClock: RealClock | undefined;
  const clock = options.clock ?? (realClock = createRealClock({ unref: true }));
  const gateway = new NodeGateway(cluster, clock, options.gateway);
  // One clock for the history and the trace: nanoseconds of the cluster's own clock, so a
  // front end lines operations up with events without guessing an offset.
  const history = new HistoryLog(() => Math.round(cluster.now() * 1e6), options.historyLimit);
  const metrics = new ApiMetrics();
  const hub = new EventHub(cluster, options.events);
  const protocol = cluster.descriptor ?? cluster.protocol;
  const admin = protocolAdmin(protocol);
  const operations = protocolOperations(protocol);
  const kv = new KvService({
    cluster,
    gateway,
    history,
    admin,
    now: () => performance.now(),
    onOutcome: (o) => metrics.observeKv(o),
  });
  const ops = new OpService({
    cluster,
    gateway,
    history,
    admin,
    operations,
    knownLeader: () => kv.knownLeader,
    onLeadershipChange: () => kv.forgetLeader(),
  });
  const ctx: ApiContext = {
    cluster,
    gateway,
    kv,
    ops,
    hub,
    history,
    metrics,
    sessions: new ClientSessions(randomClientBase(), options.maxClients),
    admin,
    operations,
    display: cluster.display ?? protocolDisplay(protocol),
  };
  hub.observe((e) => metrics.observeEvent(e));
  gateway.onBreakerChange((change) => {
    metrics.observeBreaker(change);
    hub.publish({
      time: cluster.now(),
      kind: "breaker",
      node: change.node,
      data: { from: change.from, to: change.to, reason: change.reason },
    });
  });

  const app = new Hono();
  // Server-Timing on every API answer: how long it spent inside the server, so a load
  // test can tell the server's own time from waiting to be read (a saturated loop).
  app.use("/api/v1/*", timing({ totalDescription: "inside the server" }));
  app.use("*", guard(options.token !== undefined ? { token: options.token } : {}));
  app.use("/api/v1/*", async (c, next) => {
    await next();
    metrics.observeHttp(c.req.method, c.req.routePath, c.res.status);
  });
  const shedder = shedLoad(options.maxInFlight);
  app.use("/api/v1/*", shedder.middleware);
  app.use("/api/v1/*", limitBody(options.maxBody ?? DEFAULT_MAX_BODY));

  const v1 = new Hono();
  v1.route("/", clusterRoutes(ctx));
  // Before nodeRoutes: its /nodes/{id}/{action} would take /nodes/{id}/ops.
  v1.route("/", opRoutes(ctx));
  v1.route("/", nodeRoutes(ctx));
  v1.route("/", memberRoutes(ctx));
  v1.route("/", faultRoutes(ctx));
  v1.route("/", kvRoutes(ctx));
  v1.route("/", ringRoutes(ctx));
  v1.route("/", observeRoutes(ctx));
  const doc = openApiDocument(operations);
  const docsHtml = docsPage(doc);
  v1.get("/openapi.json", (c) => c.json(doc));
  v1.get("/docs", (c) => c.html(docsHtml));
  app.route("/api/v1", v1);

  if (options.dashboard !== undefined) app.route("/", options.dashboard);
  else app.get("/", (c) => c.html(PLACEHOLDER));

  app.notFound((c) =>
    notFound(`no such resource: ${c.req.method} ${c.req.path}`).toResponse(c.req.path)
  );
  app.onError((err, c) => {
    if (err instanceof ProblemError) return err.toResponse(c.req.path);
    return problemResponse({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: (err instanceof Error ? err.message : String(err)).split("\n")[0],
      instance: c.req.path,
    });
  });

  const appFetch = (req: Request) => app.fetch(req);
  // Plain KV PUTs and GETs skip the app's per-request machinery (same answers).
  const fast = kvFastPath({
    kv,
    sessions: ctx.sessions,
    metrics,
    shedder,
    admin,
    maxBody: options.maxBody ?? DEFAULT_MAX_BODY,
    ...(options.token !== undefined ? { token: options.token } : {}),
  }, appFetch);
  return {
    app,
    fetch: (req) => fast(req) ?? appFetch(req),
    context: ctx,
    shedder,
    close() {
      hub.close();
      realClock?.dispose();
    },
  };
}

/**
 * The Hono app of {@link createApi}, for callers that need no `close()` (tests with
 * `app.request()`; event streams and breaker timers then end with the process).
 *
 * @example
 * ```ts ignore
 * import { createApp } from "./app.ts";
 * const res = await createApp(cluster).request("/api/v1/cluster");
 * ```
 */
export function createApp(cluster: ClusterControl, options: ApiOptions = {}): Hono {
  return createApi(cluster, options).app;
}

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>distlab</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style>
</head><body>
<h1>distlab</h1>
<p>The dashboard is not installed in this build. The API is:</p>
<ul>
<li><a href="/api/v1/docs">/api/v1/docs</a> — every operation</li>
<li><a href="/api/v1/cluster">/api/v1/cluster</a> — the cluster's state</li>
<li><a href="/api/v1/events">/api/v1/events</a> — live events</li>
<li><a href="/api/v1/metrics">/api/v1/metrics</a> — Prometheus metrics</li>
</ul>
</body></html>
`;
