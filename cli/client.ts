/**
 * The CLI's HTTP client for the distlab API: bearer token, JSON bodies, problem details
 * turned into {@link ServerError}s, and retries of 503 answers with exponential backoff
 * and full jitter (`resilience/retry.ts`), honouring `Retry-After`. A KV request
 * keeps its `X-Client-Id` and `X-Request-Seq` across retries, so a retried write that did
 * reach the cluster is applied once.
 *
 * @module
 */

import { ClassifiedError } from "../resilience/failure_kind.ts";
import { Retry, type RetryEvent } from "../resilience/retry.ts";
import type { CliIo } from "./io.ts";
import type { z } from "@hono/zod-openapi";

/**
 * An error answer from the server: its status and problem details.
 *
 * @example
 * ```ts
 * import { ServerError } from "./client.ts";
 * const e = new ServerError(409, { title: "CAS mismatch", detail: "current value is 3" });
 * e.message; // "CAS mismatch: current value is 3"
 * ```
 */
export class ServerError extends Error {
  override readonly name = "ServerError";
  /** A refusal the same request would meet again (503s are retried before this is thrown). */
  readonly failureKind = "definite";
  readonly status: number;
  readonly problem: Readonly<Record<string, unknown>>;

  /** The error for `status` with `problem` (its `title` and `detail` make the message). */
  constructor(status: number, problem: Readonly<Record<string, unknown>>) {
    const title = typeof problem.title === "string" ? problem.title : `HTTP ${status}`;
    const detail = typeof problem.detail === "string" ? `: ${problem.detail}` : "";
    super(title + detail);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * The server could not be reached at all.
 *
 * @example
 * ```ts
 * import { ConnectionError } from "./client.ts";
 * new ConnectionError("http://127.0.0.1:8080", "Connection refused").message.includes("8080"); // true
 * ```
 */
export class ConnectionError extends Error {
  override readonly name = "ConnectionError";
  /** Not retried: the CLI reports it at once rather than waiting on a server that is gone. */
  readonly failureKind = "definite";
  /** The error for `url`, with the underlying reason. */
  constructor(url: string, why: string) {
    super(`cannot reach ${url}: ${why} (is 'deno task cluster' running?)`);
  }
}

/**
 * One request.
 *
 * @example
 * ```ts
 * import type { ApiRequest } from "./client.ts";
 * const r: ApiRequest = { method: "PUT", path: "/kv/x", body: 1, session: true };
 * ```
 */
export interface ApiRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Below `/api/v1`, e.g. `/kv/x`; query included. */
  readonly path: string;
  /** Sent as JSON when present. */
  readonly body?: unknown;
  /** Send the client id and sequence number (KV requests). */
  readonly session?: boolean;
}

/**
 * Options of {@link ApiClient}.
 *
 * @example
 * ```ts
 * import type { ClientOptions } from "./client.ts";
 * const o: Partial<ClientOptions> = { url: "http://127.0.0.1:8080", maxAttempts: 1 };
 * ```
 */
export interface ClientOptions {
  /** The server, e.g. `http://127.0.0.1:8080` (a trailing `/api/v1` is accepted). */
  readonly url: string;
  readonly token?: string;
  readonly io: CliIo;
  /** Attempts in all for a 503 (default 5). */
  readonly maxAttempts?: number;
  /** Told before each retry (the CLI says so on stderr). */
  readonly onRetry?: (e: RetryEvent) => void;
}

/**
 * A client of one server.
 *
 * @example
 * ```ts ignore
 * import { ApiClient } from "./client.ts";
 * const client = new ApiClient({ url: "http://127.0.0.1:8080", io });
 * const cluster = await client.json({ method: "GET", path: "/cluster" });
 * ```
 */
export class ApiClient {
  readonly base: string;
  readonly #o: ClientOptions;
  readonly #clientId: string;
  #seq = 0;
  readonly #retry: Retry;

  /** A client for `options.url`. */
  constructor(options: ClientOptions) {
    this.#o = options;
    this.base = options.url.replace(/\/+$/, "").replace(/\/api\/v1$/, "");
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    this.#clientId = "cli-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    this.#retry = new Retry({
      clock: options.io.clock,
      random: options.io.random,
      maxAttempts: options.maxAttempts ?? 5,
      backoff: { type: "exponential", baseMs: 100, capMs: 2000, jitter: "full" },
      maxRetryAfterMs: 5000,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
  }

  /** This client's id (sent as `X-Client-Id` with KV requests). */
  get clientId(): string {
    return this.#clientId;
  }

  /** Sends `req`, retrying 503s; resolves with the successful response (body unread). */
  async send(req: ApiRequest, signal?: AbortSignal): Promise<Response> {
    const headers = new Headers({ accept: "application/json, application/problem+json" });
    if (this.#o.token !== undefined) headers.set("authorization", `Bearer ${this.#o.token}`);
    if (req.body !== undefined) headers.set("content-type", "application/json");
    if (req.session) {
      // One sequence number per operation, the same on every retry of it.
      headers.set("x-client-id", this.#clientId);
      headers.set("x-request-seq", String(++this.#seq));
    }
    const url = `${this.base}/api/v1${req.path}`;
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    return await this.#retry.execute(async () => {
      let res: Response;
      try {
        res = await this.#o.io.fetch(url, {
          method: req.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (e) {
        if (signal?.aborted) throw e;
        const why = e instanceof Error ? e.message.split("\n")[0]! : String(e);
        throw new ConnectionError(this.base, why.replace(/^error sending request[^:]*: /i, ""));
      }
      if (res.ok) return res;
      const problem = await problemOf(res);
      const error = new ServerError(res.status, problem);
      if (res.status === 503) {
        const after = Number(res.headers.get("retry-after"));
        throw new ClassifiedError("transient", error.message, {
          cause: error,
          ...(after >= 0 ? { retryAfterMs: after * 1000 } : {}),
        });
      }
      throw error;
    }, req.session ? { idempotencyKey: `${this.#clientId}:${this.#seq}` } : {}).catch((e) => {
      throw e instanceof ClassifiedError && e.cause instanceof ServerError ? e.cause : e;
    });
  }

  /** Sends `req` and parses the JSON answer. */
  async json(req: ApiRequest): Promise<Record<string, unknown>> {
    const res = await this.send(req);
    return await res.json() as Record<string, unknown>;
  }

  /**
   * `req`'s JSON answer checked against the schema the API documents for it (the same
   * zod schema its OpenAPI document is generated from): a server of another version
   * that answers another shape is a clear error, not a crash deep in a table.
   */
  async parsed<S extends z.ZodType>(req: ApiRequest, schema: S): Promise<z.output<S>> {
    const body = await this.json(req);
    const r = schema.safeParse(body);
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    throw new Error(
      `the server's answer to ${req.method} ${req.path} is not the shape this CLI knows ` +
        `(${issue.path.join(".") || "body"}: ${issue.message}); is it another distlab version?`,
    );
  }
}

async function problemOf(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    const v = JSON.parse(text);
    if (v !== null && typeof v === "object") return v as Record<string, unknown>;
  } catch {
    // Not JSON: use the text as the detail.
  }
  return { title: res.statusText || `HTTP ${res.status}`, detail: text.slice(0, 200) };
}
