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
 * The load generator shares the machine with the cluster; if it cannot send at the
 * target rate the offered rate printed says so.
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
/** Outstanding requests the generator holds at most (its own bound, not the server's). */
const MAX_OUTSTANDING = 8192;
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
  readonly seconds: number;
}

/** Sends PUTs at `rate` per second for `seconds`, each once; waits for every answer. */
async function openLoop(url: string, rate: number, seconds: number): Promise<OpenLoopResult> {
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const idle: string[] = []; // client ids with nothing in flight (one request each at a time)
  let clients = 0;
  let sent = 0;
  let unsent = 0;
  let outstanding = 0;
  let noRetryAfter = 0;
  const pending = new Set<Promise<void>>();
  const one = async (seq: number) => {
    const id = idle.pop() ?? `ol-${clients++}`;
    const t0 = performance.now();
    let status = "error";
    try {
      const res = await fetch(`${url}/api/v1/kv/k${seq % 1000}`, {
        method: "PUT",
        headers: { "content-type": "application/json", "x-client-id": id },
        body: String(seq),
      });
      await res.body?.cancel();
      status = String(res.status);
      if (res.status === 503 && res.headers.get("retry-after") === null) noRetryAfter++;
      if (res.status === 200) latencies.push(performance.now() - t0);
    } catch {
      // A refused connection counts as "error".
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
    idle.push(id);
  };
  const started = performance.now();
  const end = started + seconds * 1000;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent + unsent < due;) {
      if (outstanding >= MAX_OUTSTANDING) {
        unsent++;
        continue;
      }
      outstanding++;
      const p: Promise<void> = one(sent++).finally(() => {
        outstanding--;
        pending.delete(p);
      });
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  return { offered: sent, unsent, statuses, noRetryAfter, latencies, seconds: elapsed };
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
    const r = await openLoop(url, FACTOR * rate, duration);
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
        `max ${(r.latencies.at(-1) ?? NaN).toFixed(1)} ms`,
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
