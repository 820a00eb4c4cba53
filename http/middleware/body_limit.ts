/**
 * Request bodies are limited (default 1 MiB, `--max-body`): a larger one is refused with
 * 413 as soon as the limit is passed, without reading the rest. The body is read here,
 * once, and kept for the handler ({@link bodyText}) — rather than copied into a new
 * `Request`, which would also copy (and so touch) its abort signal.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
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

const bodies = new WeakMap<Request, string>();
const decoder = new TextDecoder();

/**
 * The body {@link limitBody} read for this request, or `undefined` if it did not run.
 *
 * @example
 * ```ts ignore
 * import { bodyText } from "./body_limit.ts";
 * const text = bodyText(c) ?? await c.req.text();
 * ```
 */
export function bodyText(c: Context): string | undefined {
  return bodies.get(c.req.raw);
}

/**
 * The middleware for bodies up to `maxBytes`; `hint` is added to the 413's detail.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { bodyText, limitBody } from "./body_limit.ts";
 * const app = new Hono();
 * app.use("*", limitBody(4));
 * app.put("/", (c) => c.text(bodyText(c) ?? ""));
 * (await app.request("/", { method: "PUT", body: "12345" })).status; // 413
 * ```
 */
export function limitBody(maxBytes: number, hint?: string): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    problemResponse({
      type: "/api/v1/problems/body-too-large",
      title: "Payload Too Large",
      status: 413,
      detail: `the body is larger than ${maxBytes} bytes${hint === undefined ? "" : `; ${hint}`}`,
      instance: c.req.path,
      limit: maxBytes,
    });
  return async (c, next): Promise<Response | void> => {
    const declared = c.req.header("content-length");
    if (declared !== undefined && Number(declared) > maxBytes) return tooLarge(c);
    const stream = c.req.raw.body;
    if (stream === null) return await next();
    if (
      declared !== undefined && /^\d+$/.test(declared) &&
      c.req.header("transfer-encoding") === undefined
    ) {
      // The server holds a body to its declared length, which is within the limit: read it
      // in one go (one native read rather than a promise per chunk). The size is checked
      // again for a `Request` built in-process, where nothing enforces the header.
      const bytes = await c.req.raw.arrayBuffer();
      if (bytes.byteLength > maxBytes) return tooLarge(c);
      bodies.set(c.req.raw, decoder.decode(bytes));
      return await next();
    }
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge(c);
      }
      chunks.push(value);
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      all.set(chunk, at);
      at += chunk.byteLength;
    }
    bodies.set(c.req.raw, decoder.decode(all));
    return await next();
  };
}
