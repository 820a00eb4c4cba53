/**
 * Simulator speed: events and message deliveries per wall second for 5 heartbeat nodes,
 * and simulated seconds per wall second, beside the anchor of the bare event queue
 * (push + pop of the same number of events) measured in the same run.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import { EventQueue } from "../nodes/event_queue.ts";
import { heartbeat } from "../protocols/heartbeat/mod.ts";

function measure(intervalMs: number, simulatedMs: number) {
  const sim = new Simulation({
    protocol: heartbeat,
    nodes: 5,
    seed: 1,
    options: { intervalMs, timeoutMs: intervalMs * 5 },
  });
  const t0 = performance.now();
  sim.runFor(simulatedMs);
  const wall = performance.now() - t0;
  return { wall, stats: sim.stats, simulatedMs };
}

function queueAnchor(n: number): number {
  const q = new EventQueue<{ time: number; seq: number }>();
  let seq = 0;
  const t0 = performance.now();
  // Keep ~1,000 events queued, like a 5-node run with messages in flight.
  for (let i = 0; i < 1000; i++) q.push({ time: i, seq: seq++ });
  for (let i = 0; i < n; i++) {
    const e = q.pop()!;
    q.push({ time: e.time + 1000, seq: seq++ });
  }
  return n / ((performance.now() - t0) / 1000);
}

/**
 * Prints the simulator's figures.
 *
 * @example
 * ```ts
 * import { run } from "./simulator_bench.ts";
 * await run();
 * ```
 */
export function run(): Promise<void> {
  measure(10, 20_000); // warm up
  console.log("simulator (5 heartbeat nodes)");
  for (const interval of [100, 10]) {
    const m = measure(interval, 300_000);
    const s = m.wall / 1000;
    const anchor = queueAnchor(m.stats.events);
    console.log(
      `  beat every ${String(interval).padStart(3)} ms: ` +
        `${Math.round(m.stats.events / s).toLocaleString("en")} events/s, ` +
        `${Math.round(m.stats.delivered / s).toLocaleString("en")} deliveries/s, ` +
        `${Math.round(m.simulatedMs / 1000 / s)} simulated s per wall s ` +
        `(anchor: bare event queue ${Math.round(anchor).toLocaleString("en")} events/s, ` +
        `simulator at ${((m.stats.events / s / anchor) * 100).toFixed(0)}% of it)`,
    );
  }
  console.log("  goal: at least 500,000 events/s");
  return Promise.resolve();
}

if (import.meta.main) await run();
