/**
 * One complete simulated run, as `deno task sim` and the torture runner do it: build the
 * simulation, schedule the nemesis, run for the duration, heal everything and let the
 * cluster settle, then summarise.
 *
 * @module
 */

import type { AnyProtocol, NodeId, NodeStatus, ProtocolNode } from "../protocols/node.ts";
import { protocolByName } from "../protocols/registry.ts";
import { type NodeFailure, type NodeStop, type SimStats, Simulation } from "../nodes/simulator.ts";
import type { DiskFaultCounts } from "../nodes/storage/disk_faults.ts";
import type { Integrity } from "../nodes/faults/link_integrity.ts";
import { type ByzantineMode, byzantineOf } from "../nodes/faults/byzantine.ts";
import { startKvWorkload } from "./kv_workload.ts";
import type { HistoryEvent } from "../history/event.ts";
import {
  healAll,
  type NemesisKind,
  type NemesisStep,
  scheduleNemesis,
  seededSchedule,
  setMembershipOps,
} from "../nodes/nemesis.ts";

/**
 * What to run.
 *
 * @example
 * ```ts
 * import type { SimRunConfig } from "./sim_run.ts";
 * const c: SimRunConfig = {
 *   protocol: "raft-kv",
 *   nodes: 5,
 *   seed: 7,
 *   durationMs: 10_000,
 *   nemesis: ["partition", "kill"],
 *   clients: 3,
 * };
 * ```
 */
export interface SimRunConfig {
  /** A registered protocol's name, or the protocol itself. */
  readonly protocol: string | AnyProtocol;
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
  /** Concurrent KV clients recording a history (KV protocols only; default 0). */
  readonly clients?: number;
  /** Stop the clients after this many operations in all. */
  readonly maxOps?: number;
  /** Keys the clients use (default 3). */
  readonly keys?: number;
  /** Check the protocol's invariants after every step (default true, when it has any). */
  readonly invariants?: boolean;
  /** Every link's integrity option (default `none`). */
  readonly integrity?: Integrity;
  /** Nodes Byzantine for the whole run, and how. */
  readonly byzantine?: Readonly<Record<NodeId, ByzantineMode>>;
}

/**
 * What a run produced.
 *
 * @example
 * ```ts
 * import { runSimulation } from "./sim_run.ts";
 * const r = runSimulation({
 *   protocol: "lww", nodes: 3, seed: 1, durationMs: 2000, nemesis: [], clients: 2,
 * });
 * r.history?.length; // the client history, since clients ran
 * ```
 */
export interface SimRunResult {
  readonly sim: Simulation;
  readonly schedule: readonly NemesisStep[];
  readonly stats: SimStats;
  readonly statuses: Record<NodeId, NodeStatus>;
  readonly traceHash?: string;
  readonly wallMs: number;
  /** The client history, when clients ran. */
  readonly history?: HistoryEvent[];
  /** Each replica's data after heal and settling (KV protocols that can dump). */
  readonly finalData?: Record<NodeId, Readonly<Record<string, unknown>>>;
  /** For partially replicated protocols: which nodes own a key (from `owns`). */
  readonly ownersOf?: (key: string) => NodeId[];
  /** The first invariant violation seen after a step, and when (virtual ms). */
  readonly invariant?: { readonly timeMs: number; readonly message: string };
  /** The first node that threw out of a step (the simulator crashed it). */
  readonly failure?: NodeFailure;
  /** Nodes their storage stopped, and why (a fault found, not a violation). */
  readonly stopped: readonly NodeStop[];
  /** Storage faults injected and detected over every disk. */
  readonly diskFaults: DiskFaultCounts;
  /** Times a node repaired damaged storage from a peer. */
  readonly repairs: number;
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
    protocol: typeof c.protocol === "string" ? protocolByName(c.protocol) : c.protocol,
    nodes: c.nodes,
    seed: c.seed,
    options: c.options,
    trace: c.trace ?? "none",
    integrity: c.integrity,
    byzantine: c.byzantine,
  });
  const schedule = c.schedule ?? seededSchedule(c.seed, {
    kinds: c.nemesis,
    nodes: sim.nodes,
    durationMs: c.durationMs,
  });
  const admin = sim.protocol.admin;
  if (admin?.rejoin === true && admin.addNode !== undefined && admin.removeNode !== undefined) {
    setMembershipOps(sim, { join: admin.addNode.op, leave: admin.removeNode });
  }
  scheduleNemesis(sim, schedule);
  const invariant = c.invariants === false ? null : watchInvariants(sim);
  const workload = c.clients
    ? startKvWorkload(sim, {
      clients: c.clients,
      untilMs: c.durationMs,
      maxOps: c.maxOps,
      keys: c.keys,
    })
    : undefined;
  setup?.(sim);
  sim.runUntilTime(c.durationMs);
  healAll(sim);
  sim.runFor(c.settleMs ?? 2000);
  workload?.finish();
  const statuses: Record<NodeId, NodeStatus> = {};
  const finalData: Record<NodeId, Readonly<Record<string, unknown>>> = {};
  // A node that was Byzantine promises nothing: neither invariants nor convergence.
  const faulty = byzantineOf(sim).ever();
  for (const n of sim.nodes) {
    statuses[n] = sim.status(n);
    const node = sim.host(n)?.node;
    if (node?.dump !== undefined && !faulty.has(n)) finalData[n] = node.dump();
  }
  return {
    history: workload?.history.events(),
    finalData: Object.keys(finalData).length > 0 ? finalData : undefined,
    ownersOf: sim.nodes.some((n) => sim.host(n)?.node.owns !== undefined)
      ? (key) => sim.nodes.filter((n) => sim.host(n)?.node.owns?.(key) ?? true)
      : undefined,
    sim,
    schedule,
    stats: { ...sim.stats },
    statuses,
    traceHash: c.trace && c.trace !== "none" ? sim.traceHash() : undefined,
    wallMs: performance.now() - started,
    ...(invariant?.found !== undefined ? { invariant: invariant.found } : {}),
    ...(sim.failures.length > 0 ? { failure: sim.failures[0] } : {}),
    stopped: [...sim.stopped],
    diskFaults: sim.diskFaultCounts(),
    repairs: sim.repaired.length,
  };
}

/**
 * Checks the protocol's invariants (if it declares any; else null) over the live nodes
 * after every step, leaving out nodes that were ever Byzantine; keeps the first
 * violation. Checking reads the nodes and changes nothing, so a run replays identically
 * with or without it.
 *
 * @example
 * ```ts
 * import { Simulation } from "../nodes/simulator.ts";
 * import { raftKv } from "../protocols/raft/mod.ts";
 * import { watchInvariants } from "./sim_run.ts";
 * const sim = new Simulation({ protocol: raftKv, nodes: 3, seed: 1 });
 * const watch = watchInvariants(sim)!;
 * sim.runFor(1000);
 * watch.found; // undefined: no violation
 * ```
 */
export function watchInvariants(
  sim: Simulation,
): { found: { timeMs: number; message: string } | undefined } | null {
  const make = sim.protocol.invariants;
  if (make === undefined) return null;
  const check = make();
  const live = new Map<NodeId, ProtocolNode<unknown, unknown>>();
  const out: { found: { timeMs: number; message: string } | undefined } = { found: undefined };
  const faulty = byzantineOf(sim).ever();
  // The map is rebuilt only when a node's host changed (a crash or a restart) or a node
  // turned Byzantine.
  const hosts: unknown[] = [];
  let faultyCount = -1;
  sim.afterStep(() => {
    if (out.found !== undefined) return;
    let changed = faulty.size !== faultyCount;
    faultyCount = faulty.size;
    for (let i = 0; i < sim.nodes.length; i++) {
      const h = sim.host(sim.nodes[i]!);
      if (hosts[i] !== h) {
        hosts[i] = h;
        changed = true;
      }
    }
    if (changed) {
      live.clear();
      for (const n of sim.nodes) {
        const h = sim.host(n);
        if (h !== null && !faulty.has(n)) live.set(n, h.node);
      }
    }
    let v: string[];
    try {
      v = check(live);
    } catch (e) {
      // State a lie left behind can trip the checker itself: that is a finding too.
      v = [`invariant check threw: ${e instanceof Error ? e.message : String(e)}`];
    }
    if (v.length > 0) out.found = { timeMs: sim.now(), message: v[0]! };
  });
  return out;
}
