/**
 * What every transaction-style torture workload is made of: the {@link Harness} a
 * protocol brings to a run, and the pieces the harnesses share (cached disk reads,
 * change tracking, client loops, the order clients).
 *
 * @module
 */

import type { AnyProtocol, NodeId, Reply } from "../../protocols/node.ts";
import type { Rng } from "../../protocols/random.ts";
import { readRecords } from "../../protocols/txn/invariants.ts";
import type { Simulation } from "../../nodes/simulator.ts";
import { info } from "../../protocols/reply.ts";

/**
 * Operation counts of a run, by outcome.
 *
 * @example
 * ```ts
 * import type { Ops } from "./harness.ts";
 * const ops: Ops = { invoked: 0, ok: 0, fail: 0, info: 0 };
 * ```
 */
export type Ops = { invoked: number; ok: number; fail: number; info: number };

/**
 * What a protocol brings to a run.
 *
 * @example
 * ```ts
 * import type { Harness } from "./harness.ts";
 * function describe(h: Harness): string {
 *   return `${h.protocol.name} on ${h.nodes} nodes`;
 * }
 * ```
 */
export interface Harness {
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

/**
 * A protocol's torture workload: the options it runs with unless told otherwise, and
 * the harness for given options.
 *
 * @example
 * ```ts
 * import type { TxnWorkload } from "./harness.ts";
 * function optionsOf(w: TxnWorkload, extra: Record<string, unknown>) {
 *   return { ...w.defaults, ...extra };
 * }
 * ```
 */
export interface TxnWorkload {
  readonly defaults: Readonly<Record<string, unknown>>;
  harness(options: Readonly<Record<string, unknown>>): Harness;
}

/**
 * Reads `prefix` from a node's disk, re-reading only after the disk synced again (every
 * write is synced before the step ends, so between syncs nothing changed).
 *
 * @example
 * ```ts
 * import { diskCache } from "./harness.ts";
 * import { Simulation } from "../../nodes/simulator.ts";
 * import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
 * const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed: 1 });
 * const read = diskCache();
 * Object.keys(read(sim, "n2", "txn/")).length; // 0
 * ```
 */
export function diskCache(): <T>(
  sim: Simulation,
  node: NodeId,
  prefix: string,
) => Record<string, T> {
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
 *
 * @example
 * ```ts
 * import { differ } from "./harness.ts";
 * const changed = differ();
 * const ids = new Set<string>();
 * changed("n2", { t1: { state: "prepared" } }, ids); // true
 * [...ids]; // ["t1"]
 * ```
 */
export function differ(): (
  key: string,
  records: Record<string, unknown>,
  ids: Set<string>,
) => boolean {
  const previous = new Map<string, Record<string, unknown>>();
  return (key, records, ids) => {
    const before = previous.get(key);
    if (before === records) return false;
    previous.set(key, records);
    for (const k of Object.keys(records)) if (before?.[k] !== records[k]) ids.add(k);
    return true;
  };
}

/**
 * The storage of every node changes only with a sync; up/down changes in-memory state.
 *
 * @example
 * ```ts
 * import { diskFingerprint } from "./harness.ts";
 * import { Simulation } from "../../nodes/simulator.ts";
 * import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
 * const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 2, seed: 1 });
 * diskFingerprint(sim); // "0+,0+"
 * ```
 */
export function diskFingerprint(sim: Simulation): string {
  return sim.nodes.map((n) => `${sim.disk(n).syncs}${sim.isUp(n) ? "+" : "-"}`).join(",");
}

/**
 * A client that sends `next()`'s operation, waits for the reply or `timeoutMs`, thinks
 * a little, and repeats until `untilMs`. `onReply` sees `info` for a timeout.
 *
 * @example
 * ```ts
 * import { clientLoop, type Ops } from "./harness.ts";
 * import { Simulation } from "../../nodes/simulator.ts";
 * import { createRng } from "../../protocols/random.ts";
 * import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
 * const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed: 1 });
 * const ops: Ops = { invoked: 0, ok: 0, fail: 0, info: 0 };
 * clientLoop(sim, createRng(1), 1, 500, ops, () => ({
 *   node: "n1",
 *   op: { f: "read", key: "stock/item-1" },
 * }), () => {});
 * sim.runFor(600);
 * ops.invoked > 0; // true
 * ```
 */
export function clientLoop(
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
    sim.after(timeoutMs, () => finish(info("timeout", "client timeout")));
  };
  sim.after(rng.next() * 50, go);
}

/**
 * Enough stock and money that most orders fail by injection or conflict, a few by
 * shortage.
 *
 * @example
 * ```ts
 * import { PLENTY } from "./harness.ts";
 * PLENTY.stock["item-1"]; // 300
 * ```
 */
export const PLENTY = {
  stock: { "item-1": 300, "item-2": 300, "item-3": 300 },
  balances: { alice: 8000, bob: 8000, carol: 8000 },
};

/**
 * Starts `clients` clients that each send random orders `c<client>-<n>` to `n1` until
 * `untilMs`, handing every reply to `onReply` with the order's id.
 *
 * @example
 * ```ts
 * import { orderClients, type Ops } from "./harness.ts";
 * import { Simulation } from "../../nodes/simulator.ts";
 * import { createRng } from "../../protocols/random.ts";
 * import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
 * const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed: 1 });
 * const ops: Ops = { invoked: 0, ok: 0, fail: 0, info: 0 };
 * const seen: string[] = [];
 * orderClients(sim, createRng(1), 2, 500, ops, (id) => seen.push(id));
 * sim.runFor(3000);
 * seen.includes("c1-0"); // true
 * ```
 */
export function orderClients(
  sim: Simulation,
  rng: Rng,
  clients: number,
  untilMs: number,
  ops: Ops,
  onReply: (id: string, reply: Reply) => void,
): void {
  for (let c = 1; c <= clients; c++) {
    let n = 0;
    clientLoop(
      sim,
      rng,
      c,
      untilMs,
      ops,
      () => ({ node: "n1", op: orderOp(rng, `c${c}-${n++}`) }),
      (op, reply) => onReply((op as { id: string }).id, reply),
    );
  }
}

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
