/**
 * Who may call the API.
 *
 * - **Bearer token**: when the server has a token (`--token`, required to listen on
 *   anything but loopback), every request needs `Authorization: Bearer <token>`, or —
 *   only for the event stream (`GET /api/v1/events`), since a browser's `EventSource`
 *   cannot set headers — `?access_token=<token>` (RFC 6750 §2.3). A token in a URL ends
 *   up in logs and histories, so nothing that changes state takes it. Otherwise 401
 *   with `WWW-Authenticate: Bearer`.
 * - **Loopback only** (no token): the `Host` header must name a loopback address, which
 *   defeats DNS rebinding (a web page whose name resolves to 127.0.0.1).
 * - **Same origin**: a request carrying an `Origin` other than the API's own (scheme,
 *   host and port) is refused (403), so a web page elsewhere cannot make a browser
 *   crash your nodes.
 *
 * Written here rather than composed from hono's `bearerAuth` and `csrf`: `bearerAuth`
 * reads only the header (the event stream needs `?access_token`) and answers with its
 * own body, not a problem; `csrf` checks only form content types, where this refuses
 * every cross-origin request; neither does the loopback `Host` check.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { problemResponse } from "../problem.ts";
import { sameSecret } from "../../nodes/same_secret.ts";

/**
 * Options of {@link guard}.
 *
 * @example
 * ```ts
 * import type { GuardOptions } from "./guard.ts";
 * const open: GuardOptions = {};
 * const locked: GuardOptions = { token: "s3cret" };
 * ```
 */
export interface GuardOptions {
  /** Required bearer token; none: loopback-only mode. */
  readonly token?: string;
}

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/i;

/**
 * The middleware.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { guard } from "./guard.ts";
 * const app = new Hono();
 * app.use("*", guard({ token: "s3cret" }));
 * app.get("/", (c) => c.text("hi"));
 * (await app.request("/")).status; // 401
 * ```
 */
export function guard(options: GuardOptions): MiddlewareHandler {
  const token = options.token;
  return async (c, next): Promise<Response | void> => {
    const path = c.req.path;
    // The dashboard's page, scripts and styles hold no data, and a browser cannot attach
    // a bearer token to <script> and <link> loads: they are served without it. Every API
    // call the page then makes carries the token.
    const staticPage = (c.req.method === "GET" || c.req.method === "HEAD") &&
      (path === "/" || path.startsWith("/dashboard/"));
    if (token !== undefined && !staticPage) {
      const auth = c.req.header("authorization") ?? "";
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      const stream = c.req.method === "GET" && path === "/api/v1/events";
      const given = m?.[1] ?? (stream ? c.req.query("access_token") : undefined);
      if (given === undefined || !sameSecret(given, token)) {
        return problemResponse({
          type: "/api/v1/problems/unauthorized",
          title: "Unauthorized",
          status: 401,
          detail: given === undefined
            ? "this server needs Authorization: Bearer <token>"
            : "the bearer token is wrong",
          instance: path,
        }, { "WWW-Authenticate": 'Bearer realm="distlab"' });
      }
    } else {
      const host = c.req.header("host") ?? new URL(c.req.url).host;
      if (!LOOPBACK_HOST.test(host)) {
        return problemResponse({
          type: "/api/v1/problems/forbidden-host",
          title: "Forbidden",
          status: 403,
          detail: `Host '${host}' is not a loopback address; start the server with --token ` +
            "to serve other hosts",
          instance: path,
        });
      }
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== "null") {
      const own = new URL(c.req.url);
      const host = c.req.header("host") ?? own.host;
      let from: string;
      try {
        const o = new URL(origin);
        from = `${o.protocol}//${o.host}`;
      } catch {
        from = "";
      }
      if (from !== `${own.protocol}//${host}`) {
        return problemResponse({
          type: "/api/v1/problems/cross-origin",
          title: "Forbidden",
          status: 403,
          detail: `cross-origin requests from ${origin} are refused`,
          instance: path,
        });
      }
    } else if (origin === "null" && c.req.method !== "GET" && c.req.method !== "HEAD") {
      return problemResponse({
        type: "/api/v1/problems/cross-origin",
        title: "Forbidden",
        status: 403,
        detail: "requests from an opaque origin are refused",
        instance: path,
      });
    }
    return await next();
  };
}
