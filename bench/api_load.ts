/**
 * A load generator for the distlab REST API (and, for comparison, etcd's v3 JSON
 * gateway): `concurrency` clients, each with one request outstanding at a time on its own
 * keep-alive connection (`http_connection.ts`: a few µs of CPU per request, where `fetch`
 * took ~50 µs and was the ceiling on 2 cores), issue PUTs or GETs until `requests` have
 * been sent or `maxMs` has passed. Loopback only.
 *
 * Every distlab client sends its `X-Client-Id` and a sequence number, and retries a 503
 * (no leader, breaker open) with exponential backoff and full jitter, keeping the
 * sequence number — so a retried write is applied once.
 *
 * ```
 * deno run -A bench/api_load.ts --url http://127.0.0.1:8080 --op put --concurrency 64 --requests 5000
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Retry } from "../resilience/retry.ts";
import { ClassifiedError } from "../resilience/failure_kind.ts";
import { createRealClock } from "../nodes/real_clock.ts";
import { type HttpAnswer, HttpConnection } from "./http_connection.ts";

/**
 * What to send.
 *
 * @example
 * ```ts
 * import type { LoadOptions } from "./api_load.ts";
 * const o: LoadOptions = { url: "http://127.0.0.1:8080", op: "get", concurrency: 64, requests: 5000, maxMs: 4000 };
 * ```
 */
export interface LoadOptions {
  /** The server, e.g. `http://127.0.0.1:8080` (loopback only). */
  readonly url: string;
  readonly op: "put" | "get";
  readonly concurrency: number;
  /** Requests in all (the run stops at this count or at `maxMs`, whichever is first). */
  readonly requests: number;
  readonly maxMs: number;
  /** Keys are `k0…k<keys-1>`; GETs read them at random (default 1000). */
  readonly keys?: number;
  /** `distlab` (default) or `etcd` (its v3 JSON gateway). */
  readonly target?: "distlab" | "etcd";
  readonly token?: string;
}

/**
 * What a run measured.
 *
 * @example
 * ```ts
 * import type { LoadResult } from "./api_load.ts";
 * const r: LoadResult = { ok: 10, failed: 0, statuses: { "200": 10 }, seconds: 1, throughput: 10, p50: 1, p99: 2 };
 * ```
 */
export interface LoadResult {
  readonly ok: number;
  /** 503 answers seen, retries included (a retried 503 that then succeeded counts too). */
  readonly unavailable?: number;
  readonly failed: number;
  /** Responses by HTTP status (and `error` for a failed connection). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** Successful requests per second. */
  readonly throughput: number;
  /** Latency of successful requests, ms. */
  readonly p50: number;
  readonly p99: number;
}

const b64 = (s: string) => btoa(s);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/**
 * Runs one load and measures it.
 *
 * @example
 * ```ts ignore
 * import { runLoad } from "./api_load.ts";
 * const r = await runLoad({ url: "http://127.0.0.1:8080", op: "put", concurrency: 8, requests: 1000, maxMs: 5000 });
 * console.log(r.throughput, r.p99);
 * ```
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const host = new URL(o.url).hostname;
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) {
    throw new Error(`load generation is for loopback servers only, not ${host}`);
  }
  const keys = o.keys ?? 1000;
  const target = o.target ?? "distlab";
  const clock = createRealClock({ unref: true });
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let issued = 0;
  let failed = 0;
  let unavailable = 0;
  const started = performance.now();
  const deadline = started + o.maxMs;
  const url = new URL(o.url);
  if (url.protocol !== "http:") {
    throw new Error(`load generation speaks plain HTTP, not ${url.protocol}`);
  }
  const port = Number(url.port || 80);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");

  async function client(c: number): Promise<void> {
    const id = `load-${c}-${crypto.randomUUID().slice(0, 8)}`;
    let seq = 0;
    const connection = new HttpConnection(hostname, port);
    const retry = new Retry({
      clock,
      random: Math.random,
      maxAttempts: 4,
      backoff: { type: "exponential", baseMs: 20, capMs: 500, jitter: "full" },
      maxRetryAfterMs: 1000,
    });
    while (issued < o.requests && performance.now() < deadline) {
      issued++;
      const key = o.op === "put"
        ? `k${(c * 7919 + seq) % keys}`
        : `k${Math.floor(Math.random() * keys)}`;
      seq++;
      const t0 = performance.now();
      let status: string;
      try {
        status = await retry.execute(async () => {
          const res = await send(connection, key, id, seq, c);
          if (res.status === 503) {
            unavailable++;
            throw new ClassifiedError("transient", "503", { retryAfterMs: 0 });
          }
          return String(res.status);
        }, { idempotencyKey: `${id}:${seq}` });
      } catch (e) {
        status = e instanceof ClassifiedError ? "503" : "error";
        if (status === "error") connection.close();
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === "200" || (o.op === "get" && status === "404")) {
        latencies.push(performance.now() - t0);
      } else failed++;
    }
    connection.close();
  }

  function send(
    connection: HttpConnection,
    key: string,
    id: string,
    seq: number,
    c: number,
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    if (target === "etcd") {
      const body = o.op === "put"
        ? { key: b64(key), value: b64(JSON.stringify({ c, seq })) }
        : { key: b64(key) };
      return connection.request(
        "POST",
        `/v3/kv/${o.op === "put" ? "put" : "range"}`,
        headers,
        JSON.stringify(body),
      );
    }
    headers["x-client-id"] = id;
    headers["x-request-seq"] = String(seq);
    return o.op === "put"
      ? connection.request("PUT", `/api/v1/kv/${key}`, headers, JSON.stringify({ c, seq }))
      : connection.request("GET", `/api/v1/kv/${key}`, headers);
  }

  try {
    await Promise.all(Array.from({ length: o.concurrency }, (_, c) => client(c)));
  } finally {
    clock.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ok: latencies.length,
    unavailable,
    failed,
    statuses,
    seconds,
    throughput: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/**
 * One line for a result: `put c=64  4321 ops/s  p50 1.20 ms  p99 5.10 ms`.
 *
 * @example
 * ```ts
 * import { formatResult } from "./api_load.ts";
 * formatResult({ ok: 10, failed: 0, statuses: {}, seconds: 1, throughput: 10, p50: 1, p99: 2 });
 * // "    10 ops/s  p50   1.00 ms  p99   2.00 ms"
 * ```
 */
export function formatResult(r: LoadResult): string {
  const bad = r.failed > 0 ? `  (${r.failed} failed: ${JSON.stringify(r.statuses)})` : "";
  return `${r.throughput.toFixed(0).padStart(6)} ops/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  ` +
    `p99 ${r.p99.toFixed(2).padStart(6)} ms${bad}`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args.filter((a) => a !== "--"),
    options: {
      url: { type: "string", default: "http://127.0.0.1:8080" },
      op: { type: "string", default: "put" },
      concurrency: { type: "string", default: "16" },
      requests: { type: "string", default: "2000" },
      "max-ms": { type: "string", default: "10000" },
      target: { type: "string", default: "distlab" },
      token: { type: "string" },
    },
  });
  const op = values.op === "get" ? "get" : "put";
  const r = await runLoad({
    url: values.url,
    op,
    concurrency: Math.min(1024, Math.max(1, Number(values.concurrency) || 1)),
    requests: Math.min(1_000_000, Math.max(1, Number(values.requests) || 1)),
    maxMs: Math.min(600_000, Math.max(100, Number(values["max-ms"]) || 10_000)),
    target: values.target === "etcd" ? "etcd" : "distlab",
    ...(values.token !== undefined ? { token: values.token } : {}),
  });
  console.log(`${op} c=${values.concurrency}  ${formatResult(r)}`);
}
