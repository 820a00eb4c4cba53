/**
 * Request bodies are limited (default 1 MiB, `--max-body`): a larger one is refused with
 * 413 as soon as the limit is passed, without reading the rest. Hono's `bodyLimit` does
 * the counting; this module gives its refusal the API's problem shape.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { problemResponse } from "../problem.ts";

/**
 * The default limit: 1 MiB.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_BODY } from "./body_limit.ts";
 * DEFAULT_MAX_BODY; // 1048576
 * ```
 */
export const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * The middleware for bodies up to `maxBytes`; `hint` is added to the 413's detail.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { limitBody } from "./body_limit.ts";
 * const app = new Hono();
 * app.use("*", limitBody(4));
 * app.put("/", async (c) => c.text(await c.req.text()));
 * (await app.request("/", { method: "PUT", body: "12345" })).status; // 413
 * ```
 */
export function limitBody(maxBytes: number, hint?: string): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c: Context) =>
      problemResponse({
        type: "/api/v1/problems/body-too-large",
        title: "Payload Too Large",
        status: 413,
        detail: `the body is larger than ${maxBytes} bytes${hint === undefined ? "" : `; ${hint}`}`,
        instance: c.req.path,
        limit: maxBytes,
      }),
  });
}
