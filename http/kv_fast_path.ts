/**
 * The fast path of the two requests a KV client sends most: `PUT /api/v1/kv/{key}` and
 * `GET /api/v1/kv/{key}`, in their plain form (no query string, a loopback `Host`, no
 * bearer token configured, no `Origin`, a JSON body of known length). It does what the
 * Hono app does for them — the access guard's checks, the load shedder's count, the body
 * limit, the session headers, history recording through {@link KvService}, the request
 * metrics, `Server-Timing` and RFC 9457 problems — without the app's per-request work:
 * no middleware chain, no context object, no routing, no zod parse of an empty query or
 * of a body that is any JSON but null.
 *
 * Anything else (another route, a query, an `Origin`, a token, a body that is empty, not
 * JSON or `null`, a percent-encoded key, a quorum protocol) goes to the app unchanged;
 * tests/http/kv_fast_path_test.ts checks that both paths answer alike.
 *
 * @module
 */

import type { KvOp } from "../protocols/kv.ts";
import type { ApiMetrics } from "./api_metrics.ts";
import { type ClientSessions, fingerprint, IdempotencyMismatchError } from "./client_sessions.ts";
import type { KvService } from "./kv_service.ts";
import type { LoadShedder } from "./middleware/shed.ts";
import { idempotencyMismatch, notFound, ProblemError, problemResponse } from "./problem.ts";
import type { ProtocolAdmin } from "./protocol_admin.ts";
import { sessionHeaders } from "./validate.ts";

/**
 * What the fast path is wired to: the same services as the app's KV routes.
 *
 * @example
 * ```ts ignore
 * import type { KvFastPathOptions } from "./kv_fast_path.ts";
 * const o: KvFastPathOptions = { kv, sessions, metrics, shedder, admin, maxBody: 1 << 20 };
 * ```
 */
export interface KvFastPathOptions {
  readonly kv: KvService;
  readonly sessions: ClientSessions;
  readonly metrics: ApiMetrics;
  readonly shedder: LoadShedder;
  readonly admin: ProtocolAdmin;
  /** The body limit of the app (bytes). */
  readonly maxBody: number;
  /** The API's bearer token: with one, every request goes to the app. */
  readonly token?: string;
}

const PREFIX = "/api/v1/kv/";
const ROUTE = "/api/v1/kv/:key";
const MAX_KEY = 1024;
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/i;
const JSON_HEADERS: HeadersInit = { "content-type": "application/json" };

/**
 * Returns the fast path: a function that answers a plain KV `PUT` or `GET`, or returns
 * null for the app to answer.
 *
 * @example
 * ```ts ignore
 * import { kvFastPath } from "./kv_fast_path.ts";
 * const fast = kvFastPath({ kv, sessions, metrics, shedder, admin, maxBody: 1 << 20 });
 * const fetch = (req: Request) => fast(req) ?? app.fetch(req);
 * ```
 */
export function kvFastPath(
  o: KvFastPathOptions,
  app: (req: Request) => Response | Promise<Response>,
): (req: Request) => Promise<Response> | null {
  const { kv, sessions, metrics, shedder, admin, maxBody } = o;
  if (o.token !== undefined || admin.quorum) return () => null;

  async function serve(
    req: Request,
    method: "PUT" | "GET",
    path: string,
    key: string,
  ): Promise<Response> {
    const started = performance.now();
    let res: Response;
    shedder.enter();
    try {
      res = await answer(req, method, key);
    } catch (e) {
      if (e instanceof FallBack) {
        shedder.leave();
        // The body is read: the app gets the same request with the same body.
        return await app(new Request(req.url, { method, headers: req.headers, body: e.text }));
      }
      res = e instanceof ProblemError ? e.toResponse(path) : internalError(e, path);
    }
    shedder.leave();
    // The app's timing middleware, then its metrics middleware, in that order.
    res.headers.append(
      "Server-Timing",
      `total;dur=${(performance.now() - started).toFixed(1)};desc="inside the server"`,
    );
    metrics.observeHttp(method, ROUTE, res.status);
    return res;
  }

  async function answer(req: Request, method: "PUT" | "GET", key: string): Promise<Response> {
    const headers = req.headers;
    // As the routes read them (kv.ts `common`): checked before the body is read.
    const { clientId, seq, idempotencyKey } = sessionHeaders(headers);
    let op: KvOp;
    if (method === "PUT") {
      const text = await req.text();
      let value: unknown;
      try {
        value = text.length === 0 ? null : JSON.parse(text);
      } catch {
        value = null;
      }
      // Empty, not JSON or null: the app's validation words the problem.
      if (value === null) throw new FallBack(text);
      op = { f: "write", key, value };
    } else op = { f: "read", key };
    let identity;
    try {
      // The app fingerprints `{ op, node }` (node undefined: left out of the JSON).
      identity = sessions.identify({ clientId, seq, idempotencyKey }, fingerprint({ op }));
    } catch (e) {
      if (e instanceof IdempotencyMismatchError) throw idempotencyMismatch(e.header, e.message);
      throw e;
    }
    const r = await kv.execute({ op, identity });
    if (method === "GET" && r.value === null) {
      throw notFound(`key '${key}' has no value`, {
        type: "/api/v1/problems/unknown-key",
        title: "Unknown key",
        key,
        node: r.node,
      });
    }
    return new Response(JSON.stringify({ key, value: r.value, node: r.node }), {
      headers: JSON_HEADERS,
    });
  }

  return (req) => {
    const method = req.method;
    if (method !== "PUT" && method !== "GET") return null;
    const url = req.url;
    // `http://host` then the path: the third slash starts it.
    const slash = url.indexOf("/", url.indexOf("//") + 2);
    if (slash < 0 || !url.startsWith(PREFIX, slash)) return null;
    const key = url.slice(slash + PREFIX.length);
    if (
      key === "" || key.length > MAX_KEY || key.includes("/") || key.includes("?") ||
      key.includes("%") || key.includes("#")
    ) return null;
    const headers = req.headers;
    // As the guard reads it: the header, else the URL's.
    const host = headers.get("host") ?? url.slice(url.indexOf("//") + 2, slash);
    if (!LOOPBACK_HOST.test(host) || headers.has("origin")) return null;
    if (headers.has("x-distlab-context")) return null;
    if (method === "PUT") {
      const length = headers.get("content-length");
      if (length === null || !/^\d{1,9}$/.test(length) || Number(length) > maxBody) return null;
      if (headers.has("transfer-encoding")) return null;
    }
    if (shedder.inFlight >= shedder.limit) return null; // the app sheds it
    return serve(req, method, url.slice(slash), key);
  };
}

/** The request is one the fast path leaves to the app (its body already read: `text`). */
class FallBack extends Error {
  readonly text: string;
  constructor(text: string) {
    super("fall back");
    this.text = text;
  }
}

function internalError(err: unknown, instance: string): Response {
  return problemResponse({
    type: "about:blank",
    title: "Internal Server Error",
    status: 500,
    detail: (err instanceof Error ? err.message : String(err)).split("\n")[0],
    instance,
  });
}
