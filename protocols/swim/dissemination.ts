/**
 * Infection-style dissemination (SWIM §4.1): membership updates ride on the protocol's
 * own messages (pings, acks, ping-reqs) instead of a multicast. Each update is sent at
 * most ⌈λ · ln(n + 1)⌉ times, the least-sent first, so a fresh update spreads in
 * O(log n) periods and none costs a message of its own.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { MemberUpdate } from "./membership.ts";

/**
 * The updates a node still has to pass on, one per member (a newer update about a
 * member replaces the older one and starts its count again).
 *
 * @example
 * ```ts
 * import { createGossip } from "./dissemination.ts";
 * const g = createGossip();
 * g.queue.size; // 0
 * ```
 */
export interface Gossip {
  readonly queue: Map<NodeId, { update: MemberUpdate; sent: number }>;
}

/**
 * An empty gossip queue.
 *
 * @example
 * ```ts
 * import { createGossip } from "./dissemination.ts";
 * createGossip().queue.size; // 0
 * ```
 */
export function createGossip(): Gossip {
  return { queue: new Map() };
}

/**
 * How many times an update is retransmitted in a group of `n` members: ⌈λ · ln(n + 1)⌉,
 * at least 1 (the paper's λ log n; the natural logarithm, as in its epidemic analysis).
 *
 * @example
 * ```ts
 * import { retransmitLimit } from "./dissemination.ts";
 * retransmitLimit(8, 3); // 7
 * retransmitLimit(128, 3); // 15
 * ```
 */
export function retransmitLimit(n: number, lambda: number): number {
  return Math.max(1, Math.ceil(lambda * Math.log(n + 1)));
}

/**
 * Queues `u` to be passed on (replacing an older update about the same member).
 *
 * @example
 * ```ts
 * import { createGossip, enqueue } from "./dissemination.ts";
 * const g = createGossip();
 * enqueue(g, { node: "n2", state: "suspect", incarnation: 0 });
 * g.queue.size; // 1
 * ```
 */
export function enqueue(g: Gossip, u: MemberUpdate): void {
  g.queue.set(u.node, { update: u, sent: 0 });
}

/**
 * The updates to put on the next message: at most `max`, the least-sent first; each
 * counts as sent once, and one sent `limit` times leaves the queue.
 *
 * @example
 * ```ts
 * import { createGossip, enqueue, piggyback } from "./dissemination.ts";
 * const g = createGossip();
 * enqueue(g, { node: "n2", state: "dead", incarnation: 1 });
 * piggyback(g, 8, 1).length; // 1
 * piggyback(g, 8, 1).length; // 0: sent its one time
 * ```
 */
export function piggyback(g: Gossip, max: number, limit: number): MemberUpdate[] {
  if (g.queue.size === 0) return [];
  const entries = [...g.queue.values()];
  if (entries.length > max) entries.sort((a, b) => a.sent - b.sent);
  const out: MemberUpdate[] = [];
  for (let i = 0; i < entries.length && out.length < max; i++) {
    const e = entries[i]!;
    out.push(e.update);
    if (++e.sent >= limit) g.queue.delete(e.update.node);
  }
  return out;
}
