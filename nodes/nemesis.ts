/**
 * The nemesis: a seeded schedule of faults, as plain data so that a failing run can be
 * replayed and shrunk (drop steps, keep the rest). Each fault is a start step and an end
 * step. Steps apply to any {@link Runtime}: a simulated run schedules them in virtual
 * time, a live cluster (`deno task cluster --nemesis`) on real timers — the same seed
 * gives the same steps in both.
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import { createRng, type Rng } from "../protocols/random.ts";
import type { LinkFaults } from "./faults/network.ts";
import type { Runtime } from "./runtime.ts";
import { BYZANTINE_MODES, type ByzantineMode, byzantineOf } from "./faults/byzantine.ts";
import type { DiskFaults } from "./storage/disk_faults.ts";
import { DISK_FAULT_KINDS, type DiskFaultKind } from "../protocols/storage.ts";

const ruleIds = new WeakMap<Runtime, Map<number, number>>();

/**
 * The fault kinds the nemesis can inject.
 *
 * @example
 * ```ts
 * import { NEMESIS_KINDS } from "./nemesis.ts";
 * NEMESIS_KINDS.includes("skew"); // true
 * ```
 */
export const NEMESIS_KINDS = [
  "partition",
  "kill",
  "pause",
  "loss",
  "delay",
  "duplicate",
  "reorder",
  "skew",
  "bridge",
  "ring",
  "tamper",
] as const;

/**
 * One nemesis kind.
 *
 * @example
 * ```ts
 * import type { NemesisKind } from "./nemesis.ts";
 * const kinds: NemesisKind[] = ["partition", "kill"];
 * ```
 */
export type NemesisKind = typeof NEMESIS_KINDS[number] | "byzantine" | "disk" | "membership";

/**
 * Every kind `--nemesis` takes: {@link NEMESIS_KINDS}, which a crash-fault protocol is
 * meant to survive (tamper with link integrity on), `byzantine` (up to f = ⌊(n − 1)
 * / 3⌋ nodes, picked once per run from the seed, lie in a mode drawn per fault; only a
 * Byzantine-tolerant protocol survives it; the simulator and the live cluster both take
 * it), and `disk` (one node's disk suffers one storage fault kind for the fault's length,
 * with the probability of {@link DISK_NEMESIS_RATES}; the node reboots when it ends;
 * simulator only), and `membership` (a node leaves the membership and joins it again
 * when the fault ends, through the protocol's own add/remove operations; only for a
 * protocol whose nodes can rejoin as they are, `admin.rejoin`).
 *
 * @example
 * ```ts
 * import { ALL_NEMESIS_KINDS } from "./nemesis.ts";
 * ALL_NEMESIS_KINDS.includes("disk"); // true
 * ```
 */
export const ALL_NEMESIS_KINDS: readonly NemesisKind[] = [
  ...NEMESIS_KINDS,
  "byzantine",
  "disk",
  "membership",
];

/**
 * The probability the `disk` nemesis gives each storage fault kind while it is on: per
 * sync that writes (per read for `read-error`, per sync for `bit-flip`).
 *
 * @example
 * ```ts
 * import { DISK_NEMESIS_RATES } from "./nemesis.ts";
 * DISK_NEMESIS_RATES["bit-flip"]; // 0.01
 * ```
 */
export const DISK_NEMESIS_RATES: Readonly<Record<DiskFaultKind, number>> = {
  "fsync-error": 0.02,
  "disk-full": 0.02,
  "torn-write": 0.02,
  "bit-flip": 0.01,
  "misdirected-write": 0.01,
  "read-error": 0.02,
};

/**
 * One scheduled action. `fault` numbers pair a start with its end.
 *
 * @example
 * ```ts
 * import type { NemesisStep } from "./nemesis.ts";
 * // Fault 1: crash n2 at 500 ms, restart it at 1500 ms.
 * const steps: NemesisStep[] = [
 *   { at: 500, fault: 1, op: "crash", node: "n2" },
 *   { at: 1500, fault: 1, op: "restart", node: "n2" },
 * ];
 * ```
 */
export type NemesisStep =
  & { readonly at: number; readonly fault: number }
  & (
    | { readonly op: "partition"; readonly groups: NodeId[][] }
    | { readonly op: "bridge" | "ring" }
    | { readonly op: "heal-network" }
    | { readonly op: "crash" | "restart" | "pause" | "resume"; readonly node: NodeId }
    | {
      readonly op: "loss" | "duplicate" | "reorder" | "tamper";
      readonly p: number;
    }
    | { readonly op: "delay"; readonly meanMs: number; readonly jitterMs: number }
    | { readonly op: "clear-rules" }
    | { readonly op: "byzantine"; readonly nodes: NodeId[]; readonly mode: ByzantineMode }
    | { readonly op: "honest"; readonly nodes: NodeId[] }
    | { readonly op: "disk"; readonly node: NodeId; readonly faults: DiskFaults | null }
    | { readonly op: "leave" | "join"; readonly node: NodeId }
    | {
      readonly op: "skew";
      readonly node: NodeId;
      readonly skewMs: number;
      readonly drift: number;
    }
  );

/**
 * Parses `partition,kill,…` into kinds; throws a one-line error for an unknown kind.
 *
 * @example
 * ```ts
 * import { parseNemesis } from "./nemesis.ts";
 * parseNemesis("partition,kill"); // ["partition", "kill"]
 * ```
 */
export function parseNemesis(text: string): NemesisKind[] {
  if (text.trim() === "" || text === "none") return [];
  const kinds = text.split(",").map((s) => s.trim());
  for (const k of kinds) {
    if (!(ALL_NEMESIS_KINDS as readonly string[]).includes(k)) {
      throw new Error(`unknown nemesis '${k}' (known: ${ALL_NEMESIS_KINDS.join(", ")})`);
    }
  }
  return kinds as NemesisKind[];
}

/**
 * Options of {@link generateSchedule}.
 *
 * @example
 * ```ts
 * import type { ScheduleOptions } from "./nemesis.ts";
 * const o: ScheduleOptions = {
 *   kinds: ["partition", "loss"],
 *   nodes: ["n1", "n2", "n3"],
 *   durationMs: 10_000,
 *   intervalMs: 1000,
 * };
 * ```
 */
export interface ScheduleOptions {
  readonly kinds: readonly NemesisKind[];
  readonly nodes: readonly NodeId[];
  /** Length of the faulty part of the run, ms. */
  readonly durationMs: number;
  /** Mean time between fault starts (default 2000 ms). */
  readonly intervalMs?: number;
  /** Mean fault length (default 1500 ms). */
  readonly faultMs?: number;
}

/**
 * Draws a fault schedule from `rng`. Faults may overlap; all end by `durationMs`.
 *
 * @example
 * ```ts
 * import { generateSchedule } from "./nemesis.ts";
 * import { createRng } from "../protocols/random.ts";
 * const steps = generateSchedule(createRng(1), {
 *   kinds: ["kill"], nodes: ["n1", "n2", "n3"], durationMs: 10_000,
 * });
 * steps[0]?.op; // "crash"
 * ```
 */
export function generateSchedule(rng: Rng, o: ScheduleOptions): NemesisStep[] {
  const steps: NemesisStep[] = [];
  if (o.kinds.length === 0) return steps;
  const interval = o.intervalMs ?? 2000;
  const length = o.faultMs ?? 1500;
  const nodes = o.nodes;
  let t = interval * (0.5 + rng.next());
  let fault = 0;
  // The Byzantine nodes of the run: picked once, so overlapping faults never exceed f.
  let liars: NodeId[] | null = null;
  while (t < o.durationMs) {
    const kind = o.kinds[rng.int(o.kinds.length)]!;
    const end = Math.min(o.durationMs, t + length * (0.5 + rng.next()));
    const at = Math.round(t);
    const until = Math.round(end);
    fault++;
    const node = nodes[rng.int(nodes.length)]!;
    switch (kind) {
      case "partition": {
        const shuffled = shuffle(rng, nodes);
        const cut = 1 + rng.int(Math.max(1, nodes.length - 1));
        steps.push({ at, fault, op: "partition", groups: [shuffled.slice(0, cut)] });
        steps.push({ at: until, fault, op: "heal-network" });
        break;
      }
      case "bridge":
      case "ring":
        steps.push({ at, fault, op: kind });
        steps.push({ at: until, fault, op: "heal-network" });
        break;
      case "kill":
        steps.push({ at, fault, op: "crash", node });
        steps.push({ at: until, fault, op: "restart", node });
        break;
      case "pause":
        steps.push({ at, fault, op: "pause", node });
        steps.push({ at: until, fault, op: "resume", node });
        break;
      case "loss":
        steps.push({ at, fault, op: "loss", p: round(0.1 + 0.4 * rng.next()) });
        steps.push({ at: until, fault, op: "clear-rules" });
        break;
      case "duplicate":
      case "reorder":
        steps.push({ at, fault, op: kind, p: round(0.1 + 0.4 * rng.next()) });
        steps.push({ at: until, fault, op: "clear-rules" });
        break;
      case "tamper":
        // Rarer than loss: most protocols send many messages per operation.
        steps.push({ at, fault, op: "tamper", p: round(0.01 + 0.09 * rng.next()) });
        steps.push({ at: until, fault, op: "clear-rules" });
        break;
      case "delay":
        steps.push({
          at,
          fault,
          op: "delay",
          meanMs: Math.round(20 + 80 * rng.next()),
          jitterMs: 10,
        });
        steps.push({ at: until, fault, op: "clear-rules" });
        break;
      case "byzantine": {
        const f = Math.floor((nodes.length - 1) / 3);
        if (f === 0) break;
        liars ??= shuffle(rng, nodes).slice(0, 1 + rng.int(f));
        const mode = BYZANTINE_MODES[rng.int(BYZANTINE_MODES.length)]!;
        steps.push({ at, fault, op: "byzantine", nodes: liars, mode });
        steps.push({ at: until, fault, op: "honest", nodes: liars });
        break;
      }
      case "disk": {
        const k = DISK_FAULT_KINDS[rng.int(DISK_FAULT_KINDS.length)]!;
        steps.push({ at, fault, op: "disk", node, faults: { [k]: DISK_NEMESIS_RATES[k] } });
        // It ends with a reboot, faults still on, so that recovery reads the medium back
        // (damage a running node's cache hides is found now); then the faults stop, and a
        // node they stopped is started again, as a supervisor would.
        steps.push({ at: until, fault, op: "crash", node });
        steps.push({ at: until, fault, op: "restart", node });
        steps.push({ at: until, fault, op: "disk", node, faults: null });
        steps.push({ at: until, fault, op: "restart", node });
        break;
      }
      case "membership":
        steps.push({ at, fault, op: "leave", node });
        steps.push({ at: until, fault, op: "join", node });
        break;
      case "skew": {
        const skewMs = Math.round((rng.next() - 0.5) * 2000);
        const drift = round((rng.next() - 0.5) * 0.2);
        steps.push({ at, fault, op: "skew", node, skewMs, drift });
        steps.push({ at: until, fault, op: "skew", node, skewMs: 0, drift: 0 });
        break;
      }
    }
    t += interval * (0.5 + rng.next());
  }
  return steps.sort((a, b) => a.at - b.at || a.fault - b.fault);
}

/**
 * The schedule of the run with `seed`. It has its own random stream, derived from the
 * seed, so the same schedule can be replayed with steps removed while the cluster's
 * randomness stays comparable.
 *
 * @example
 * ```ts
 * import { seededSchedule } from "./nemesis.ts";
 * const o = { kinds: ["kill"] as const, nodes: ["n1", "n2", "n3"], durationMs: 10_000 };
 * seededSchedule(7, o).length === seededSchedule(7, o).length; // true
 * ```
 */
export function seededSchedule(seed: number, o: ScheduleOptions): NemesisStep[] {
  return generateSchedule(createRng(seed * 7919 + 17), o);
}

/**
 * Schedules every step on the runtime (times are absolute: virtual ms in the simulator,
 * ms since the start on a live cluster); `onStep` sees each step as it is applied.
 *
 * @example
 * ```ts
 * import { scheduleNemesis } from "./nemesis.ts";
 * import { Simulation } from "./simulator.ts";
 * import { heartbeat } from "../protocols/heartbeat/mod.ts";
 * const sim = new Simulation({ protocol: heartbeat, nodes: 3, seed: 1 });
 * scheduleNemesis(sim, [{ at: 100, fault: 1, op: "crash", node: "n1" }]);
 * ```
 */
export function scheduleNemesis(
  rt: Runtime,
  steps: readonly NemesisStep[],
  onStep?: (s: NemesisStep) => void,
): void {
  for (const s of steps) {
    rt.at(s.at, () => {
      onStep?.(s);
      applyStep(rt, s);
    });
  }
}

/**
 * Applies one step now.
 *
 * @example
 * ```ts
 * import { applyStep } from "./nemesis.ts";
 * import { Simulation } from "./simulator.ts";
 * import { heartbeat } from "../protocols/heartbeat/mod.ts";
 * const sim = new Simulation({ protocol: heartbeat, nodes: 3, seed: 1 });
 * applyStep(sim, { at: 0, fault: 1, op: "bridge" });
 * ```
 */
export function applyStep(sim: Runtime, s: NemesisStep): void {
  sim.note("nemesis", "fault", s);
  let rules = ruleIds.get(sim);
  if (rules === undefined) ruleIds.set(sim, rules = new Map());
  const rule = (faults: LinkFaults) => rules.set(s.fault, sim.network.addRule("*", "*", faults));
  switch (s.op) {
    case "partition":
      sim.network.partition(s.groups);
      return;
    case "bridge":
      sim.network.bridge();
      return;
    case "ring":
      sim.network.majoritiesRing();
      return;
    case "heal-network":
      sim.network.healPartitions();
      return;
    case "crash":
      return sim.crash(s.node);
    case "restart": {
      // A Worker restarts asynchronously; a node that cannot start stays down (said in
      // the trace by the runtime), which the schedule does not wait for.
      const started = sim.restart(s.node);
      if (started instanceof Promise) started.catch(() => {});
      return;
    }
    case "pause":
      return sim.pause(s.node);
    case "resume":
      return sim.resume(s.node);
    case "loss":
      rule({ drop: s.p });
      return;
    case "duplicate":
      rule({ duplicate: s.p });
      return;
    case "reorder":
      rule({ reorder: s.p });
      return;
    case "tamper":
      rule({ tamper: s.p });
      return;
    case "delay":
      rule({ delay: { kind: "normal", mean: s.meanMs, jitter: s.jitterMs } });
      return;
    case "clear-rules": {
      // Ends only this fault's rule, so overlapping faults keep theirs.
      const id = rules.get(s.fault);
      if (id !== undefined) sim.network.remove(id);
      rules.delete(s.fault);
      return;
    }
    case "skew":
      return sim.setClock(s.node, { skew: s.skewMs, drift: s.drift });
    case "disk":
      // Only the simulator has disks that can fail on cue.
      if (sim.setDiskFaults === undefined) throw new Error("the disk nemesis is simulator-only");
      return sim.setDiskFaults(s.node, s.faults);
    case "byzantine":
    case "honest":
      // The runtime's message path (simulator or Worker router) rewrites their messages.
      for (const n of s.nodes) byzantineOf(sim).set(n, s.op === "byzantine" ? s.mode : null);
      return;
    case "leave":
    case "join":
      return changeMembership(sim, s.op, s.node);
  }
}

/**
 * The operations a runtime's protocol changes its membership with (see `admin.ts`):
 * registered by whoever runs the `membership` nemesis on it.
 *
 * @example
 * ```ts
 * import { setMembershipOps } from "./nemesis.ts";
 * import { Simulation } from "./simulator.ts";
 * import { quorumKv } from "../protocols/quorum/mod.ts";
 * const sim = new Simulation({ protocol: quorumKv, nodes: 3, seed: 1 });
 * setMembershipOps(sim, {
 *   join: (n) => ({ f: "add-node", node: n }), leave: (n) => ({ f: "remove-node", node: n }),
 * });
 * ```
 */
export function setMembershipOps(
  rt: Runtime,
  ops: { join(node: NodeId): unknown; leave(node: NodeId): unknown },
): void {
  membershipOps.set(rt, { ...ops, touched: new Set() });
}

const membershipOps = new WeakMap<Runtime, {
  join(node: NodeId): unknown;
  leave(node: NodeId): unknown;
  /** Nodes the nemesis ever took out. */
  touched: Set<NodeId>;
}>();

/** The client id the nemesis's own operations go under (no workload client has it). */
const NEMESIS_CLIENT = 1_000_000_000;

function changeMembership(rt: Runtime, op: "leave" | "join", node: NodeId): void {
  const ops = membershipOps.get(rt);
  if (ops === undefined) {
    throw new Error("the membership nemesis needs a protocol whose nodes can leave and rejoin");
  }
  // One coordinator (the first running node) for every change, so changes are ordered
  // by its epochs rather than racing one another.
  const by = rt.nodes.find((n) => n !== node && rt.isUp(n) && !rt.isPaused(n));
  if (by === undefined) return;
  if (op === "leave") ops.touched.add(node);
  rt.submit(by, op === "leave" ? ops.leave(node) : ops.join(node), NEMESIS_CLIENT, () => {});
}

/**
 * Ends every fault: heals the network, clears rules, restarts and resumes every node,
 * and resets clocks. Used before the final convergence phase of a run.
 *
 * @example
 * ```ts
 * import { healAll } from "./nemesis.ts";
 * import { Simulation } from "./simulator.ts";
 * import { heartbeat } from "../protocols/heartbeat/mod.ts";
 * healAll(new Simulation({ protocol: heartbeat, nodes: 3, seed: 1 }));
 * ```
 */
export function healAll(sim: Runtime): Promise<void> {
  sim.network.heal();
  const starting: Promise<void>[] = [];
  for (const n of sim.nodes) {
    if (!sim.isUp(n)) {
      const started = sim.restart(n);
      if (started instanceof Promise) starting.push(started.catch(() => {}));
    }
    if (sim.isPaused(n)) sim.resume(n);
    sim.setClock(n, { skew: 0, drift: 0 });
  }
  // Every node the membership nemesis touched joins again (a join of a member is a
  // no-op; a change that lost a race is made good here).
  const ops = membershipOps.get(sim);
  if (ops !== undefined) {
    for (const n of ops.touched) changeMembership(sim, "join", n);
  }
  return Promise.all(starting).then(() => {});
}

function shuffle<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
