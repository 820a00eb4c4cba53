/**
 * What every transaction-style torture workload is made of: the {@link Harness} a
 * protocol brings to a run, and the pieces the harnesses share (record mirrors kept
 * current from the disks' write journals, change tracking, client loops, the order
 * clients).
 *
 * @module
 */

import type { AnyProtocol, NodeId, Reply } from "../../protocols/node.ts";
import type { Rng } from "../../protocols/random.ts";
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
  /**
   * The checks after a step: may look only at what changed since the last call (and
   * keep running state), as long as it finds what `exhaustive` would.
   */
  check(sim: Simulation): string | null;
  /** Every safety check over the whole state, keeping no state of its own. */
  exhaustive(sim: Simulation): string | null;
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
 * One record that changed under a prefix: its id (the key without the prefix) and its
 * value before and after (undefined when absent).
 *
 * @example
 * ```ts
 * import type { RecordChange } from "./harness.ts";
 * const c: RecordChange = { prefix: "txn/", id: "o1", before: undefined, after: { state: "prepared" } };
 * ```
 */
export interface RecordChange {
  readonly prefix: string;
  readonly id: string;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * A copy of the records under some prefixes of one node's disk, kept current from the
 * disk's write journal, so that reading what changed costs what changed.
 *
 * @example
 * ```ts
 * import type { RecordMirror } from "./harness.ts";
 * function count(m: RecordMirror): number {
 *   return m.records("txn/").size;
 * }
 * ```
 */
export interface RecordMirror {
  /** The records under `prefix` (one of the mirror's) as of the last `poll()`. */
  records(prefix: string): ReadonlyMap<string, unknown>;
  /**
   * Brings the copy up to date and returns what changed. `reset` says the disk was
   * reset (a crash) since the last poll: everything was re-read and compared.
   */
  poll(): { readonly changes: readonly RecordChange[]; readonly reset: boolean };
}

/**
 * Mirrors the records under `prefixes` of `node`'s disk in `sim` (turns the disk's write
 * journal on). Starts from a full read.
 *
 * @example
 * ```ts
 * import { recordMirror } from "./harness.ts";
 * import { Simulation } from "../../nodes/simulator.ts";
 * import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
 * const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed: 1 });
 * const m = recordMirror(sim, "n2", ["txn/", "res/"]);
 * sim.disk("n2").set("res/stock/item-1", 7);
 * m.poll().changes; // [{ prefix: "res/", id: "stock/item-1", before: undefined, after: 7 }]
 * ```
 */
export function recordMirror(
  sim: Simulation,
  node: NodeId,
  prefixes: readonly string[],
): RecordMirror {
  const disk = sim.disk(node).inspect();
  const journal = sim.disk(node).journal();
  const maps = new Map<string, Map<string, unknown>>();
  const readAll = () => {
    for (const prefix of prefixes) {
      const m = new Map<string, unknown>();
      for (const k of disk.keys(prefix)) m.set(k.slice(prefix.length), disk.get(k));
      maps.set(prefix, m);
    }
  };
  readAll();
  return {
    records(prefix) {
      const m = maps.get(prefix);
      if (m === undefined) throw new Error(`record mirror of ${node}: no prefix '${prefix}'`);
      return m;
    },
    poll() {
      const keys = journal.take();
      const changes: RecordChange[] = [];
      if (keys === null) {
        const old = new Map(maps);
        readAll();
        for (const prefix of prefixes) {
          const before = old.get(prefix)!, after = maps.get(prefix)!;
          for (const [id, v] of after) {
            if (before.get(id) !== v) {
              changes.push({ prefix, id, before: before.get(id), after: v });
            }
          }
          for (const [id, v] of before) {
            if (!after.has(id)) changes.push({ prefix, id, before: v, after: undefined });
          }
        }
        return { changes, reset: true };
      }
      for (const key of keys) {
        for (const prefix of prefixes) {
          if (!key.startsWith(prefix)) continue;
          const m = maps.get(prefix)!, id = key.slice(prefix.length);
          const before = m.get(id), after = disk.get(key);
          if (after === undefined) m.delete(id);
          else m.set(id, after);
          if (before !== after) changes.push({ prefix, id, before, after });
        }
      }
      return { changes, reset: false };
    },
  };
}

/**
 * A fingerprint of what the checks read: every node's disk changes only with a sync,
 * and up/down changes in-memory state. Returns the same string while nothing changed,
 * and builds a new one only when something did, so it is cheap to call after every
 * step. One per run.
 *
 * @example
 * ```ts
 * import { diskFingerprint } from "./harness.ts";
 * import { Simulation } from "../../nodes/simulator.ts";
 * import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
 * const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 2, seed: 1 });
 * const fingerprint = diskFingerprint();
 * fingerprint(sim) === fingerprint(sim); // true
 * ```
 */
export function diskFingerprint(): (sim: Simulation) => string {
  let syncs = -1, up = -1, last = "";
  return (sim) => {
    let s = 0, u = 0;
    const nodes = sim.nodes;
    for (let i = 0; i < nodes.length; i++) {
      s += sim.disk(nodes[i]!).syncs; // only grows, so the sum changes when any does
      if (sim.isUp(nodes[i]!)) u += 2 ** i;
    }
    if (s !== syncs || u !== up) {
      syncs = s;
      up = u;
      last = `${s}/${u}`;
    }
    return last;
  };
}

/**
 * Whether a node crashed or restarted since the last call (the first call says yes):
 * the moments the per-step checks hand over to the exhaustive ones. One per run.
 *
 * @example
 * ```ts
 * import { upDownWatch } from "./harness.ts";
 * import { Simulation } from "../../nodes/simulator.ts";
 * import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
 * const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 2, seed: 1 });
 * const changed = upDownWatch();
 * changed(sim); // true
 * sim.crash("n2");
 * [changed(sim), changed(sim)]; // [true, false]
 * ```
 */
export function upDownWatch(): (sim: Simulation) => boolean {
  let up = -1;
  return (sim) => {
    let u = 0;
    for (let i = 0; i < sim.nodes.length; i++) if (sim.isUp(sim.nodes[i]!)) u += 2 ** i;
    const changed = u !== up;
    up = u;
    return changed;
  };
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
