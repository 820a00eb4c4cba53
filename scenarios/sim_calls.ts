/**
 * Client calls with a timeout on a simulated cluster, and their summary: the measuring
 * stick the `gray-failure`, `bulkhead` and `fallacies` scenarios share.
 *
 * @module
 */

import type { Simulation } from "../nodes/simulator.ts";
import type { NodeId, Reply } from "../protocols/node.ts";

/**
 * One client call as the client saw it.
 *
 * @example
 * ```ts
 * import type { CallRecord } from "./sim_calls.ts";
 * const r: CallRecord = { node: "n1", start: 0, latency: 4, outcome: "ok" };
 * ```
 */
export interface CallRecord {
  readonly node: NodeId;
  readonly start: number;
  /** Until the answer, or the timeout. */
  readonly latency: number;
  /** `timeout`: no answer in time, so the outcome is unknown to the client. */
  readonly outcome: "ok" | "fail" | "timeout";
  /** The value of an `ok` answer, if it had one. */
  readonly value?: unknown;
}

/**
 * The client's network hop each way, in ms (the nodes' own links are the simulator's).
 *
 * @example
 * ```ts
 * import { CLIENT_HOP_MS } from "./sim_calls.ts";
 * CLIENT_HOP_MS; // 1
 * ```
 */
export const CLIENT_HOP_MS = 1;

/**
 * Sends `op` to `node` now; calls `done` once, with the answer or at the timeout
 * (a late answer is ignored).
 *
 * @example
 * ```ts
 * import { Simulation } from "../nodes/simulator.ts";
 * import { register } from "../protocols/register/register.ts";
 * import { callWithTimeout, type CallRecord } from "./sim_calls.ts";
 * const sim = new Simulation({ protocol: register, nodes: 3, seed: 1 });
 * const records: CallRecord[] = [];
 * callWithTimeout(sim, "n2", { f: "read", key: "x" }, 100, 1, (r) => records.push(r));
 * sim.runFor(200);
 * records[0]!.outcome; // "ok"
 * ```
 */
export function callWithTimeout(
  sim: Simulation,
  node: NodeId,
  op: unknown,
  timeoutMs: number,
  client: number,
  done: (record: CallRecord) => void,
): void {
  const start = sim.now();
  let settled = false;
  let value: unknown;
  const finish = (outcome: CallRecord["outcome"]): void => {
    if (settled) return;
    settled = true;
    done({ node, start, latency: sim.now() - start, outcome, value });
  };
  sim.after(timeoutMs, () => finish("timeout"));
  sim.after(
    CLIENT_HOP_MS,
    () =>
      sim.request(
        node,
        op,
        client,
        (reply: Reply) =>
          sim.after(CLIENT_HOP_MS, () => {
            // A tampered answer may not even be a reply: a failure, not a crash.
            const ok = reply?.type === "ok";
            if (ok) value = reply.value;
            finish(ok ? "ok" : "fail");
          }),
      ),
  );
}

/**
 * Nearest-rank percentile of `xs` (p in 0..100); NaN when empty.
 *
 * @example
 * ```ts
 * import { percentile } from "./sim_calls.ts";
 * percentile([1, 2, 3, 4], 50); // 2
 * ```
 */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Counts and latency of a set of calls.
 *
 * @example
 * ```ts
 * import type { CallSummary } from "./sim_calls.ts";
 * const s: CallSummary = { calls: 2, ok: 1, fail: 0, timeout: 1, okRate: 0.5, p50: 4, p99: 300 };
 * ```
 */
export interface CallSummary {
  readonly calls: number;
  readonly ok: number;
  readonly fail: number;
  readonly timeout: number;
  /** ok / calls (0 with no calls). */
  readonly okRate: number;
  /** Latency percentiles of every call, timeouts counted at the timeout (ms). */
  readonly p50: number;
  readonly p99: number;
}

/**
 * Summarises `records`.
 *
 * @example
 * ```ts
 * import { summarizeCalls } from "./sim_calls.ts";
 * summarizeCalls([{ node: "n1", start: 0, latency: 4, outcome: "ok" }]).okRate; // 1
 * ```
 */
export function summarizeCalls(records: readonly CallRecord[]): CallSummary {
  const count = (o: CallRecord["outcome"]) => records.filter((r) => r.outcome === o).length;
  const lat = records.map((r) => r.latency);
  const ok = count("ok");
  return {
    calls: records.length,
    ok,
    fail: count("fail"),
    timeout: count("timeout"),
    okRate: records.length === 0 ? 0 : ok / records.length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
  };
}

/**
 * A latency for a table: one decimal, `-` for none.
 *
 * @example
 * ```ts
 * import { ms } from "./sim_calls.ts";
 * ms(3.14159); // "3.1"
 * ```
 */
export function ms(x: number): string {
  return Number.isNaN(x) ? "-" : x.toFixed(1);
}
