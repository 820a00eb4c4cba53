/**
 * Load shedding at the front door: at most `maxInFlight` API requests are served at once,
 * and one more is answered at once with 503 + `Retry-After` (nothing happened, so a
 * retry is safe) instead of waiting. The per-node bulkhead (`node_gateway.ts`) bounds
 * calls to each node; this bounds everything before it too — body parsing, validation,
 * leader lookups, requests that never reach a node — so that under overload the work in
 * progress, its memory and the latency of the requests accepted stay bounded.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { unavailable } from "../problem.ts";

/**
 * The default limit of requests served at once: as many as one node's bulkhead runs at
 * once. More in flight would only queue — a 3-node raft-kv serves a few thousand PUT/s,
 * so 256 in flight is already some 100 ms of waiting.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_IN_FLIGHT } from "./shed.ts";
 * DEFAULT_MAX_IN_FLIGHT; // 256
 * ```
 */
export const DEFAULT_MAX_IN_FLIGHT = 256;

/**
 * Requests being served and requests shed, for tests and metrics.
 *
 * @example
 * ```ts
 * import { shedLoad } from "./shed.ts";
 * const shed = shedLoad(8);
 * shed.inFlight; // 0
 * ```
 */
export interface LoadShedder {
  /** The middleware. */
  readonly middleware: MiddlewareHandler;
  /** Requests being served now. */
  readonly inFlight: number;
  /** Requests answered 503 so far because `maxInFlight` were being served. */
  readonly shed: number;
  /** `maxInFlight`: at this many in flight, more are shed. */
  readonly limit: number;
  /** Counts a request served without the middleware (the KV fast path) as in flight. */
  enter(): void;
  /** Counts that request's end. */
  leave(): void;
}

/**
 * A middleware that serves at most `maxInFlight` requests at once and sheds the rest.
 * An event stream counts only until its response starts.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { shedLoad } from "./shed.ts";
 * const app = new Hono();
 * app.use("*", shedLoad(1).middleware);
 * app.get("/", (c) => c.text("ok"));
 * (await app.request("/")).status; // 200
 * ```
 */
export function shedLoad(maxInFlight = DEFAULT_MAX_IN_FLIGHT): LoadShedder {
  let inFlight = 0;
  let shed = 0;
  const middleware: MiddlewareHandler = async (c, next) => {
    if (inFlight >= maxInFlight) {
      shed++;
      return unavailable(
        "overloaded",
        "Overloaded",
        `${maxInFlight} requests are being served, the most this server takes at once`,
        1,
      ).toResponse(c.req.path);
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
    return undefined;
  };
  return {
    middleware,
    get inFlight() {
      return inFlight;
    },
    get shed() {
      return shed;
    },
    limit: maxInFlight,
    enter() {
      inFlight++;
    },
    leave() {
      inFlight--;
    },
  };
}
