/**
 * Torture speed: seeds per wall second of `deno task torture --protocol P` with its
 * defaults (10 s of faults, 5 clients, every nemesis) for every protocol that torture
 * knows, each beside its goal — 200 seeds in under 30 s, so that a person exploring a
 * protocol can run it many times a day. The transaction-style protocols check their
 * invariants after every step that changed anything; the key-value ones check each
 * history.
 *
 * @module
 */

import process from "node:process";
import { protocolByName, protocolNames } from "../protocols/registry.ts";
import { TXN_TORTURE_PROTOCOLS } from "../torture/txn_torture.ts";
import { parseTortureArgs } from "../torture/args.ts";
import { runInJobs } from "../torture/jobs.ts";

/** 200 seeds in 30 s. */
const GOAL_SEEDS_PER_S = 200 / 30;
/** Where failing seeds' histories go (lww and primary-backup fail by design). */
const OUT = "out/bench-torture";

/**
 * One protocol's torture figures.
 *
 * @example
 * ```ts
 * import type { TortureSpeed } from "./torture_bench.ts";
 * const s: TortureSpeed = { name: "2pc", seeds: 20, wallMs: 2000, cpuMs: 1900, violations: 0 };
 * ```
 */
export interface TortureSpeed {
  readonly name: string;
  readonly seeds: number;
  readonly wallMs: number;
  /** CPU time of this process meanwhile (user + system): the wall time on an idle core. */
  readonly cpuMs: number;
  readonly violations: number;
}

/**
 * Runs `seeds` seeds of `deno task torture --protocol P` (with `extra` arguments, e.g.
 * `--option style=choreographed`) on `jobs` threads, with the CLI's defaults, and
 * times them. CPU time is the whole process's, every thread's.
 *
 * @example
 * ```ts ignore
 * (await measureTorture("lww", [], 1, 1)).seeds; // 1
 * ```
 */
export async function measureTorture(
  protocol: string,
  extra: readonly string[],
  seeds: number,
  jobs: number,
  seedStart = 1,
): Promise<TortureSpeed> {
  const argv = [
    "--protocol",
    protocol,
    ...extra,
    "--seeds",
    String(seeds),
    "--seed-start",
    String(seedStart),
    "--jobs",
    String(jobs),
    "--json",
    "--no-shrink",
    "--out",
    OUT,
  ];
  const t0 = performance.now(), c0 = process.cpuUsage();
  const s = await runInJobs(argv, await parseTortureArgs(argv), () => {});
  const cpu = process.cpuUsage(c0);
  return {
    name: protocol,
    seeds,
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    violations: s.violations,
  };
}

/**
 * Every protocol torture takes, by name, with the options of each variant (the
 * choreographed saga beside the orchestrated one).
 *
 * @example
 * ```ts
 * import { tortureTargets } from "./torture_bench.ts";
 * tortureTargets().some((t) => t.label === "2pc"); // true
 * ```
 */
export function tortureTargets(): {
  label: string;
  protocol: string;
  extra: string[];
}[] {
  const out: { label: string; protocol: string; extra: string[] }[] = [];
  for (const name of protocolNames()) {
    const txn = (TXN_TORTURE_PROTOCOLS as readonly string[]).includes(name);
    if (!txn && protocolByName(name).check === "none") continue; // no history to check
    out.push({ label: name, protocol: name, extra: [] });
    if (name === "pbft") {
      // Torture runs PBFT at 3f + 1 = 4 replicas; the fifth of the other protocols' size
      // is shown too (it tolerates no more faults, and adds a third of the messages).
      out.push({ label: "pbft (5 nodes)", protocol: name, extra: ["--nodes", "5"] });
    }
    if (name === "saga") {
      out.push({
        label: "saga (choreographed)",
        protocol: name,
        extra: ["--option", "style=choreographed"],
      });
    }
  }
  return out;
}

/**
 * Prints seeds per second for every protocol, with the goal.
 *
 * @example
 * ```ts
 * import { run } from "./torture_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const seeds = 40;
  const jobs = navigator.hardwareConcurrency;
  console.log(
    `torture with its defaults (10 s of faults, 5 clients, every nemesis), ${seeds} seeds each ` +
      `on ${jobs} threads (deno task torture's default --jobs), thread start-up included`,
  );
  console.log(
    `  goal: ${GOAL_SEEDS_PER_S.toFixed(1)} seeds/s (200 seeds in under 30 s) on 2 cores`,
  );
  let met = 0, wall = 0, cpu = 0;
  const targets = tortureTargets();
  for (const t of targets) {
    const m = await measureTorture(t.protocol, t.extra, seeds, jobs);
    wall += m.wallMs;
    cpu += m.cpuMs;
    const rate = m.seeds / (m.wallMs / 1000), cpuRate = m.seeds / (m.cpuMs / 1000);
    const ok = rate >= GOAL_SEEDS_PER_S;
    if (ok) met++;
    console.log(
      `  ${t.label.padEnd(22)} ${rate.toFixed(1).padStart(6)} seeds/s ` +
        `(${cpuRate.toFixed(1).padStart(5)} per CPU s)  200 seeds ≈ ` +
        `${(200 / rate).toFixed(0).padStart(3)} s  ${ok ? "meets" : "MISSES"} the goal` +
        (m.violations > 0 ? `  (${m.violations} seeds with violations)` : ""),
    );
  }
  console.log(`  ${met} of ${targets.length} meet the goal`);
  // On a shared machine the wall figures fall behind the CPU ones; say so.
  if (cpu < 0.9 * wall * jobs) {
    console.log(
      `  the machine was busy: this run had ${Math.round((cpu / wall) * 100)}% of a core ` +
        `(of ${jobs * 100}%); per CPU s × ${jobs} is the rate on idle cores`,
    );
  }
}

if (import.meta.main) await run();
