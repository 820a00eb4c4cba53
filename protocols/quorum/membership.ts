/**
 * Ring membership and what a membership change moves.
 *
 * A membership is a numbered list of nodes. A change made at any node takes the next
 * epoch; nodes gossip their membership with every ping and adopt any with a higher
 * epoch (two concurrent changes at the same epoch: the one with the larger node list
 * text wins, so every node adopts the same one).
 *
 * When the ring changes, a key's preference list changes in at most a few places: a
 * new node enters (and pushes the last one out), or a removed node leaves (and the
 * next node on the ring comes in). {@link planRebalance} sends each key only to the
 * nodes that *entered* its preference list, from one sender: the node pushed out (it
 * is leaving anyway), or, when none is still a member, the first node that stays.
 * Nodes pushed out drop the key — the sender once its transfer is acknowledged. Keys
 * whose preference list is unchanged do not move at all.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { Partitioner } from "../../partitioning/partitioner.ts";

// The quorum node imports it from here; the order itself belongs to every protocol.
export { byNodeIndex } from "../node_order.ts";

/**
 * The ring's members at an epoch.
 *
 * @example
 * ```ts
 * import type { Membership } from "./membership.ts";
 * const m: Membership = { epoch: 2, nodes: ["n1", "n2", "n3", "n4"] };
 * ```
 */
export interface Membership {
  readonly epoch: number;
  readonly nodes: readonly NodeId[];
}

/**
 * Whether `incoming` replaces `current`: a higher epoch, or the same epoch with a
 * larger node list (a deterministic tie-break for concurrent changes).
 *
 * @example
 * ```ts
 * import { supersedes } from "./membership.ts";
 * supersedes({ epoch: 1, nodes: ["n1"] }, { epoch: 2, nodes: ["n1", "n2"] }); // true
 * ```
 */
export function supersedes(current: Membership, incoming: Membership): boolean {
  if (incoming.epoch !== current.epoch) return incoming.epoch > current.epoch;
  // Only concurrent changes collide at an epoch > 0; at epoch 0 every node starts with
  // its own view (a fresh node knows everybody), so that one is never adopted.
  if (incoming.epoch === 0) return false;
  // Every ping carries the sender's membership, mostly the same list: compared id by id
  // (often the very array) it needs no JSON text of N ids, twice per ping.
  if (sameIds(incoming.nodes, current.nodes)) return false;
  return JSON.stringify(incoming.nodes) > JSON.stringify(current.nodes);
}

/** Whether two lists hold the same ids in the same order (then their texts are equal). */
function sameIds(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * What one node does with its keys after a ring change.
 *
 * @example
 * ```ts
 * import type { RebalancePlan } from "./membership.ts";
 * const p: RebalancePlan = { send: new Map([["k1", ["n4"]]]), dropNow: [], dropAfterSend: ["k1"] };
 * ```
 */
export interface RebalancePlan {
  /** Key → the nodes this node must send it to. */
  readonly send: Map<string, NodeId[]>;
  /** Keys this node no longer replicates and does not send: drop at once. */
  readonly dropNow: string[];
  /** Keys this node sends and then no longer replicates: drop once every target acknowledged. */
  readonly dropAfterSend: string[];
}

/**
 * Plans the key moves for node `self` from the ring `before` to the ring `after`.
 *
 * @param before the ring before the change
 * @param after the ring after it
 * @param self this node
 * @param keys the keys this node holds
 * @param n replicas per key
 * @returns what to send where, and what to drop
 *
 * @example
 * ```ts
 * import { planRebalance } from "./membership.ts";
 * import { ringPartitioner } from "../../partitioning/ring.ts";
 * const before = ringPartitioner(["n1", "n2", "n3"]);
 * const plan = planRebalance(before, before.withNode("n4"), "n1", ["a", "b", "c"], 3);
 * [...plan.send.values()].flat().every((to) => to === "n4"); // true
 * ```
 */
export function planRebalance(
  before: Partitioner,
  after: Partitioner,
  self: NodeId,
  keys: Iterable<string>,
  n: number,
): RebalancePlan {
  const plan: RebalancePlan = { send: new Map(), dropNow: [], dropAfterSend: [] };
  const members = new Set(after.nodes);
  for (const key of keys) {
    const old = before.nodes.length > 0 ? before.preferenceList(key, n) : [];
    const now = after.nodes.length > 0 ? after.preferenceList(key, n) : [];
    const gained = now.filter((x) => !old.includes(x));
    const leaving = old.filter((x) => !now.includes(x) && members.has(x));
    // A copy this node holds outside the old list (a leftover) is sent by its holder.
    const senders = !old.includes(self)
      ? [self]
      : leaving.length > 0
      ? leaving
      : [old.find((x) => now.includes(x)) ?? self];
    const sends = gained.length > 0 && senders.includes(self);
    if (sends) plan.send.set(key, gained);
    if (!now.includes(self)) (sends ? plan.dropAfterSend : plan.dropNow).push(key);
  }
  return plan;
}
