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
import { parseNemesis } from "../nodes/nemesis.ts";
import { tortureSeed } from "../torture/torture.ts";
import { tortureTxnSeed, TXN_TORTURE_PROTOCOLS } from "../torture/txn_torture.ts";

/** 200 seeds in 30 s. */
const GOAL_SEEDS_PER_S = 200 / 30;
/** What `deno task torture` runs with unless told otherwise. */
const NEMESIS = parseNemesis("partition,kill,pause,loss,duplicate,reorder,skew");

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
 * Runs `seeds` seeds of torture for `protocol` (options: protocol options, e.g. the
 * saga's style) with the CLI's defaults and times them.
 *
 * @example
 * ```ts
 * import { measureTorture } from "./torture_bench.ts";
 * measureTorture("lww", {}, 1).seeds; // 1
 * ```
 */
export function measureTorture(
  protocol: string,
  options: Readonly<Record<string, unknown>>,
  seeds: number,
  seedStart = 1,
): TortureSpeed {
  const txn = (TXN_TORTURE_PROTOCOLS as readonly string[]).includes(protocol);
  let violations = 0;
  const t0 = performance.now(), c0 = process.cpuUsage();
  for (let seed = seedStart; seed < seedStart + seeds; seed++) {
    const bad = txn
      ? tortureTxnSeed(protocol, seed, {
        durationMs: 10_000,
        nemesis: NEMESIS,
        clients: 5,
        options,
      }).violation
      : tortureSeed({
        protocol,
        nodes: 5,
        seeds,
        seedStart,
        durationMs: 10_000,
        clients: 5,
        keys: 3,
        nemesis: NEMESIS,
        options,
      }, seed).verdict.violation;
    if (bad !== null) violations++;
  }
  const cpu = process.cpuUsage(c0);
  return {
    name: protocol,
    seeds,
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    violations,
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
  options: Record<string, unknown>;
}[] {
  const out: { label: string; protocol: string; options: Record<string, unknown> }[] = [];
  for (const name of protocolNames()) {
    const txn = (TXN_TORTURE_PROTOCOLS as readonly string[]).includes(name);
    if (!txn && protocolByName(name).check === "none") continue; // no history to check
    out.push({ label: name, protocol: name, options: {} });
    if (name === "saga") {
      out.push({
        label: "saga (choreographed)",
        protocol: name,
        options: { style: "choreographed" },
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
export function run(): Promise<void> {
  const seeds = 20;
  console.log(
    `torture with its defaults (10 s of faults, 5 clients, every nemesis), ${seeds} seeds each ` +
      `after 2 to warm up`,
  );
  console.log(
    `  goal: ${GOAL_SEEDS_PER_S.toFixed(1)} seeds/s (200 seeds in under 30 s) on 2 cores`,
  );
  let met = 0, wall = 0, cpu = 0;
  const targets = tortureTargets();
  for (const t of targets) {
    measureTorture(t.protocol, t.options, 2, 1000);
    const m = measureTorture(t.protocol, t.options, seeds);
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
  if (cpu < 0.9 * wall) {
    console.log(
      `  the machine was busy: this run had ${Math.round((cpu / wall) * 100)}% of a core; ` +
        `per CPU s is the rate on an idle core`,
    );
  }
  return Promise.resolve();
}

if (import.meta.main) await run();
