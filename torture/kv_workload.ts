/**
 * Simulated KV clients: C concurrent client processes that issue reads, writes and
 * compare-and-sets against the cluster, wait with a timeout, and record everything as a
 * history. Written values are unique per run, so a read names the write it saw.
 *
 * As in Jepsen, a client whose operation timed out (`info`) may still have that
 * operation in flight, so it continues as a new process id.
 *
 * @module
 */

import type { KvOp } from "../protocols/kv.ts";
import type { NodeId, Reply } from "../protocols/node.ts";
import { createHistoryRecorder, type HistoryRecorder } from "../history/recorder.ts";
import type { Runtime } from "../nodes/runtime.ts";

/**
 * Workload settings.
 *
 * @example
 * ```ts
 * import type { KvWorkloadOptions } from "./kv_workload.ts";
 * const o: KvWorkloadOptions = { clients: 5, keys: 3, untilMs: 10_000, readShare: 0.5 };
 * ```
 */
export interface KvWorkloadOptions {
  readonly clients: number;
  /** Keys used (default 3: few keys, much contention). */
  readonly keys?: number;
  /** Stop issuing new operations after this virtual time (ms). */
  readonly untilMs: number;
  /** Client timeout before recording `info` (default 1000 ms). */
  readonly timeoutMs?: number;
  /** Pause between a client's operations (default uniform 0–20 ms). */
  readonly thinkMs?: number;
  /** At most this many operations in all (shrinking uses it). */
  readonly maxOps?: number;
  /** Share of reads / writes; the rest are compare-and-sets (default 0.4 / 0.4). */
  readonly readShare?: number;
  readonly writeShare?: number;
}

/**
 * A running workload.
 *
 * @example
 * ```ts
 * import { startKvWorkload } from "./kv_workload.ts";
 * import { Simulation } from "../nodes/simulator.ts";
 * import { raftKv } from "../protocols/raft/mod.ts";
 * const sim = new Simulation({ protocol: raftKv, nodes: 3, seed: 1 });
 * const w = startKvWorkload(sim, { clients: 2, untilMs: 2000 });
 * sim.runFor(3000);
 * w.finish();
 * w.history.events().length > 0; // true
 * ```
 */
export interface KvWorkload {
  readonly history: HistoryRecorder;
  /** Operations invoked so far. */
  invoked(): number;
  /** Records `info` for every operation still pending (call at the end of the run). */
  finish(): void;
}

/**
 * Starts `clients` client loops on the simulation.
 *
 * @example
 * ```ts
 * import { startKvWorkload } from "./kv_workload.ts";
 * import { Simulation } from "../nodes/simulator.ts";
 * import { protocolByName } from "../protocols/registry.ts";
 * const sim = new Simulation({ protocol: protocolByName("register"), nodes: 3, seed: 1 });
 * const w = startKvWorkload(sim, { clients: 3, untilMs: 1000 });
 * sim.runFor(2000);
 * w.finish();
 * w.history.events().length > 0; // true
 * ```
 */
export function startKvWorkload(rt: Runtime, o: KvWorkloadOptions): KvWorkload {
  const history = createHistoryRecorder();
  const keys = Array.from({ length: o.keys ?? 3 }, (_, i) => `k${i + 1}`);
  const timeoutMs = o.timeoutMs ?? 1000;
  const think = o.thinkMs ?? 20;
  const readShare = o.readShare ?? 0.4;
  const writeShare = o.writeShare ?? 0.4;
  let nextValue = 1;
  let invoked = 0;
  const ns = () => Math.round(rt.now() * 1e6);

  const client = (index: number) => {
    let process = index;
    let leader: NodeId | undefined;
    const lastSeen = new Map<string, unknown>();
    const next = () => {
      if (rt.now() >= o.untilMs || (o.maxOps !== undefined && invoked >= o.maxOps)) return;
      const key = keys[rt.rng.int(keys.length)]!;
      const r = rt.rng.next();
      const op: KvOp = r < readShare
        ? { f: "read", key }
        : r < readShare + writeShare
        ? { f: "write", key, value: nextValue++ }
        : { f: "cas", key, value: [lastSeen.get(key) ?? null, nextValue++] };
      const node = leader !== undefined && rt.nodes.includes(leader)
        ? leader
        : rt.nodes[rt.rng.int(rt.nodes.length)]!;
      invoked++;
      const me = process;
      history.invoke(me, op.f, op.key, op.value, ns());
      let done = false;
      const complete = (type: "ok" | "fail" | "info", value: unknown, error?: string) => {
        if (done) return;
        done = true;
        history.complete(me, type, value, ns(), error);
        if (type === "info") process += o.clients; // the old op may still be in flight
        rt.after(rt.rng.next() * think, next);
      };
      rt.submit(node, op, me, (reply: Reply) => {
        if (reply.type === "ok") {
          const value = op.f === "read" ? reply.value : op.value;
          if (op.f === "read") lastSeen.set(key, reply.value);
          else if (op.f === "write") lastSeen.set(key, op.value);
          else if (op.f === "cas") lastSeen.set(key, op.value[1]);
          complete("ok", value);
        } else if (reply.type === "fail") {
          leader = reply.leader;
          complete("fail", op.value, reply.error);
        } else {
          leader = undefined;
          complete("info", op.value, reply.error);
        }
      });
      rt.after(timeoutMs, () => {
        if (!done) leader = undefined;
        complete("info", op.value, "timeout");
      });
    };
    rt.after(rt.rng.next() * think, next);
  };
  for (let i = 0; i < o.clients; i++) client(i);

  return {
    history,
    invoked: () => invoked,
    finish() {
      for (const p of history.pending()) history.complete(p, "info", undefined, ns(), "run ended");
    },
  };
}
