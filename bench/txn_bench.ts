/**
 * Two-phase commit versus the saga, in the simulator: orders per simulated second,
 * messages per order and latency for `2pc`, the orchestrated saga and the choreographed
 * saga under the same closed-loop load (2pc is the anchor the others are compared
 * with); then the 2PC blocking window — how long participants hold their locks in doubt
 * when the coordinator crashes after every yes vote — beside the in-doubt window of the
 * same order without a crash, for several coordinator downtimes.
 *
 * Run: `deno run -A bench/txn_bench.ts`
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { AnyProtocol } from "../protocols/node.ts";
import { createRng } from "../protocols/random.ts";
import { twoPhaseCommit } from "../protocols/txn/two_phase_commit.ts";
import type { ParticipantRecord } from "../protocols/txn/participant.ts";
import { saga } from "../protocols/saga/saga.ts";

const SIM_MS = 10_000;
const CLIENTS = 8;
const KEYS = 64;

const range = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
const LOAD_OPTIONS = {
  stock: Object.fromEntries(range(KEYS, "item-").map((k) => [k, 1e9])),
  balances: Object.fromEntries(range(KEYS, "acct-").map((k) => [k, 1e12])),
  slots: Object.fromEntries(range(KEYS, "region-").map((k) => [k, 1e9])),
};

interface LoadResult {
  readonly label: string;
  readonly done: number;
  readonly failed: number;
  readonly messages: number;
  readonly p50: number;
  readonly p99: number;
  readonly wallMs: number;
}

/** Closed-loop clients sending orders to n1 for SIM_MS of simulated time. */
function load(
  label: string,
  protocol: AnyProtocol,
  nodes: number,
  options: Record<string, unknown>,
): LoadResult {
  const started = performance.now();
  const sim = new Simulation({
    protocol,
    nodes,
    seed: 1,
    options: { ...LOAD_OPTIONS, ...options },
  });
  const rng = createRng(99);
  const latencies: number[] = [];
  let done = 0, failed = 0, next = 0;
  const pick = (p: string) => `${p}${rng.int(KEYS)}`;
  const client = (c: number) => {
    if (sim.now() >= SIM_MS) return;
    const sent = sim.now();
    const op = {
      f: "order",
      id: `o${next++}`,
      item: pick("item-"),
      qty: 1,
      amount: 10,
      account: pick("acct-"),
      region: pick("region-"),
    };
    sim.request("n1", op, c, (r) => {
      if (r.type === "ok" && (r.value as { outcome?: string }).outcome === "pending") return;
      if (r.type === "ok") done++;
      else failed++;
      latencies.push(sim.now() - sent);
      client(c);
    });
  };
  for (let c = 1; c <= CLIENTS; c++) client(c);
  sim.runUntilTime(SIM_MS);
  latencies.sort((a, b) => a - b);
  return {
    label,
    done,
    failed,
    messages: sim.stats.sent,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? NaN,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
    wallMs: performance.now() - started,
  };
}

/** How long the participants stay in doubt on one order; the coordinator is down `downMs`. */
function blockingWindow(downMs: number | null): { maxMs: number; meanMs: number } {
  const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed: 3, trace: "none" });
  const waited: number[] = [];
  sim.onTrace((e) => {
    if (e.kind === "unblocked") waited.push((e.data as { waitedMs: number }).waitedMs);
  });
  let crashed = false;
  if (downMs !== null) {
    sim.afterStep(() => {
      if (crashed) return;
      const all = ["n2", "n3", "n4"].every((n) =>
        (sim.disk(n).get("txn/o1") as ParticipantRecord | undefined)?.state === "prepared"
      );
      if (!all) return;
      crashed = true;
      sim.crash("n1"); // after every yes vote, before the decision
      sim.after(downMs, () => sim.restart("n1"));
    });
  }
  sim.request("n1", { f: "order", id: "o1", item: "item-1", qty: 1, amount: 10 }, 1);
  sim.runFor((downMs ?? 0) + 2000);
  return {
    maxMs: Math.max(...waited),
    meanMs: waited.reduce((a, b) => a + b, 0) / waited.length,
  };
}

const f1 = (x: number) => x.toFixed(1);

/**
 * Runs the benchmark and prints its figures.
 *
 * @example
 * ```ts
 * import { run } from "./txn_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  await Promise.resolve();
  const results = [
    load("2pc", twoPhaseCommit, 4, {}),
    load("saga (orchestrated)", saga, 4, { style: "orchestrated" }),
    load("saga (choreographed, 1 broker)", saga, 5, { style: "choreographed" }),
  ];
  const anchor = results[0]!;
  const perSec = (n: number) => n / (SIM_MS / 1000);
  console.log(
    `orders over ${
      SIM_MS / 1000
    } s simulated, ${CLIENTS} closed-loop clients, ${KEYS} items/accounts/regions, 1–3 ms links, no faults`,
  );
  console.log(
    `${"protocol".padEnd(32)} ${"done/s".padStart(8)} ${"failed/s".padStart(9)} ${
      "msgs/order".padStart(11)
    } ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)}  vs 2pc (anchor)`,
  );
  for (const r of results) {
    const orders = r.done + r.failed;
    const ratio = r === anchor
      ? "anchor"
      : `${(r.done / anchor.done).toFixed(2)}× done/s, ${
        ((r.messages / orders) / (anchor.messages / (anchor.done + anchor.failed))).toFixed(2)
      }× msgs`;
    console.log(
      `${r.label.padEnd(32)} ${f1(perSec(r.done)).padStart(8)} ${
        f1(perSec(r.failed)).padStart(9)
      } ${f1(r.messages / orders).padStart(11)} ${f1(r.p50).padStart(7)} ${
        f1(r.p99).padStart(7)
      }  ${ratio}`,
    );
  }
  for (const r of results) {
    console.log(
      `simulator speed, ${r.label.padEnd(32)} ${
        f1((r.done + r.failed) / (r.wallMs / 1000)).padStart(9)
      } orders per wall second (${f1(r.wallMs)} ms wall for ${SIM_MS / 1000} s simulated)`,
    );
  }
  console.log("");
  const base = blockingWindow(null);
  console.log(
    `2pc in-doubt window without a crash (anchor): ${f1(base.maxMs)} ms (mean ${
      f1(base.meanMs)
    } ms over 3 participants)`,
  );
  for (const down of [250, 500, 1000, 2000]) {
    const w = blockingWindow(down);
    console.log(
      `2pc blocking window, coordinator down ${String(down).padStart(4)} ms after every yes vote: ${
        f1(w.maxMs).padStart(7)
      } ms locks held (${(w.maxMs / base.maxMs).toFixed(0)}× the anchor; downtime + ${
        f1(w.maxMs - down)
      } ms to ask and learn the presumed abort)`,
    );
  }
}

if (import.meta.main) await run();
