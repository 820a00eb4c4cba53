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

/**
 * A cluster of `nodes` quorum-kv nodes, run until the failure detectors have settled.
 *
 * @example
 * ```ts
 * import { cluster } from "./harness.ts";
 * const sim = cluster(5, { n: 3, r: 2, w: 2 });
 * ```
 */
export function cluster(
  nodes: number | readonly NodeId[],
  options: Record<string, unknown> = {},
  seed = 1,
): Simulation {
  const sim = new Simulation({ protocol: quorumKv, nodes, seed, options });
  sim.runFor(300);
  return sim;
}

/**
 * Sends `op` to `node` and runs the simulation until it answers (or `maxMs` passes).
 *
 * @example
 * ```ts
 * import { call, cluster } from "./harness.ts";
 * const sim = cluster(3);
 * call(sim, "n1", { f: "write", key: "x", value: 1 }).type; // "ok"
 * ```
 */
export function call(sim: Simulation, node: NodeId, op: QuorumOp, maxMs = 2000): Reply {
  let reply: Reply | undefined;
  sim.request(node, op, 0, (r) => reply = r);
  sim.runUntil(() => reply !== undefined, maxMs);
  if (reply === undefined) throw new Error(`no reply from ${node} to ${JSON.stringify(op)}`);
  return reply;
}

/**
 * The running quorum node `id` (white-box).
 *
 * @example
 * ```ts
 * import { cluster, qnode } from "./harness.ts";
 * const sim = cluster(3);
 * qnode(sim, "n1").inspect("x").versions.length; // 0: nothing written
 * ```
 */
export function qnode(sim: Simulation, id: NodeId): QuorumNode {
  const host = sim.host(id);
  if (host === null) throw new Error(`${id} is down`);
  return host.node as QuorumNode;
}

/**
 * The values node `id` stores for `key` as a replica (tombstones as null), sorted.
 *
 * @example
 * ```ts
 * import { call, cluster, held } from "./harness.ts";
 * const sim = cluster(3);
 * call(sim, "n1", { f: "write", key: "x", value: 1 });
 * held(sim, "n2", "x"); // [1] when n2 is a replica of x
 * ```
 */
export function held(sim: Simulation, id: NodeId, key: string): unknown[] {
  return qnode(sim, id).inspect(key).versions.map((v) => v.deleted ? null : v.value)
    .sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
}

/**
 * Runs until every node is suspected by `by`, or fails.
 *
 * @example
 * ```ts
 * import { cluster, waitSuspected } from "./harness.ts";
 * const sim = cluster(3);
 * sim.crash("n3");
 * waitSuspected(sim, "n1", "n3");
 * ```
 */
export function waitSuspected(sim: Simulation, by: NodeId, peer: NodeId): void {
  const ok = sim.runUntil(
    () => (sim.status(by).suspects ?? []).includes(peer),
    3000,
  );
  if (!ok) throw new Error(`${by} never suspected ${peer}`);
}
