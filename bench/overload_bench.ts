/**
 * Overload: the real `deno task cluster` process (3-node raft-kv, in memory, default
 * limits) first measured at the rate it sustains (closed-loop PUTs from 32 connections
 * for 10 s), then offered {@link FACTOR}× that rate open-loop — requests sent on a
 * schedule, whether or not earlier ones were answered — for {@link DEFAULT_SECONDS} s
 * (`--seconds N`). Each offered request is sent once (no retry), so a shed one counts.
 *
 * Printed: the rate offered and served, the share shed (503 + `Retry-After`), the p50 /
 * p99 / max latency of the requests accepted, and the cluster's RSS every 5 s. Goals:
 * accepted p99 under {@link P99_BOUND_MS} ms (the node timeout: no request waits longer
 * than a queue slot allows), every refusal a 503 with `Retry-After`, RSS under
 * {@link BOUND_MB} MB. Then 5 s of the sustainable load again: it recovers.
 *
 * The load generator shares the machine with the cluster; a request due while it has
 * {@link MAX_OUTSTANDING} outstanding is counted as not sent, and the rate it did send
 * is printed beside the target.
 *
 * Run: `deno task bench overload`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { formatResult, runLoad } from "./api_load.ts";
import { spawn, waitLeader } from "./api_bench.ts";
import { quantile, sampleRss } from "./mem_probe.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const FACTOR = 4;
const DEFAULT_SECONDS = 30;
/**
 * Outstanding requests the generator holds at most: 8× the server's default
 * `--max-in-flight`, so the server must shed, while each outstanding request keeps one
 * connection (thousands more would only overflow the listen backlog, and a SYN retried
 * after 1 + 2 + 4 + 8 + 16 s measures the kernel, not the server).
 */
const MAX_OUTSTANDING = 2048;
/** The node timeout: an accepted request waits no longer for a slot. */
const P99_BOUND_MS = 2000;
const BOUND_MB = 800;

function seconds(): number {
  const { values } = parseArgs({
    args: Deno.args.filter((a) => a !== "--"),
    options: { seconds: { type: "string" } },
    strict: false,
  });
  const raw = values.seconds ?? Deno.env.get("OVERLOAD_SECONDS");
  const n = raw === undefined ? DEFAULT_SECONDS : Number(raw);
  if (!(Number.isInteger(n) && n >= 5 && n <= 600)) {
    throw new Error(`--seconds must be an integer from 5 to 600, got '${raw}'`);
  }
  return n;
}

interface OpenLoopResult {
  readonly offered: number;
  readonly unsent: number;
  readonly statuses: Record<string, number>;
  readonly noRetryAfter: number;
  readonly latencies: number[];
  /** Latencies of accepted requests sent after the first 5 s (the ramp to overload). */
  readonly steadyLatencies: number[];
  /** What the server says accepted requests spent inside it (`Server-Timing`). */
  readonly serverLatencies: number[];
  readonly seconds: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time: `fetch` opens a new
 * connection for every request beyond its idle ones, which under overload is a storm of
 * SYNs, so the generator speaks HTTP itself over connections it opens beforehand.
 */
class Conn {
  readonly #conn: Deno.TcpConn;
  /** One client id per connection: one request at a time each, as the API requires. */
  readonly client: string;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buf = "";

  private constructor(conn: Deno.TcpConn, client: string) {
    this.#conn = conn;
    this.client = client;
    this.#reader = conn.readable.getReader();
  }

  static async open(port: number, client: string): Promise<Conn> {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    c.setNoDelay(true);
    return new Conn(c, client);
  }

  /**
   * Sends a PUT and resolves with the status, whether it had `Retry-After`, and the time
   * the server says it spent on it (`Server-Timing: total;dur=…`; NaN without one).
   */
  async put(path: string, body: string): Promise<[number, boolean, number]> {
    const req = `PUT ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
      `x-client-id: ${this.client}\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const w = this.#conn.writable.getWriter();
    await w.write(enc.encode(req));
    w.releaseLock();
    for (;;) {
      const head = this.#buf.indexOf("\r\n\r\n");
      if (head >= 0) {
        const headers = this.#buf.slice(0, head).toLowerCase();
        const len = Number(/\r\ncontent-length: *(\d+)/.exec(headers)?.[1] ?? NaN);
        if (!Number.isFinite(len)) throw new Error("no content-length in the answer");
        if (this.#buf.length >= head + 4 + len) {
          this.#buf = this.#buf.slice(head + 4 + len);
          const inside = Number(
            /\r\nserver-timing:[^\r]*total;[^\r]*dur=([\d.]+)/.exec(headers)?.[1],
          );
          return [Number(headers.slice(9, 12)), headers.includes("\r\nretry-after:"), inside];
        }
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error("connection closed");
      this.#buf += dec.decode(value, { stream: true });
    }
  }

  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * Sends PUTs at `rate` per second for `seconds`, each once, over {@link MAX_OUTSTANDING}
 * connections opened beforehand; a request due when every connection is busy is not sent.
 * Latency is from the write of the request to its answer.
 */
async function openLoop(port: number, rate: number, seconds: number): Promise<OpenLoopResult> {
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const serverLatencies: number[] = [];
  const steadyLatencies: number[] = [];
  const idle: Conn[] = [];
  // Opened in batches: a burst of thousands of SYNs would overflow the listen backlog.
  for (let i = 0; i < MAX_OUTSTANDING; i += 64) {
    idle.push(
      ...await Promise.all(Array.from({ length: 64 }, (_, j) => Conn.open(port, `ol-${i + j}`))),
    );
  }
  const all = [...idle];
  let sent = 0;
  let unsent = 0;
  let noRetryAfter = 0;
  const pending = new Set<Promise<void>>();
  let started = 0;
  const one = async (conn: Conn, seq: number) => {
    const t0 = performance.now();
    let status = "error";
    try {
      const [code, retryAfter, inside] = await conn.put(
        `/api/v1/kv/k${seq % 1000}`,
        String(seq),
      );
      status = String(code);
      if (code === 503 && !retryAfter) noRetryAfter++;
      if (code === 200) {
        latencies.push(performance.now() - t0);
        if (Number.isFinite(inside)) serverLatencies.push(inside);
        if (t0 - started > 5_000) steadyLatencies.push(performance.now() - t0);
      }
      idle.push(conn);
    } catch {
      conn.close(); // a broken connection is not reused
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  started = performance.now();
  const end = started + seconds * 1000;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (sent + unsent < due) {
      const conn = idle.pop();
      if (conn === undefined) {
        unsent++;
        continue;
      }
      const p: Promise<void> = one(conn, sent++).finally(() => pending.delete(p));
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(pending);
  for (const c of all) c.close();
  latencies.sort((a, b) => a - b);
  steadyLatencies.sort((a, b) => a - b);
  serverLatencies.sort((a, b) => a - b);
  return {
    offered: sent,
    unsent,
    statuses,
    noRetryAfter,
    latencies,
    steadyLatencies,
    serverLatencies,
    seconds: elapsed,
  };
}

/**
 * Runs the benchmark and prints its figures.
 *
 * @example
 * ```ts ignore
 * import { run } from "./overload_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const duration = seconds();
  const server = await spawn(
    Deno.execPath(),
    ["run", "-A", MAIN, "--port", "0", "--nodes", "3"],
    /API: (\S+)\/api\/v1/,
  );
  try {
    const url = server.url;
    await waitLeader(url);
    const base = await runLoad({
      url,
      op: "put",
      concurrency: 32,
      requests: Number.MAX_SAFE_INTEGER,
      maxMs: 10_000,
    });
    const rate = Math.round(base.throughput);
    console.log(`sustainable (closed loop, 32 connections, 10 s): ${formatResult(base)}`);
    console.log(`offering ${FACTOR}× = ${FACTOR * rate} PUT/s open-loop for ${duration} s`);
    const probe = sampleRss(server.pid, 5_000, true);
    const r = await openLoop(Number(new URL(url).port), FACTOR * rate, duration);
    const samples = probe.stop();
    const ok = r.statuses["200"] ?? 0;
    const shed = r.statuses["503"] ?? 0;
    const answered = Object.values(r.statuses).reduce((a, b) => a + b, 0);
    const p99 = quantile(r.latencies, 0.99);
    const maxMb = Math.max(...samples.map((s) => s.mb));
    console.log(
      `offered ${Math.round(r.offered / r.seconds)} PUT/s (${r.offered} sent, ` +
        `${r.unsent} not sent: generator at ${MAX_OUTSTANDING} outstanding); ` +
        `served ${Math.round(ok / r.seconds)} PUT/s`,
    );
    console.log(
      `answers: ${JSON.stringify(r.statuses)}; 503 without Retry-After: ${r.noRetryAfter}`,
    );
    console.log(
      `shed ${(100 * shed / Math.max(1, answered)).toFixed(1)}% (503); accepted latency ` +
        `p50 ${quantile(r.latencies, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
        `max ${(r.latencies.at(-1) ?? NaN).toFixed(1)} ms; sent after the first 5 s: p50 ` +
        `${quantile(r.steadyLatencies, 0.5).toFixed(1)} ms, p99 ` +
        `${quantile(r.steadyLatencies, 0.99).toFixed(1)} ms`,
    );
    console.log(
      `  of which inside the server (its Server-Timing): p50 ` +
        `${quantile(r.serverLatencies, 0.5).toFixed(1)} ms, p99 ` +
        `${quantile(r.serverLatencies, 0.99).toFixed(1)} ms (the rest of the accepted ` +
        `latency is outside its handlers: before the request is read, or on the way back)`,
    );
    console.log(`rss: ${samples[0]!.mb.toFixed(0)} MB before, max ${maxMb.toFixed(0)} MB`);
    const after = await runLoad({
      url,
      op: "put",
      concurrency: 32,
      requests: Number.MAX_SAFE_INTEGER,
      maxMs: 5_000,
    });
    console.log(`afterwards (closed loop, 32 connections, 5 s): ${formatResult(after)}`);
    const met = p99 <= P99_BOUND_MS && r.noRetryAfter === 0 && maxMb <= BOUND_MB &&
      (r.statuses["error"] ?? 0) === 0;
    console.log(
      `anchor: ${rate} PUT/s sustainable; goal (accepted p99 ≤ ${P99_BOUND_MS} ms, every 503 ` +
        `with Retry-After, no connection error, RSS ≤ ${BOUND_MB} MB): ${met ? "met" : "missed"}`,
    );
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await run();
