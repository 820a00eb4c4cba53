/**
 * Helpers for the quorum-kv tests: a simulated cluster, a synchronous-looking client
 * call in virtual time, and white-box access to a node.
 *
 * @module
 */

import { Simulation } from "../../nodes/simulator.ts";
import type { NodeId, Reply } from "../../protocols/node.ts";
import { quorumKv, type QuorumNode } from "../../protocols/quorum/mod.ts";
import type { QuorumOp } from "../../protocols/quorum/request.ts";

/** A cluster of `nodes` quorum-kv nodes, run until the failure detectors have settled. */
export function cluster(
  nodes: number | readonly NodeId[],
  options: Record<string, unknown> = {},
  seed = 1,
): Simulation {
  const sim = new Simulation({ protocol: quorumKv, nodes, seed, options });
  sim.runFor(300);
  return sim;
}

/** Sends `op` to `node` and runs the simulation until it answers (or `maxMs` passes). */
export function call(sim: Simulation, node: NodeId, op: QuorumOp, maxMs = 2000): Reply {
  let reply: Reply | undefined;
  sim.request(node, op, 0, (r) => reply = r);
  sim.runUntil(() => reply !== undefined, maxMs);
  if (reply === undefined) throw new Error(`no reply from ${node} to ${JSON.stringify(op)}`);
  return reply;
}

/** The running quorum node `id` (white-box). */
export function qnode(sim: Simulation, id: NodeId): QuorumNode {
  const host = sim.host(id);
  if (host === null) throw new Error(`${id} is down`);
  return host.node as QuorumNode;
}

/** The values node `id` stores for `key` as a replica (tombstones as null), sorted. */
export function held(sim: Simulation, id: NodeId, key: string): unknown[] {
  return qnode(sim, id).inspect(key).versions.map((v) => v.deleted ? null : v.value)
    .sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
}

/** Runs until every node is suspected by `by`, or fails. */
export function waitSuspected(sim: Simulation, by: NodeId, peer: NodeId): void {
  const ok = sim.runUntil(
    () => (sim.status(by).suspects ?? []).includes(peer),
    3000,
  );
  if (!ok) throw new Error(`${by} never suspected ${peer}`);
}
