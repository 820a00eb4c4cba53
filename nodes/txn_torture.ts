/**
 * Torture runs for the transaction-style protocols — `2pc`, `saga` (orchestrated or
 * choreographed), `bus` and `event-sourcing` — whose correctness is not a KV history
 * but a set of invariants. One seeded run: a nemesis schedule (`nemesis.ts`), concurrent
 * simulated clients driving the protocol's own operations, the protocol's invariants
 * checked after every simulated step that changed anything, then heal, settle, and the
 * end-state checks (every transaction decided, every saga ended, every acknowledged
 * message consumed, every projection caught up).
 *
 * @example
 * ```ts
 * import { tortureTxnSeed } from "./txn_torture.ts";
 * const o = tortureTxnSeed("2pc", 1, { durationMs: 3000 });
 * o.violation; // null
 * ```
 *
 * @module
 */

import type { AnyProtocol, NodeId, Reply } from "../protocols/node.ts";
import { createRng, type Rng } from "../protocols/random.ts";
import { type SimStats, Simulation } from "./simulator.ts";
import {
  generateSchedule,
  healAll,
  type NemesisKind,
  type NemesisStep,
  scheduleNemesis,
} from "./nemesis.ts";
import { twoPhaseCommit } from "../protocols/txn/two_phase_commit.ts";
import { orderRoles } from "../protocols/txn/order.ts";
import type { ParticipantNode } from "../protocols/txn/participant.ts";
import {
  checkTwoPhaseCommit,
  checkTwoPhaseSettled,
  readRecords,
  twoPhaseView,
  type TxnClusterView,
} from "../protocols/txn/invariants.ts";
import { saga } from "../protocols/saga/saga.ts";
import {
  checkSaga,
  checkSagaSettled,
  type SagaClusterView,
  sagaView,
} from "../protocols/saga/invariants.ts";
import { bus, type BusNode } from "../protocols/bus/bus.ts";
import { ackQuorum, busConfig, leaderOf, partitionOf } from "../protocols/bus/config.ts";
import type { PollResult } from "../protocols/bus/message.ts";
import {
  type BusReplicaView,
  createBusChecker,
  durableReplicaViews,
  liveReplicaViews,
} from "../protocols/bus/invariants.ts";
import { esRoles, eventSourcing } from "../protocols/eventsourcing/event_sourcing.ts";
import type { EventStoreNode } from "../protocols/eventsourcing/store.ts";
import type { QueryNode } from "../protocols/eventsourcing/query_node.ts";
import {
  checkAcknowledged,
  checkEventLog,
  checkProjection,
} from "../protocols/eventsourcing/invariants.ts";

/**
 * The protocols this driver knows.
 *
 * @example
 * ```ts
 * import { TXN_TORTURE_PROTOCOLS } from "./txn_torture.ts";
 * TXN_TORTURE_PROTOCOLS.includes("saga"); // true
 * ```
 */
export const TXN_TORTURE_PROTOCOLS = ["2pc", "saga", "bus", "event-sourcing"] as const;

/** Options of one run (all optional). */
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
}

/** The outcome of one seed. */
export interface TxnTortureOutcome {
  readonly protocol: string;
  readonly seed: number;
  /** The first violated invariant, or null. */
  readonly violation: string | null;
  /** Virtual time of the violation. */
  readonly violationAt: number | null;
  readonly ops: { invoked: number; ok: number; fail: number; info: number };
  /** Invariant checks run (after steps that changed something). */
  readonly checks: number;
  readonly schedule: readonly NemesisStep[];
  readonly stats: SimStats;
  readonly wallMs: number;
}

/** What a protocol brings to a run. */
interface Harness {
  readonly protocol: AnyProtocol;
  readonly nodes: number;
  readonly options: Readonly<Record<string, unknown>>;
  /** Changes whenever the state the checks read may have changed. */
  fingerprint(sim: Simulation): string;
  check(sim: Simulation): string | null;
  /** Starts the clients; they issue new work until `untilMs`. */
  start(sim: Simulation, rng: Rng, clients: number, untilMs: number, ops: Ops): void;
  settled(sim: Simulation): string | null;
}

type Ops = { invoked: number; ok: number; fail: number; info: number };

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
 * import { tortureTxnSeed } from "./txn_torture.ts";
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
  });
  const schedule = o.schedule ?? generateSchedule(createRng(seed * 7919 + 17), {
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
  if (violation === null) {
    violation = h.settled(sim);
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
  };
}

/**
 * The options a torture run gives the protocol: its workload's defaults (failure
 * injection, stock to sell), overridden by `extra`.
 *
 * @example
 * ```ts
 * import { tortureOptions } from "./txn_torture.ts";
 * tortureOptions("2pc", { refuse: {} }).refuse; // {}
 * ```
 */
export function tortureOptions(
  protocol: string,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  switch (protocol) {
    case "2pc":
      return { refuse: { payment: 0.1 }, ...PLENTY, ...extra };
    case "saga":
      return { refuse: { payment: 0.15, delivery: 0.1 }, ...PLENTY, ...extra };
    case "bus":
      return { topics: { events: { partitions: 3, replicas: 3 } }, ...extra };
    default:
      return { ...extra };
  }
}

/**
 * Checks `protocol`'s safety invariants after every step of `sim` that changed
 * anything (a node's disk synced, a node went up or down, a projection moved). `options`
 * must be the options `sim` was created with. The first violation is kept; read it with
 * `violation()`.
 *
 * @example
 * ```ts
 * import { watchTxnInvariants } from "./txn_torture.ts";
 * import { Simulation } from "./simulator.ts";
 * import { twoPhaseCommit } from "../protocols/txn/two_phase_commit.ts";
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
): { violation(): string | null; checks(): number; violationAt(): number | null } {
  return watch(sim, harness(protocol, options));
}

function watch(
  sim: Simulation,
  h: Harness,
): { violation(): string | null; checks(): number; violationAt(): number | null } {
  let violation: string | null = null, at: number | null = null, checks = 0, last = "";
  sim.afterStep(() => {
    if (violation !== null) return;
    const fp = h.fingerprint(sim);
    if (fp === last) return;
    last = fp;
    checks++;
    violation = h.check(sim);
    if (violation !== null) at = sim.now();
  });
  return { violation: () => violation, checks: () => checks, violationAt: () => at };
}

function harness(name: string, options: Readonly<Record<string, unknown>>): Harness {
  switch (name) {
    case "2pc":
      return twoPcHarness(options);
    case "saga":
      return sagaHarness(options);
    case "bus":
      return busHarness(options);
    case "event-sourcing":
      return esHarness(options);
    default:
      throw new Error(
        `txn torture: unknown protocol '${name}' (known: ${TXN_TORTURE_PROTOCOLS.join(", ")})`,
      );
  }
}

// ---------------------------------------------------------------------------------------
// Shared pieces

/**
 * Reads `prefix` from a node's disk, re-reading only after the disk synced again (every
 * write is synced before the step ends, so between syncs nothing changed).
 */
function diskCache(): <T>(sim: Simulation, node: NodeId, prefix: string) => Record<string, T> {
  const cache = new Map<string, { syncs: number; data: Record<string, unknown> }>();
  return <T>(sim: Simulation, node: NodeId, prefix: string): Record<string, T> => {
    const disk = sim.disk(node);
    const key = `${node} ${prefix}`;
    const hit = cache.get(key);
    if (hit !== undefined && hit.syncs === disk.syncs) return hit.data as Record<string, T>;
    const data = readRecords<unknown>(disk, prefix);
    cache.set(key, { syncs: disk.syncs, data });
    return data as Record<string, T>;
  };
}

/**
 * Tracks what changed between checks: `changed(key, records, ids)` adds the ids whose
 * record is a different object than last time (records are immutable once written) and
 * says whether anything under `key` changed.
 */
function differ(): (key: string, records: Record<string, unknown>, ids: Set<string>) => boolean {
  const previous = new Map<string, Record<string, unknown>>();
  return (key, records, ids) => {
    const before = previous.get(key);
    if (before === records) return false;
    previous.set(key, records);
    for (const k of Object.keys(records)) if (before?.[k] !== records[k]) ids.add(k);
    return true;
  };
}

/** The storage of every node changes only with a sync; up/down changes in-memory state. */
function diskFingerprint(sim: Simulation): string {
  return sim.nodes.map((n) => `${sim.disk(n).syncs}${sim.isUp(n) ? "+" : "-"}`).join(",");
}

/**
 * A client that sends `next()`'s operation, waits for the reply or `timeoutMs`, thinks
 * a little, and repeats until `untilMs`. `onReply` sees `info` for a timeout.
 */
function clientLoop(
  sim: Simulation,
  rng: Rng,
  client: number,
  untilMs: number,
  ops: Ops,
  next: () => { node: NodeId; op: unknown },
  onReply: (op: unknown, reply: Reply) => void,
  timeoutMs = 2500,
): void {
  const go = () => {
    if (sim.now() >= untilMs) return;
    const { node, op } = next();
    ops.invoked++;
    let done = false;
    const finish = (reply: Reply) => {
      if (done) return;
      done = true;
      ops[reply.type]++;
      onReply(op, reply);
      sim.after(1 + rng.next() * 40, go);
    };
    sim.request(node, op, client, finish);
    sim.after(timeoutMs, () => finish({ type: "info", error: "client timeout" }));
  };
  sim.after(rng.next() * 50, go);
}

/** Enough stock and money that most orders fail by injection or conflict, a few by shortage. */
const PLENTY = {
  stock: { "item-1": 300, "item-2": 300, "item-3": 300 },
  balances: { alice: 8000, bob: 8000, carol: 8000 },
};

function orderOp(rng: Rng, id: string) {
  return {
    f: "order",
    id,
    item: `item-${1 + rng.int(3)}`,
    qty: 1 + rng.int(3),
    amount: 10 + rng.int(40),
    account: ["alice", "bob", "carol"][rng.int(3)]!,
    region: ["east", "west", "north", "south"][rng.int(4)]!,
  };
}

// ---------------------------------------------------------------------------------------
// 2PC

function twoPcHarness(options: Readonly<Record<string, unknown>>): Harness {
  const replies = new Map<string, "ok" | "fail">();
  const read = diskCache();
  const changed = differ();
  const wasUp = new Map<NodeId, boolean>();
  const view = (sim: Simulation): TxnClusterView =>
    twoPhaseView(sim.nodes, options, (n, p) => read(sim, n, p), (n) => {
      const node = sim.host(n)?.node as Partial<ParticipantNode> | undefined;
      return node?.locks ?? null;
    });
  return {
    protocol: twoPhaseCommit,
    nodes: 4,
    options,
    fingerprint: diskFingerprint,
    check(sim) {
      const v = view(sim);
      const txns = new Set<string>(), nodes = new Set<NodeId>(), ignored = new Set<string>();
      changed("coordinator", read(sim, orderRoles(sim.nodes, options).order, "txn/"), txns);
      for (const p of v.participants) {
        if (changed(p.node, read(sim, p.node, "txn/"), txns)) nodes.add(p.node);
        if (changed(p.node + " res", read(sim, p.node, "res/"), ignored)) nodes.add(p.node);
        if (wasUp.get(p.node) !== (p.locks !== null)) nodes.add(p.node);
        wasUp.set(p.node, p.locks !== null);
      }
      return checkTwoPhaseCommit(v, { txns, nodes });
    },
    start(sim, rng, clients, untilMs, ops) {
      for (let c = 1; c <= clients; c++) {
        let n = 0;
        clientLoop(sim, rng, c, untilMs, ops, () => ({
          node: "n1",
          op: orderOp(rng, `c${c}-${n++}`),
        }), (op, reply) => {
          if (reply.type !== "info") replies.set((op as { id: string }).id, reply.type);
        });
      }
    },
    settled(sim) {
      const v = view(sim);
      const bad = checkTwoPhaseCommit(v) ?? checkTwoPhaseSettled(v);
      if (bad !== null) return bad;
      for (const [id, r] of replies) {
        const d = v.coordinator[id]?.decision;
        if ((r === "ok") !== (d === "commit")) return `client got ${r} for ${id}, decision ${d}`;
      }
      return null;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Saga

function sagaHarness(options: Readonly<Record<string, unknown>>): Harness {
  const choreographed = options.style === "choreographed";
  const replies = new Map<string, "ok" | "fail">();
  const read = diskCache();
  const changed = differ();
  const nodes = choreographed ? 7 : 4;
  const view = (sim: Simulation): SagaClusterView =>
    sagaView(sim.nodes, options, (n, p) => read(sim, n, p));
  return {
    protocol: saga,
    nodes,
    options,
    fingerprint: diskFingerprint,
    check(sim) {
      const v = view(sim);
      const orders = new Set<string>(), nodes = new Set<NodeId>(), ignored = new Set<string>();
      const order = orderRoles(sim.nodes, options).order;
      changed("orders", read(sim, order, choreographed ? "order/" : "saga/"), orders);
      for (const sv of v.services) {
        if (changed(sv.node, read(sim, sv.node, "step/"), orders)) nodes.add(sv.node);
        if (changed(sv.node + " res", read(sim, sv.node, "res/"), ignored)) nodes.add(sv.node);
      }
      return checkSaga(v, { orders, nodes });
    },
    start(sim, rng, clients, untilMs, ops) {
      for (let c = 1; c <= clients; c++) {
        let n = 0;
        clientLoop(sim, rng, c, untilMs, ops, () => ({
          node: "n1",
          op: orderOp(rng, `c${c}-${n++}`),
        }), (op, reply) => {
          if (reply.type === "info") return;
          const outcome = reply.type === "ok"
            ? (reply.value as { outcome?: string } | undefined)?.outcome
            : undefined;
          if (outcome !== "pending") replies.set((op as { id: string }).id, reply.type);
        });
      }
    },
    settled(sim) {
      const v = view(sim);
      const bad = checkSagaSettled(v);
      if (bad !== null) return bad;
      for (const [id, r] of replies) {
        const s = v.orders[id]?.state;
        if ((r === "ok") !== (s === "done")) return `client got ${r} for ${id}, saga ${s}`;
      }
      return null;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Bus

function busHarness(options: Readonly<Record<string, unknown>>): Harness {
  const checker = createBusChecker();
  const consumed = new Map<string, Set<number>>(); // partition → offsets
  let late: string | null = null; // a violation found outside a step check
  // Live replicas of running brokers at every step; at the end, every node's disk.
  const replicas = (sim: Simulation, durable: boolean): BusReplicaView[] =>
    durable
      ? durableReplicaViews(busConfig(sim.nodes, options), sim.nodes, (n) => sim.disk(n))
      : liveReplicaViews(
        sim.nodes.map((n) => [n, (sim.host(n)?.node as BusNode | undefined)?.broker ?? null]),
      );
  return {
    protocol: bus,
    nodes: 3,
    options,
    fingerprint: diskFingerprint,
    check(sim) {
      const bad = checker.observe(replicas(sim, false));
      if (bad !== null || late === null) return bad;
      const msg = late;
      late = null;
      return msg;
    },
    start(sim, rng, clients, untilMs, ops) {
      const config = busConfig(sim.nodes, options);
      // Producers: each sends its records one at a time, retrying the same seq until it
      // is acknowledged, so its records must appear once each, in order.
      for (let c = 1; c <= clients; c++) {
        let seq = 0, retrying = false;
        const send = () => {
          if (!retrying && sim.now() >= untilMs) return; // no new records after the faults
          if (sim.now() >= untilMs + 4000) return;
          const key = `p${c}-k${seq % 4}`, value = { c, seq };
          const partition = partitionOf(config, "events", key);
          let done = false;
          const retry = () => {
            done = true;
            retrying = true;
            sim.after(30 + rng.next() * 70, send);
          };
          const op = {
            f: "produce",
            topic: "events",
            key,
            value,
            producer: `client-${c}`,
            seq,
          };
          ops.invoked++;
          sim.request(leaderOf(config, "events", partition), op, c, (reply) => {
            ops[reply.type]++;
            if (done) return;
            if (reply.type !== "ok") return retry();
            done = true;
            retrying = false;
            const offset = (reply.value as { offset: number }).offset;
            late ??= checker.acknowledged({ topic: "events", partition, offset, key, value });
            seq++;
            sim.after(rng.next() * 30, send);
          });
          sim.after(1000, () => done || retry());
        };
        sim.after(rng.next() * 50, send);
      }
      // One consumer per partition in group "g"; now and then it "crashes" and resumes
      // from the committed offset, which redelivers what it had not committed.
      for (let p = 0; p < config.topics.events!.partitions; p++) {
        let position: number | null = null;
        const poll = () => {
          if (sim.now() > untilMs + 8000) return;
          let done = false;
          const again = () => {
            if (done) return;
            done = true;
            sim.after(20 + rng.next() * 30, poll);
          };
          const op = position === null
            ? { f: "poll", topic: "events", partition: p, group: "g", max: 20 }
            : { f: "poll", topic: "events", partition: p, group: "g", offset: position, max: 20 };
          sim.request(leaderOf(config, "events", p), op, 100 + p, (reply) => {
            if (done) return;
            if (reply.type === "ok") {
              const r = reply.value as PollResult;
              const from = position ?? r.committed;
              r.records.forEach((rec, i) => {
                if (rec.offset !== from + i) late ??= `poll of events/${p} skipped an offset`;
                let set = consumed.get(`events/${p}`);
                if (set === undefined) consumed.set(`events/${p}`, set = new Set());
                set.add(rec.offset);
              });
              position = from + r.records.length;
              if (r.records.length > 0) {
                sim.request(leaderOf(config, "events", p), {
                  f: "commit",
                  topic: "events",
                  partition: p,
                  group: "g",
                  offset: position,
                }, 100 + p);
              }
              if (rng.next() < 0.05) position = null; // consumer crash
            }
            again();
          });
          sim.after(500, again);
        };
        sim.after(rng.next() * 50, poll);
      }
    },
    settled(sim) {
      const all = replicas(sim, true);
      const bad = checker.observe(all) ??
        checker.checkDurable(all, (topic) => ackQuorum(busConfig(sim.nodes, options), topic));
      if (bad !== null) return bad;
      if (late !== null) return late;
      for (const v of all.filter((x) => x.leader)) {
        const got = consumed.get(`${v.topic}/${v.partition}`) ?? new Set();
        for (let o = 0; o < v.hw; o++) {
          if (!got.has(o)) {
            return `${v.topic}/${v.partition}@${o} was acknowledged but never consumed`;
          }
        }
      }
      return null;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Event sourcing

function esHarness(options: Readonly<Record<string, unknown>>): Harness {
  const acked = new Set<string>();
  const reserved: { item: string; order: string }[] = [];
  const storeOf = (sim: Simulation) => esRoles(sim.nodes, options).store;
  const events = (sim: Simulation) => {
    const node = sim.host(storeOf(sim))?.node as EventStoreNode | undefined;
    if (node !== undefined) return node.events;
    const d = sim.disk(storeOf(sim));
    return d.keys("es/").map((k) => d.get(k) as EventStoreNode["events"][number]);
  };
  const check = (sim: Simulation, final: boolean): string | null => {
    const log = events(sim);
    const bad = checkEventLog(log) ?? checkAcknowledged(log, acked);
    if (bad !== null) return bad;
    for (const q of esRoles(sim.nodes, options).queries) {
      const node = sim.host(q)?.node as QueryNode | undefined;
      if (node === undefined) continue;
      const p = checkProjection(node.projection, log);
      if (p !== null) return `${q}: ${p}`;
      if (final && node.projection.position !== log.length) {
        return `${q}: projection at ${node.projection.position} never caught up with ${log.length}`;
      }
    }
    return null;
  };
  return {
    protocol: eventSourcing,
    nodes: 5,
    options,
    fingerprint: (sim) => {
      const roles = esRoles(sim.nodes, options);
      const positions = roles.queries.map((q) =>
        (sim.host(q)?.node as QueryNode | undefined)?.projection.position ?? -1
      );
      return `${diskFingerprint(sim)}|${positions.join(",")}`;
    },
    check: (sim) => check(sim, false),
    start(sim, rng, clients, untilMs, ops) {
      const roles = esRoles(sim.nodes, options);
      let n = 0;
      for (let c = 1; c <= clients; c++) {
        clientLoop(sim, rng, c, untilMs, ops, () => {
          const node = roles.commands[rng.int(roles.commands.length)]!;
          const item = `item-${1 + rng.int(3)}`;
          const id = `c${c}-${n++}`;
          const roll = rng.next();
          // Stock stays scarce, so reservations compete for the last units.
          if (roll < 0.2) return { node, op: { f: "add-stock", item, qty: 1 + rng.int(3), id } };
          if (roll < 0.8 || reserved.length === 0) {
            return { node, op: { f: "reserve", item, order: `o-${id}`, qty: 1 + rng.int(4), id } };
          }
          const r = reserved.splice(rng.int(reserved.length), 1)[0]!;
          return { node, op: { f: "release", item: r.item, order: r.order, id } };
        }, (op, reply) => {
          const o = op as { f: string; id: string; item: string; order?: string };
          if (reply.type !== "ok") return;
          if ((reply.value as { events?: number }).events !== 0) acked.add(o.id);
          if (o.f === "reserve") reserved.push({ item: o.item, order: o.order! });
        });
      }
      // Readers on the query side, to exercise the read path under faults.
      for (const q of roles.queries) {
        clientLoop(sim, rng, 50, untilMs, ops, () => ({
          node: q,
          op: rng.next() < 0.5
            ? { f: "stock", item: `item-${1 + rng.int(3)}` }
            : { f: "as-of", item: `item-${1 + rng.int(3)}`, version: rng.int(10) },
        }), () => {});
      }
    },
    settled: (sim) => check(sim, true),
  };
}
