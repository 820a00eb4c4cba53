/**
 * One complete simulated run, as `deno task sim` and the torture runner do it: build the
 * simulation, schedule the nemesis, run for the duration, heal everything and let the
 * cluster settle, then summarise.
 *
 * @module
 */

import type { NodeId, NodeStatus } from "../protocols/node.ts";
import { protocolByName } from "../protocols/registry.ts";
import { createRng } from "../protocols/random.ts";
import { type SimStats, Simulation } from "./simulator.ts";
import {
  generateSchedule,
  healAll,
  type NemesisKind,
  type NemesisStep,
  scheduleNemesis,
} from "./nemesis.ts";

/** What to run. */
export interface SimRunConfig {
  readonly protocol: string;
  readonly nodes: number;
  readonly seed: number;
  readonly durationMs: number;
  readonly nemesis: readonly NemesisKind[];
  readonly options?: Readonly<Record<string, unknown>>;
  readonly trace?: "none" | "hash" | "full";
  /** Time to settle after healing (default 2000 ms). */
  readonly settleMs?: number;
  /** A fixed schedule instead of a generated one (replaying or shrinking). */
  readonly schedule?: readonly NemesisStep[];
}

/** What a run produced. */
export interface SimRunResult {
  readonly sim: Simulation;
  readonly schedule: readonly NemesisStep[];
  readonly stats: SimStats;
  readonly statuses: Record<NodeId, NodeStatus>;
  readonly traceHash?: string;
  readonly wallMs: number;
}

/**
 * Runs one simulation to the end. `setup` can add clients or observers before it starts.
 *
 * @example
 * ```ts
 * import { runSimulation } from "./sim_run.ts";
 * const r = runSimulation({
 *   protocol: "heartbeat", nodes: 3, seed: 1, durationMs: 5000, nemesis: ["kill"], trace: "hash",
 * });
 * r.traceHash; // same for the same config
 * ```
 */
export function runSimulation(
  c: SimRunConfig,
  setup?: (sim: Simulation) => void,
): SimRunResult {
  const started = performance.now();
  const sim = new Simulation({
    protocol: protocolByName(c.protocol),
    nodes: c.nodes,
    seed: c.seed,
    options: c.options,
    trace: c.trace ?? "none",
  });
  // The schedule has its own random stream, so the same schedule can be replayed with
  // steps removed while the cluster's randomness stays comparable.
  const schedule = c.schedule ?? generateSchedule(createRng(c.seed * 7919 + 17), {
    kinds: c.nemesis,
    nodes: sim.nodes,
    durationMs: c.durationMs,
  });
  scheduleNemesis(sim, schedule);
  setup?.(sim);
  sim.runUntilTime(c.durationMs);
  healAll(sim);
  sim.runFor(c.settleMs ?? 2000);
  const statuses: Record<NodeId, NodeStatus> = {};
  for (const n of sim.nodes) statuses[n] = sim.status(n);
  return {
    sim,
    schedule,
    stats: { ...sim.stats },
    statuses,
    traceHash: c.trace && c.trace !== "none" ? sim.traceHash() : undefined,
    wallMs: performance.now() - started,
  };
}
