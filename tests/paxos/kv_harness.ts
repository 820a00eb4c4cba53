/**
 * Shared helpers of the paxos-kv tests: a simulated cluster with the agreement checker
 * installed after every step, and small client helpers.
 *
 * @module
 */

import { Simulation } from "../../nodes/simulator.ts";
import type { NodeId, Reply } from "../../protocols/node.ts";
import {
  type AgreementChecker,
  checkAgreementAfterEveryStep,
} from "../../protocols/paxos/agreement.ts";
import { paxosKv, type PaxosKvNode } from "../../protocols/paxos/multi_paxos.ts";
import type { PaxosKvOp } from "../../protocols/paxos/kv_message.ts";

/**
 * A paxos-kv cluster under test.
 *
 * @example
 * ```ts
 * import type { KvCluster } from "./kv_harness.ts";
 * function write(c: KvCluster, key: string, value: unknown): boolean {
 *   return c.run({ f: "write", key, value }).type === "ok";
 * }
 * ```
 */
export interface KvCluster {
  readonly sim: Simulation;
  readonly checker: AgreementChecker;
  /** The node that is leader now, if exactly one claims it among the running nodes. */
  leader(): NodeId | undefined;
  /** Runs until some node leads (and returns it). */
  awaitLeader(maxMs?: number): NodeId;
  /** Sends `op` to `node`; the reply lands in the returned box. */
  send(node: NodeId, op: PaxosKvOp, client?: number): { reply?: Reply };
  /** Sends `op` to the leader and runs until it answers. */
  run(op: PaxosKvOp, client?: number): Reply;
  node(id: NodeId): PaxosKvNode;
  dumps(): Record<NodeId, Readonly<Record<string, unknown>>>;
}

/**
 * Creates a cluster of `nodes` paxos-kv nodes.
 *
 * @example
 * ```ts
 * import { kvCluster } from "./kv_harness.ts";
 * const c = kvCluster(1);
 * c.awaitLeader();
 * ```
 */
export function kvCluster(
  seed: number,
  options: Record<string, unknown> = {},
  nodes = 5,
): KvCluster {
  const sim = new Simulation({ protocol: paxosKv, nodes, seed, options });
  const checker = checkAgreementAfterEveryStep(sim);
  const leader = () => {
    const ls = sim.nodes.filter((n) => sim.isUp(n) && sim.status(n).role === "leader");
    return ls.length === 1 ? ls[0] : undefined;
  };
  const c: KvCluster = {
    sim,
    checker,
    leader,
    awaitLeader(maxMs = 5000) {
      if (!sim.runUntil(() => leader() !== undefined, maxMs)) throw new Error("no leader");
      return leader()!;
    },
    send(node, op, client = 1) {
      const box: { reply?: Reply } = {};
      sim.request(node, op, client, (r) => box.reply = r);
      return box;
    },
    run(op, client = 1) {
      const box = c.send(c.awaitLeader(), op, client);
      if (!sim.runUntil(() => box.reply !== undefined, 3000)) throw new Error("no reply");
      return box.reply!;
    },
    node: (id) => sim.host(id)!.node as unknown as PaxosKvNode,
    dumps() {
      const out: Record<NodeId, Readonly<Record<string, unknown>>> = {};
      for (const n of sim.nodes) if (sim.isUp(n)) out[n] = c.node(n).dump();
      return out;
    },
  };
  return c;
}
