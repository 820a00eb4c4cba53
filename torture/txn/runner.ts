/**
 * One seeded torture run of a transaction-style protocol: a nemesis schedule,
 * concurrent simulated clients driving the protocol's own operations, the protocol's
 * invariants checked after every simulated step that changed anything, then heal,
 * settle, and the end-state checks. The workloads live beside this file, one per
 * protocol.
 *
 * @module
 */

import type { AnyProtocol, NodeId } from "../../protocols/node.ts";
import { createRng } from "../../protocols/random.ts";
import { type NodeStop, type SimStats, Simulation } from "../../nodes/simulator.ts";
import type { DiskFaultCounts } from "../../nodes/storage/disk_faults.ts";
import type { Integrity } from "../../nodes/faults/link_integrity.ts";
import {
  healAll,
  type NemesisKind,
  type NemesisStep,
  scheduleNemesis,
  seededSchedule,
} from "../../nodes/nemesis.ts";
import type { Harness, Ops, TxnWorkload } from "./harness.ts";
import { twoPcWorkload } from "./two_pc.ts";
import { sagaWorkload } from "./saga.ts";
import { busWorkload } from "./bus.ts";
import { eventSourcingWorkload } from "./event_sourcing.ts";
import { paxosCommitWorkload } from "./paxos_commit.ts";

/**
 * The protocols this driver knows.
 *
 * @example
 * ```ts
 * import { TXN_TORTURE_PROTOCOLS } from "./runner.ts";
 * TXN_TORTURE_PROTOCOLS.includes("saga"); // true
 * ```
 */
export const TXN_TORTURE_PROTOCOLS = [
  "2pc",
  "paxos-commit",
  "saga",
  "bus",
  "event-sourcing",
] as const;

const WORKLOADS = new Map<string, TxnWorkload>([
  ["2pc", twoPcWorkload],
  ["paxos-commit", paxosCommitWorkload],
  ["saga", sagaWorkload],
  ["bus", busWorkload],
  ["event-sourcing", eventSourcingWorkload],
]);

/**
 * Options of one run (all optional).
 *
 * @example
 * ```ts
 * import type { TxnTortureOptions } from "./runner.ts";
 * const o: TxnTortureOptions = { durationMs: 3000, options: { style: "choreographed" } };
 * ```
 */
export interface TxnTortureOptions {
  /** Length of the faulty part, ms (default 6000). */
  readonly durationMs?: number;
  /** Time after healing for the protocol to finish its work (default 5000). */
  readonly settleMs?: number;
  /** Default: partition, kill, pause, loss, duplicate, reorder, delay. */
  readonly nemesis?: readonly NemesisKind[];
  /** Concurrent clients (default 3). */
  readonly clients?: number;
  /** Protocol options, e.g. `{ style: "choreographed" }` for the saga. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** A fixed fault schedule instead of a generated one (replay). */
  readonly schedule?: readonly NemesisStep[];
  /** Runs this protocol instead of the named one (a test's deliberately broken variant). */
  readonly protocol?: AnyProtocol;
  /** Every link's integrity option (default `none`). */
  readonly integrity?: Integrity;
}

/**
 * The outcome of one seed.
 *
 * @example
 * ```ts
 * import type { TxnTortureOutcome } from "./runner.ts";
 * function failed(o: TxnTortureOutcome): boolean {
 *   return o.violation !== null;
 * }
 * ```
 */
export interface TxnTortureOutcome {
  readonly protocol: string;
  readonly seed: number;
  /** The first violated invariant, or null. */
  readonly violation: string | null;
  /** Virtual time of the violation. */
  readonly violationAt: number | null;
  readonly ops: Ops;
  /** Invariant checks run (after steps that changed something). */
  readonly checks: number;
  readonly schedule: readonly NemesisStep[];
  readonly stats: SimStats;
  readonly wallMs: number;
  /** Nodes their storage stopped, and why (a fault found, not a violation). */
  readonly stopped: readonly NodeStop[];
  /** Storage faults injected and detected over every disk. */
  readonly diskFaults: DiskFaultCounts;
  /** Nodes their storage kept down to the end; the end-state check is skipped then. */
  readonly lost: readonly NodeId[];
}

/**
 * What {@link watchTxnInvariants} reports.
 *
 * @example
 * ```ts
 * import type { InvariantWatch } from "./runner.ts";
 * function ok(w: InvariantWatch): boolean {
 *   return w.violation() === null;
 * }
 * ```
 */
export interface InvariantWatch {
  /** The first violation found, or null. */
  violation(): string | null;
  /** Checks run so far. */
  checks(): number;
  /** Virtual time of the violation. */
  violationAt(): number | null;
}

const DEFAULT_NEMESIS: readonly NemesisKind[] = [
  "partition",
  "kill",
  "pause",
  "loss",
  "duplicate",
  "reorder",
  "delay",
];

/**
 * Runs one seeded torture run of `protocol` and checks its invariants.
 *
 * @example
 * ```ts
 * import { tortureTxnSeed } from "./runner.ts";
 * tortureTxnSeed("saga", 3, { options: { style: "choreographed" } }).violation; // null
 * ```
 */
export function tortureTxnSeed(
  protocol: string,
  seed: number,
  o: TxnTortureOptions = {},
): TxnTortureOutcome {
  const started = performance.now();
  const h = harness(protocol, tortureOptions(protocol, o.options));
  const durationMs = o.durationMs ?? 6000;
  const sim = new Simulation({
    protocol: o.protocol ?? h.protocol,
    nodes: h.nodes,
    seed,
    options: h.options,
    integrity: o.integrity,
  });
  const schedule = o.schedule ?? seededSchedule(seed, {
    kinds: o.nemesis ?? DEFAULT_NEMESIS,
    nodes: sim.nodes,
    durationMs,
  });
  scheduleNemesis(sim, schedule);
  const ops: Ops = { invoked: 0, ok: 0, fail: 0, info: 0 };
  const w = watch(sim, h);
  h.start(sim, createRng(seed * 31 + 7), o.clients ?? 3, durationMs, ops);
  sim.runUntil(() => w.violation() !== null, durationMs);
  if (w.violation() === null) {
    healAll(sim);
    sim.runUntil(() => w.violation() !== null, o.settleMs ?? 5000);
  }
  let violation = w.violation(), violationAt = w.violationAt();
  // A node its damaged disk keeps down is lost for good: safety is still checked after
  // every step, but nothing can promise that the work it holds finishes (2PC blocks).
  const lost = sim.nodes.filter((n) => !sim.isUp(n) && sim.stopped.some((x) => x.node === n));
  if (violation === null && lost.length === 0) {
    try {
      violation = h.settled(sim);
    } catch (e) {
      violation = `end-state check threw: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (violation !== null) violationAt = sim.now();
  }
  return {
    protocol,
    seed,
    violation,
    violationAt,
    ops,
    checks: w.checks(),
    schedule,
    stats: { ...sim.stats },
    wallMs: performance.now() - started,
    stopped: [...sim.stopped],
    diskFaults: sim.diskFaultCounts(),
    lost,
  };
}

/**
 * The options a torture run gives the protocol: its workload's defaults (failure
 * injection, stock to sell), overridden by `extra`.
 *
 * @example
 * ```ts
 * import { tortureOptions } from "./runner.ts";
 * tortureOptions("2pc", { refuse: {} }).refuse; // {}
 * ```
 */
export function tortureOptions(
  protocol: string,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return { ...WORKLOADS.get(protocol)?.defaults, ...extra };
}

/**
 * Checks `protocol`'s safety invariants after every step of `sim` that changed
 * anything (a node's disk synced, a node went up or down, a projection moved). `options`
 * must be the options `sim` was created with. The first violation is kept; read it with
 * `violation()`.
 *
 * @example
 * ```ts
 * import { watchTxnInvariants } from "./runner.ts";
 * import { Simulation } from "../../nodes/simulator.ts";
 * import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
 * const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed: 1 });
 * const watch = watchTxnInvariants(sim, "2pc", {});
 * sim.request("n1", { f: "order", id: "o1", item: "item-1", qty: 1, amount: 5 }, 1);
 * sim.runFor(500);
 * watch.violation(); // null
 * ```
 */
export function watchTxnInvariants(
  sim: Simulation,
  protocol: string,
  options: Readonly<Record<string, unknown>>,
): InvariantWatch {
  return watch(sim, harness(protocol, options));
}

function watch(sim: Simulation, h: Harness): InvariantWatch {
  let violation: string | null = null, at: number | null = null, checks = 0, last = "";
  sim.afterStep(() => {
    if (violation !== null) return;
    const threw = sim.failures[0];
    if (threw !== undefined) {
      violation = `node ${threw.node} threw (crashed): ${threw.error}`;
      at = threw.time;
      return;
    }
    try {
      const fp = h.fingerprint(sim);
      if (fp === last) return;
      last = fp;
      checks++;
      violation = h.check(sim);
    } catch (e) {
      // State a lie left behind can trip the checker itself: that is a finding too.
      violation = `invariant check threw: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (violation !== null) at = sim.now();
  });
  return { violation: () => violation, checks: () => checks, violationAt: () => at };
}

function harness(name: string, options: Readonly<Record<string, unknown>>): Harness {
  const w = WORKLOADS.get(name);
  if (w === undefined) {
    throw new Error(
      `txn torture: unknown protocol '${name}' (known: ${TXN_TORTURE_PROTOCOLS.join(", ")})`,
    );
  }
  return w.harness(options);
}
