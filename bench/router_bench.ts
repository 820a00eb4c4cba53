/**
 * Router throughput: messages per second between two Worker nodes through the Worker
 * cluster's fault-injecting router (no faults, zero delay), beside two anchors measured
 * in the same run:
 *
 * - raw: two Workers bouncing the same envelopes straight to each other over a
 *   `MessagePort`, one `postMessage` per message, the same number in flight;
 * - simulator: the same protocol in the single-threaded simulator.
 *
 * The cluster runs twice: with direct links (the default: each Worker applies the fault
 * model to what it sends and posts it straight to the peer's port; goal ≥ 90% of raw),
 * and routed (`links: "routed"`: through the main thread's router — two hops, two
 * structured clones per message, three threads on the machine's cores). Both post one
 * batch per destination per firing and build no key string or extra clock copy per message.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import { startCluster } from "../nodes/worker_cluster.ts";
import { Simulation } from "../nodes/simulator.ts";
import { pingPong } from "./pingpong_protocol.ts";

const WINDOW = 256;
const WARMUP_MS = 500;
const MEASURE_MS = 2000;

/** Messages per second bounced between two echo Workers, one postMessage each. */
async function rawRate(): Promise<number> {
  const url = new URL("./echo_worker.ts", import.meta.url).href;
  const workers = [new Worker(url, { type: "module" }), new Worker(url, { type: "module" })];
  try {
    const results = workers.map((w) =>
      new Promise<{ received: number; seconds: number }>((resolve) => {
        w.onmessage = (e) => resolve(e.data);
      })
    );
    const { port1, port2 } = new MessageChannel();
    const timing = { warmupMs: WARMUP_MS, measureMs: MEASURE_MS };
    workers[1]!.postMessage({ port: port2, id: "n2", window: 0, ...timing }, [port2]);
    workers[0]!.postMessage({ port: port1, id: "n1", window: WINDOW, ...timing }, [port1]);
    let rate = 0;
    for (const r of await Promise.all(results)) rate += r.received / r.seconds;
    return rate;
  } finally {
    for (const w of workers) w.terminate();
  }
}

/** Messages per second delivered by the router between two pingpong Worker nodes. */
async function routerRate(
  links: "direct" | "routed",
): Promise<{ rate: number; perBatch: number }> {
  const cluster = await startCluster({
    links,
    protocol: {
      module: new URL("./pingpong_protocol.ts", import.meta.url).href,
      export: "pingPong",
    },
    nodes: 2,
    seed: 1,
    options: { window: WINDOW },
    network: { delay: { kind: "constant", ms: 0 } },
  });
  try {
    await delay(WARMUP_MS);
    const c0 = cluster.counters().delivered;
    const b0 = cluster.batches;
    const t0 = performance.now();
    await delay(MEASURE_MS);
    const c1 = cluster.counters().delivered;
    const seconds = (performance.now() - t0) / 1000;
    return { rate: (c1 - c0) / seconds, perBatch: (c1 - c0) / Math.max(1, cluster.batches - b0) };
  } finally {
    await cluster.close();
  }
}

/** Wall-clock messages per second of the same protocol in the simulator. */
function simulatorRate(messages: number): number {
  const sim = new Simulation({
    protocol: pingPong,
    nodes: 2,
    seed: 1,
    options: { window: WINDOW },
    network: { delay: { kind: "constant", ms: 0 } },
  });
  // Zero delay: every bounce happens at the same virtual instant, so run by count.
  sim.runUntil(() => sim.stats.delivered > 0, 1000);
  const start = sim.stats.delivered;
  const t0 = performance.now();
  sim.runUntil(() => sim.stats.delivered - start >= messages, 1_000_000);
  return (sim.stats.delivered - start) / ((performance.now() - t0) / 1000);
}

/**
 * Prints the router's figures.
 *
 * @example
 * ```ts
 * import { run } from "./router_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const fmt = (n: number) => Math.round(n).toLocaleString("en");
  console.log(`router (2 Worker nodes, ${WINDOW} messages in flight, no faults, zero delay)`);
  const raw = await rawRate();
  const direct = await routerRate("direct");
  const routed = await routerRate("routed");
  simulatorRate(50_000); // warm up
  const sim = simulatorRate(500_000);
  const pct = (n: number) => `${((n / raw) * 100).toFixed(0)}% of raw`;
  console.log(`  raw postMessage between two Workers (anchor): ${fmt(raw)} msgs/s`);
  console.log(
    `  direct links, Worker → Worker, fault model in the sender: ${fmt(direct.rate)} msgs/s ` +
      `(${pct(direct.rate)}; goal ≥ 90%)`,
  );
  console.log(
    `  routed, Worker → main → Worker, batched:       ${fmt(routed.rate)} msgs/s ` +
      `(${pct(routed.rate)}; ${routed.perBatch.toFixed(0)} messages per postMessage)`,
  );
  console.log(`  simulator, same protocol, one thread:          ${fmt(sim)} msgs/s`);
}

if (import.meta.main) await run();
