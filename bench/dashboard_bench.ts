/**
 * The dashboard under load in a real Chromium (Debian's package): a 5-node Raft cluster
 * carrying over 1,000 messages/s while the page streams every message event. Prints the
 * cluster's message rate (the anchor, measured in the same run) beside the events the
 * page received, what it lost or left waiting, and its frame times. These are speed
 * figures, so they live here and not in the test suite, where a busy machine would fail
 * them. Goals: the page receives every event (events/s ≥ messages/s, none lost) and
 * draws at least 10 frames a second.
 *
 * Then the same at 64 nodes (the most a live cluster has), where the page draws the ring to
 * scale and sums messages per link instead of animating each: its own anchor (the
 * 64-node cluster's message rate, its heartbeats at the default interval) is measured in
 * the same run. 64 Workers take minutes to start on a busy machine;
 * `DASHBOARD_BENCH_NODES=5` measures the 5-node line only.
 *
 * Run: `deno task bench dashboard` (`DASHBOARD_LOAD_WRITERS`, `DASHBOARD_LOAD_PACE_MS`,
 * `DASHBOARD_BENCH_NODES` — a comma-separated list, default `5,64`).
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import { serveDashboard, soleLeader, waitFor } from "../tests/dashboard/browser.ts";
import { Chromium } from "../tests/dashboard/chromium.ts";

interface Summary {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}
interface PageStats {
  frame: Summary;
  interval: Summary;
  received: number;
  rate: number;
  lagged: number;
  buffered: number;
  animating: number;
  overflow: number;
  compact?: boolean;
  flowLinks?: number;
  parts: Record<string, Summary>;
}

const LOAD_MS = 4000;
const WRITERS = Number(Deno.env.get("DASHBOARD_LOAD_WRITERS") ?? 1);
/** Pause between one writer's writes: paced, so the load stays near 1,500 messages/s. */
const PACE_MS = Number(Deno.env.get("DASHBOARD_LOAD_PACE_MS") ?? 5);

const SIZES = (Deno.env.get("DASHBOARD_BENCH_NODES") ?? "5,64").split(",").map(Number);

/** Runs the benchmark and prints its figures. */
export async function run(): Promise<void> {
  for (const nodes of SIZES) await measure(nodes);
}

async function measure(nodes: number): Promise<void> {
  // 5 nodes: heartbeats every 10 ms (one per tick) plus client writes, well over 1,000
  // msg/s. 64 nodes: the default heartbeat to 63 followers is already over 1,000 msg/s.
  const t0start = performance.now();
  const served = await serveDashboard({
    protocol: "raft-kv",
    nodes,
    seed: 5,
    options: nodes <= 5 ? { heartbeatMs: 10 } : {},
    startTimeoutMs: 900_000,
  });
  const startS = ((performance.now() - t0start) / 1000).toFixed(0);
  const browser = await Chromium.launch();
  try {
    const page = await browser.newPage(1400, 1000);
    await page.goto(served.url);
    await waitFor("a leader on the page", () => soleLeader(page));
    const stats = () =>
      page.evaluate(() =>
        (window as unknown as { distlab: { stats(): PageStats } }).distlab.stats()
      );
    await page.evaluate(() =>
      (window as unknown as { distlab: { resetStats(): void } }).distlab.resetStats()
    );
    const before = await stats();
    const sent0 = served.cluster.counters().sent;
    const t0 = performance.now();
    let writes = 0;
    const app = served.api.app;
    const stop = t0 + LOAD_MS;
    await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; performance.now() < stop; i++) {
        const res = await app.request(`/api/v1/kv/k${w}`, { method: "PUT", body: String(i) });
        await res.body?.cancel();
        if (res.ok) writes++;
        await delay(PACE_MS);
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    const msgsPerSec = Math.round((served.cluster.counters().sent - sent0) / seconds);
    const after = await stats();
    const eventsPerSec = Math.round((after.received - before.received) / seconds);
    console.log(
      `${nodes} nodes (started in ${startS} s${after.compact ? ", ring to scale" : ""}): ` +
        `load: ${msgsPerSec} messages/s, ${Math.round(writes / seconds)} writes/s; page: ` +
        `${eventsPerSec} events/s received, frame work p50 ${after.frame.p50} ms ` +
        `p95 ${after.frame.p95} ms max ${after.frame.max} ms over ${after.frame.frames} frames; ` +
        `frame interval p50 ${after.interval.p50} ms p95 ${after.interval.p95} ms; ` +
        `${after.buffered} buffered, ${after.lagged} lost, ` +
        (after.compact
          ? `${after.flowLinks ?? 0} links with aggregated flow`
          : `${after.overflow} messages not animated`),
    );
    console.log(
      "frame parts (p50/p95/max ms): " +
        Object.entries(after.parts).map(([k, v]) => `${k} ${v.p50}/${v.p95}/${v.max}`).join(", "),
    );
    const fps = after.frame.frames / seconds;
    const met = msgsPerSec >= 1000 && eventsPerSec >= msgsPerSec && after.lagged === 0 &&
      after.buffered < eventsPerSec && fps >= 10;
    console.log(
      `anchor (${nodes} nodes): cluster ${msgsPerSec} messages/s; page ${eventsPerSec} events/s ` +
        `(${(eventsPerSec / Math.max(1, msgsPerSec)).toFixed(2)} per message, 2 = every send ` +
        `and delivery), ${fps.toFixed(0)} frames/s: goal ${met ? "met" : "missed"}`,
    );
  } finally {
    await browser.close();
    await served.close();
  }
}

if (import.meta.main) await run();
