/**
 * The torture runner's engine: many seeded simulated runs with random fault schedules
 * and concurrent clients, each history checked; for a failing seed, the command that
 * replays it, and a shrunk schedule that still fails.
 *
 * @module
 */

import type { NemesisKind, NemesisStep } from "../nodes/nemesis.ts";
import type { AnyProtocol } from "../protocols/node.ts";
import type { Integrity } from "../nodes/faults/link_integrity.ts";
import type { ByzantineMode } from "../nodes/faults/byzantine.ts";
import { runSimulation, type SimRunConfig, type SimRunResult } from "./sim_run.ts";
import { countOps, type RunVerdict, verifyRun } from "./verify_run.ts";

/**
 * What to torture.
 *
 * @example
 * ```ts
 * import type { TortureConfig } from "./torture.ts";
 * const c: TortureConfig = {
 *   protocol: "quorum-kv",
 *   nodes: 5,
 *   seeds: 20,
 *   seedStart: 1,
 *   durationMs: 8000,
 *   clients: 3,
 *   keys: 3,
 *   nemesis: ["partition", "kill"],
 *   check: "stale-reads",
 * };
 * ```
 */
export interface TortureConfig {
  /** A registered protocol's name, or the protocol itself (tests of unregistered ones). */
  readonly protocol: string | AnyProtocol;
  readonly nodes: number;
  readonly seeds: number;
  readonly seedStart: number;
  readonly durationMs: number;
  readonly clients: number;
  readonly keys: number;
  readonly nemesis: readonly NemesisKind[];
  readonly options?: Readonly<Record<string, unknown>>;
  /** How `--protocol` was written, for replay commands (a name or `FILE.ts#export`). */
  readonly protocolArg?: string;
  /** The history check (default: what the protocol declares, else linearizability). */
  readonly check?: "linearizability" | "stale-reads";
  /** Every link's integrity option (default `none`). */
  readonly integrity?: Integrity;
  /** Nodes Byzantine for the whole run, and how (beyond the `byzantine` nemesis). */
  readonly byzantine?: Readonly<Record<string, ByzantineMode>>;
}

/**
 * The outcome of one seed.
 *
 * @example
 * ```ts
 * import type { SeedOutcome } from "./torture.ts";
 * function failed(o: SeedOutcome): boolean {
 *   return o.verdict.violation !== null;
 * }
 * ```
 */
export interface SeedOutcome {
  readonly seed: number;
  readonly run: SimRunResult;
  readonly verdict: RunVerdict;
}

/**
 * The simulation config of one seed, optionally with a fixed schedule and op limit.
 *
 * @example
 * ```ts
 * import { seedConfig } from "./torture.ts";
 * seedConfig({
 *   protocol: "lww", nodes: 5, seeds: 1, seedStart: 1, durationMs: 5000, clients: 3,
 *   keys: 3, nemesis: ["partition"],
 * }, 7).seed; // 7
 * ```
 */
export function seedConfig(
  c: TortureConfig,
  seed: number,
  o: { schedule?: readonly NemesisStep[]; maxOps?: number } = {},
): SimRunConfig {
  return {
    protocol: c.protocol,
    nodes: c.nodes,
    seed,
    durationMs: c.durationMs,
    nemesis: c.nemesis,
    options: c.options,
    clients: c.clients,
    keys: c.keys,
    schedule: o.schedule,
    maxOps: o.maxOps,
    integrity: c.integrity,
    byzantine: c.byzantine,
  };
}

/**
 * Runs and checks one seed.
 *
 * @example
 * ```ts
 * import { tortureSeed } from "./torture.ts";
 * const o = tortureSeed({
 *   protocol: "register", nodes: 3, seeds: 1, seedStart: 1, durationMs: 2000, clients: 2,
 *   keys: 2, nemesis: ["kill"],
 * }, 1);
 * o.verdict.violation; // null
 * ```
 */
export function tortureSeed(
  c: TortureConfig,
  seed: number,
  o: { schedule?: readonly NemesisStep[]; maxOps?: number } = {},
): SeedOutcome {
  const run = runSimulation(seedConfig(c, seed, o));
  return { seed, run, verdict: verifyRun(run, { check: c.check }) };
}

/**
 * A shrunk failure: fewer faults and operations that still fail.
 *
 * @example
 * ```ts
 * import type { Shrunk } from "./torture.ts";
 * function report(s: Shrunk): string {
 *   return `${s.originalFaults} faults -> ${s.faults}, ${s.originalOps} ops -> ${s.maxOps}`;
 * }
 * ```
 */
export interface Shrunk {
  readonly schedule: readonly NemesisStep[];
  readonly maxOps: number;
  readonly faults: number;
  readonly originalFaults: number;
  readonly originalOps: number;
  readonly runs: number;
  readonly outcome: SeedOutcome;
}

/**
 * Searches for a smaller fault schedule and fewer operations for a failing seed:
 * first fewer operations (halving), then each fault removed in turn (kept out when the
 * run still fails), then operations again. At most `maxRuns` reruns.
 *
 * @example
 * ```ts
 * import { shrinkFailure, tortureSeed } from "./torture.ts";
 * const c = {
 *   protocol: "lww", nodes: 5, seeds: 1, seedStart: 1, durationMs: 5000, clients: 5,
 *   keys: 2, nemesis: ["partition", "skew"] as const,
 * };
 * const failing = tortureSeed(c, 1);
 * if (failing.verdict.violation) shrinkFailure(c, failing, 10).faults;
 * ```
 */
export function shrinkFailure(c: TortureConfig, failing: SeedOutcome, maxRuns = 40): Shrunk {
  let schedule = failing.run.schedule;
  let best = failing;
  const originalOps = countOps(failing.run.history ?? []).ops;
  let maxOps = originalOps;
  let runs = 0;
  const fails = (s: readonly NemesisStep[], ops: number): SeedOutcome | null => {
    runs++;
    const o = tortureSeed(c, failing.seed, { schedule: s, maxOps: ops });
    return o.verdict.violation !== null ? o : null;
  };
  const shrinkOps = () => {
    for (let ops = Math.floor(maxOps / 2); ops >= 1 && runs < maxRuns; ops = Math.floor(ops / 2)) {
      const o = fails(schedule, ops);
      if (o === null) break;
      maxOps = ops;
      best = o;
    }
  };
  shrinkOps();
  const faultIds = [...new Set(schedule.map((s) => s.fault))];
  for (const id of faultIds) {
    if (runs >= maxRuns) break;
    const without = schedule.filter((s) => s.fault !== id);
    const o = fails(without, maxOps);
    if (o !== null) {
      schedule = without;
      best = o;
    }
  }
  shrinkOps();
  return {
    schedule,
    maxOps,
    faults: new Set(schedule.map((s) => s.fault)).size,
    originalFaults: faultIds.length,
    originalOps,
    runs,
    outcome: best,
  };
}

/**
 * The `deno task sim` command that replays a seed of this torture config.
 *
 * @example
 * ```ts
 * import { replayCommand } from "./torture.ts";
 * replayCommand({
 *   protocol: "lww", nodes: 5, seeds: 1, seedStart: 1, durationMs: 5000, clients: 3,
 *   keys: 3, nemesis: ["partition"],
 * }, 4, "out/h.jsonl");
 * ```
 */
export function replayCommand(
  c: TortureConfig,
  seed: number,
  historyFile: string,
  extra = "",
): string {
  const options = Object.entries(c.options ?? {})
    .map(([k, v]) => ` --option ${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("");
  const name = c.protocolArg ??
    (typeof c.protocol === "string" ? c.protocol : c.protocol.name);
  return `deno task sim --protocol ${name} --nodes ${c.nodes} --seed ${seed} ` +
    `--duration ${c.durationMs}ms --clients ${c.clients} --keys ${c.keys}` +
    (c.nemesis.length ? ` --nemesis ${c.nemesis.join(",")}` : "") +
    (c.integrity !== undefined && c.integrity !== "none" ? ` --integrity ${c.integrity}` : "") +
    (c.byzantine !== undefined && Object.keys(c.byzantine).length > 0
      ? ` --byzantine ${Object.entries(c.byzantine).map(([n, m]) => `${n}=${m}`).join(",")}`
      : "") +
    options + extra +
    ` --history ${historyFile}`;
}
