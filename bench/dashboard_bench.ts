/**
 * The dashboard under load in a real Chromium (Debian's package): a 5-node Raft cluster
 * carrying over 1,000 messages/s while the page streams every message event. Prints the
 * cluster's message rate (the anchor, measured in the same run) beside the events the
 * page received, what it lost or left waiting, and its frame times. These are speed
 * figures, so they live here and not in the test suite, where a busy machine would fail
 * them. Goals: the page receives every event (events/s ≥ messages/s, none lost) and
 * draws at least 10 frames a second.
 *
 * Then 64 nodes (the most a live cluster has), where the page draws the ring to scale and
 * sums messages per link instead of animating each. By default these are 64 fake nodes
 * behind the real API, their leader's heartbeats and the answers emitted by the bench
 * (the anchor: the events emitted per second, in the same run), because 64 Worker nodes
 * took 209 s to start on this machine and ran it out of memory under the page;
 * `DASHBOARD_BENCH_LIVE=1` uses 64 Worker nodes of raft-kv instead (the anchor: their
 * message rate).
 *
 * Run: `deno task bench dashboard` (`DASHBOARD_LOAD_WRITERS`, `DASHBOARD_LOAD_PACE_MS`,
 * `DASHBOARD_BENCH_NODES` — a comma-separated list of sizes, default `5,64`).
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import {
  serveDashboard,
  serveFakeDashboard,
  soleLeader,
  waitFor,
} from "../tests/dashboard/browser.ts";
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
  if (nodes > 16 && Deno.env.get("DASHBOARD_BENCH_LIVE") !== "1") return await measureFake(nodes);
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

/** `nodes` fake nodes: the page under the leader's heartbeats to all of them. */
async function measureFake(nodes: number): Promise<void> {
  const served = serveFakeDashboard(nodes);
  const browser = await Chromium.launch();
  try {
    const page = await browser.newPage(1400, 1000);
    await page.goto(served.url);
    await waitFor(
      "every node on the page",
      async () => (await page.count("#ring g.node")) === nodes,
    );
    const stats = () =>
      page.evaluate(() =>
        (window as unknown as { distlab: { stats(): PageStats } }).distlab.stats()
      );
    served.traffic(20);
    await delay(500); // the stream under way before measuring
    await page.evaluate(() =>
      (window as unknown as { distlab: { resetStats(): void } }).distlab.resetStats()
    );
    const before = await stats();
    const e0 = served.emitted;
    const t0 = performance.now();
    await delay(LOAD_MS);
    const seconds = (performance.now() - t0) / 1000;
    const emittedPerSec = Math.round((served.emitted - e0) / seconds);
    const after = await stats();
    const eventsPerSec = Math.round((after.received - before.received) / seconds);
    console.log(
      `${nodes} fake nodes (ring ${after.compact ? "to scale" : "classic"}): load ` +
        `${emittedPerSec} message events/s emitted; page: ${eventsPerSec} events/s received, ` +
        `frame work p50 ${after.frame.p50} ms p95 ${after.frame.p95} ms max ` +
        `${after.frame.max} ms over ${after.frame.frames} frames; frame interval p50 ` +
        `${after.interval.p50} ms p95 ${after.interval.p95} ms; ${after.buffered} buffered, ` +
        `${after.lagged} lost, ${after.flowLinks ?? 0} links with aggregated flow`,
    );
    console.log(
      "frame parts (p50/p95/max ms): " +
        Object.entries(after.parts).map(([k, v]) => `${k} ${v.p50}/${v.p95}/${v.max}`).join(", "),
    );
    const fps = after.frame.frames / seconds;
    const met = eventsPerSec >= emittedPerSec * 0.95 && after.lagged === 0 && fps >= 10;
    console.log(
      `anchor (${nodes} nodes): ${emittedPerSec} events/s emitted; page ${eventsPerSec} ` +
        `events/s (${(eventsPerSec / Math.max(1, emittedPerSec)).toFixed(2)} per event ` +
        `emitted), ${fps.toFixed(0)} frames/s: goal ${met ? "met" : "missed"}`,
    );
  } finally {
    await browser.close();
    await served.close();
  }
}

if (import.meta.main) await run();
