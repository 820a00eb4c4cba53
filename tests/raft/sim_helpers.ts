/**
 * Helpers for driving Raft in the deterministic simulator, in the spirit of the classic
 * Raft lab tester: find the leader, submit a command and wait for it to be applied on
 * enough servers, all while the invariant checker watches every step.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Simulation, type SimulationOptions } from "../../nodes/simulator.ts";
import type { LinkFaults } from "../../nodes/faults/network.ts";
import type { NodeId, Reply } from "../../protocols/node.ts";
import { RaftInvariants, raftKv, type RaftNode, type RaftOp } from "../../protocols/raft/mod.ts";

/**
 * A simulation of Raft KV with the invariant checker run after every step.
 *
 * @example
 * ```ts
 * import { raftSim, type RaftSim } from "./sim_helpers.ts";
 * const r: RaftSim = raftSim(3, 1);
 * r.cut.size; // 0: nobody cut off yet
 * ```
 */
export interface RaftSim {
  readonly sim: Simulation;
  readonly inv: RaftInvariants;
  /** Nodes cut off from everyone, with the network block that does it. */
  readonly cut: Map<NodeId, number>;
}

/**
 * Creates a simulated cluster whose every step is checked against Raft's invariants.
 *
 * @example
 * ```ts
 * import { checkOneLeader, raftSim } from "./sim_helpers.ts";
 * const r = raftSim(5, 7, { preVote: false });
 * checkOneLeader(r); // e.g. "n3"
 * ```
 */
export function raftSim(
  nodes: number | readonly NodeId[],
  seed: number,
  options: Record<string, unknown> = {},
  network?: LinkFaults,
  more: Pick<SimulationOptions, "syncMs" | "trace"> = {},
): RaftSim {
  const sim = new Simulation({ protocol: raftKv, nodes, seed, options, network, ...more });
  const inv = new RaftInvariants();
  sim.afterStep(() => {
    const views = [];
    for (const n of sim.nodes) {
      const h = sim.host(n);
      if (h) views.push((h.node as RaftNode).inspect());
    }
    const found = inv.check(views);
    if (found.length > 0) {
      throw new Error(`raft invariant violated at t=${sim.now()}: ${found.join("; ")}`);
    }
  });
  return { sim, inv, cut: new Map() };
}

/**
 * The running Raft node (white-box).
 *
 * @example
 * ```ts
 * import { raftNode, raftSim } from "./sim_helpers.ts";
 * const r = raftSim(3, 1);
 * raftNode(r.sim, "n1").inspect().entries.length; // 0 at the start
 * ```
 */
export function raftNode(sim: Simulation, id: NodeId): RaftNode {
  const h = sim.host(id);
  if (!h) throw new Error(`${id} is down`);
  return h.node as RaftNode;
}

/**
 * Cuts `id` off from every other node.
 *
 * @example
 * ```ts
 * import { checkOneLeader, connect, disconnect, raftSim } from "./sim_helpers.ts";
 * const r = raftSim(3, 1);
 * const leader = checkOneLeader(r);
 * disconnect(r, leader);
 * checkOneLeader(r); // a new leader among the other two
 * connect(r, leader);
 * ```
 */
export function disconnect(r: RaftSim, id: NodeId): void {
  if (!r.cut.has(id)) r.cut.set(id, r.sim.network.isolate(id));
}

/**
 * Reconnects `id`.
 *
 * @example
 * ```ts
 * import { connect, disconnect, raftSim, reachable } from "./sim_helpers.ts";
 * const r = raftSim(3, 1);
 * disconnect(r, "n1");
 * connect(r, "n1");
 * reachable(r).length; // 3
 * ```
 */
export function connect(r: RaftSim, id: NodeId): void {
  const block = r.cut.get(id);
  if (block !== undefined) r.sim.network.remove(block);
  r.cut.delete(id);
}

/**
 * Live, connected nodes.
 *
 * @example
 * ```ts
 * import { disconnect, raftSim, reachable } from "./sim_helpers.ts";
 * const r = raftSim(3, 1);
 * disconnect(r, "n2");
 * reachable(r); // ["n1", "n3"]
 * ```
 */
export function reachable(r: RaftSim): NodeId[] {
  return r.sim.nodes.filter((n) => r.sim.isUp(n) && !r.cut.has(n));
}

/**
 * Waits for exactly one leader among the reachable nodes (retrying for up to 5 s of
 * virtual time) and returns it; fails if two reachable nodes lead in the same term.
 *
 * @example
 * ```ts
 * import { checkOneLeader, raftSim } from "./sim_helpers.ts";
 * const leader = checkOneLeader(raftSim(3, 1));
 * ```
 */
export function checkOneLeader(r: RaftSim): NodeId {
  for (let i = 0; i < 10; i++) {
    r.sim.runFor(500);
    const byTerm = new Map<number, NodeId[]>();
    for (const n of reachable(r)) {
      const s = r.sim.status(n);
      if (s.role === "leader") byTerm.set(s.term!, [...(byTerm.get(s.term!) ?? []), n]);
    }
    for (const [term, ls] of byTerm) assert.equal(ls.length, 1, `term ${term} has leaders ${ls}`);
    if (byTerm.size > 0) return byTerm.get(Math.max(...byTerm.keys()))![0];
  }
  throw new Error("expected one leader, got none");
}

/**
 * Asserts that no reachable node is leader.
 *
 * @example
 * ```ts
 * import { checkNoLeader, disconnect, raftSim } from "./sim_helpers.ts";
 * const r = raftSim(3, 1);
 * for (const n of ["n1", "n2", "n3"]) disconnect(r, n);
 * r.sim.runFor(2000);
 * checkNoLeader(r); // no connected majority, so no leader
 * ```
 */
export function checkNoLeader(r: RaftSim): void {
  for (const n of reachable(r)) assert.notEqual(r.sim.status(n).role, "leader", `${n} leads`);
}

/**
 * The term every reachable node agrees on.
 *
 * @example
 * ```ts
 * import { checkOneLeader, checkTerms, raftSim } from "./sim_helpers.ts";
 * const r = raftSim(3, 1);
 * checkOneLeader(r);
 * checkTerms(r) >= 1; // true
 * ```
 */
export function checkTerms(r: RaftSim): number {
  const terms = new Set(reachable(r).map((n) => r.sim.status(n).term));
  assert.equal(terms.size, 1, `servers disagree on term: ${[...terms]}`);
  return [...terms][0]!;
}

/**
 * Sends `op` to `node` and runs until it is answered or `maxMs` passes.
 *
 * @example
 * ```ts
 * import { ask, checkOneLeader, raftSim } from "./sim_helpers.ts";
 * const r = raftSim(3, 1);
 * const leader = checkOneLeader(r);
 * ask(r.sim, leader, { f: "write", key: "x", value: 1 })?.type; // "ok"
 * ```
 */
export function ask(
  sim: Simulation,
  node: NodeId,
  op: RaftOp,
  client = 1,
  maxMs = 1000,
): Reply | undefined {
  let reply: Reply | undefined;
  sim.request(node, op, client, (r) => reply = r);
  sim.runUntil(() => reply !== undefined, maxMs);
  return reply;
}

/**
 * How many live nodes have applied `key` = `value`.
 *
 * @example
 * ```ts
 * import { nApplied, one, raftSim } from "./sim_helpers.ts";
 * const r = raftSim(3, 1);
 * one(r, "x", 1, 3);
 * nApplied(r.sim, "x", 1); // 3
 * ```
 */
export function nApplied(sim: Simulation, key: string, value: unknown): number {
  let n = 0;
  for (const id of sim.nodes) {
    const h = sim.host(id);
    if (h && (h.node as RaftNode).dump()[key] === value) n++;
  }
  return n;
}

let nextClient = 1_000;

/**
 * The lab's `one()`: submits a write of a fresh key until some leader accepts and
 * commits it, then waits until at least `expected` servers applied it. Gives up after
 * 10 s of virtual time. Returns the node that acknowledged it.
 *
 * @example
 * ```ts
 * import { one, raftSim } from "./sim_helpers.ts";
 * const r = raftSim(3, 1);
 * one(r, "c1", 1, 3); // the node that acknowledged the write
 * ```
 */
export function one(r: RaftSim, key: string, value: unknown, expected: number): NodeId {
  const { sim } = r;
  const deadline = sim.now() + 10_000;
  // One session per command: retries (seq 1 again) are applied at most once.
  const client = nextClient++;
  while (sim.now() < deadline) {
    for (const n of reachable(r)) {
      if (sim.status(n).role !== "leader") continue;
      const reply = ask(sim, n, { f: "write", key, value, seq: 1 }, client, 2000);
      if (reply?.type !== "ok") continue;
      if (sim.runUntil(() => nApplied(sim, key, value) >= expected, 2000)) return n;
    }
    sim.runFor(50);
  }
  throw new Error(`one(${key}=${JSON.stringify(value)}) failed to reach agreement`);
}
