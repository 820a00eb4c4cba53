/**
 * The live dashboard's routes, mounted at `/` beside the API:
 *
 * - `GET /` — the page;
 * - `GET /dashboard/{file}` — its modules, styles and icon (nothing from a CDN: the page
 *   works offline, and its Content-Security-Policy allows only this origin);
 * - `POST /dashboard/check` — the linearizability checker's verdict on a JSON Lines
 *   history (the body), run in a Worker so the cluster's router never waits for it.
 *
 * @example
 * ```ts ignore
 * import { createApi } from "../app.ts";
 * import { dashboardRoutes } from "./routes.ts";
 * const api = createApi(cluster, { dashboard: dashboardRoutes() });
 * ```
 *
 * @module
 */

import { Hono } from "hono";
import { problemResponse } from "../problem.ts";
import { AssetStore } from "./static_assets.ts";
import { CheckerBusyError, createWorkerChecker, type HistoryChecker } from "./worker_checker.ts";
import { limitBody } from "../middleware/body_limit.ts";

/**
 * How the dashboard is set up.
 *
 * @example
 * ```ts
 * import type { DashboardOptions } from "./routes.ts";
 * const o: DashboardOptions = { maxCheckBytes: 1024 * 1024 };
 * ```
 */
export interface DashboardOptions {
  /** Checks histories (default: a Worker running the KV linearizability checker). */
  readonly checker?: HistoryChecker;
  /** The largest history accepted for a check, in bytes (default 8 MiB). */
  readonly maxCheckBytes?: number;
  /** Serves files from here instead of `static/` beside this module. */
  readonly assets?: AssetStore;
}

/** Only this origin: no CDN, no inline script or style, no framing. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join("; ");

/**
 * The dashboard as a Hono app, to mount at `/`.
 *
 * @example
 * ```ts
 * import { dashboardRoutes } from "./routes.ts";
 * const app = dashboardRoutes();
 * const res = await app.request("/");
 * res.headers.get("content-type"); // "text/html; charset=utf-8"
 * await res.body?.cancel();
 * ```
 */
export function dashboardRoutes(options: DashboardOptions = {}): Hono {
  const assets = options.assets ?? new AssetStore();
  const maxCheckBytes = options.maxCheckBytes ?? 8 * 1024 * 1024;
  let checker = options.checker;
  const app = new Hono();

  const serve = async (name: string, path: string): Promise<Response> => {
    const file = await assets.get(name);
    if (file === null) {
      return problemResponse({
        type: "about:blank",
        title: "Not Found",
        status: 404,
        detail: `the dashboard has no file '${name}'`,
        instance: path,
      });
    }
    const headers: Record<string, string> = {
      "content-type": file.type,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    };
    if (name === "index.html") {
      headers["content-security-policy"] = CSP;
      headers["referrer-policy"] = "no-referrer";
    }
    return new Response(file.body, { headers });
  };

  app.get("/", (c) => serve("index.html", c.req.path));
  app.get("/dashboard", (c) => c.redirect("/"));
  app.get("/dashboard/:file", (c) => serve(c.req.param("file"), c.req.path));

  // The body is counted as it streams in (no Content-Length needed), never read whole
  // before the limit is known to hold.
  app.post("/dashboard/check", limitBody(maxCheckBytes, CHECK_TOO_LARGE), async (c) => {
    const text = await c.req.text();
    checker ??= createWorkerChecker();
    try {
      return c.json(await checker.check(text));
    } catch (e) {
      if (!(e instanceof CheckerBusyError)) throw e;
      return problemResponse({
        type: "/api/v1/problems/checker-busy",
        title: "Checker busy",
        status: 503,
        detail: e.message,
        instance: c.req.path,
      }, { "retry-after": "1" });
    }
  });

  return app;
}

const CHECK_TOO_LARGE = "check larger histories with deno task check-history";
