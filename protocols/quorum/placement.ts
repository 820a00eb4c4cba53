/**
 * Where a request for a key goes: its preference list, or — with a sloppy quorum —
 * the healthy part of it plus stand-ins further along the ring.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { Partitioner } from "../../partitioning/partitioner.ts";

/**
 * The nodes a request is sent to.
 *
 * @example
 * ```ts
 * import type { Placement } from "./placement.ts";
 * const p: Placement = {
 *   prefs: ["n1", "n2", "n3"],
 *   targets: ["n1", "n2", "n4"],
 *   hintFor: new Map([["n4", "n3"]]),
 *   kept: [],
 * };
 * ```
 */
export interface Placement {
  /** The key's preference list (its N replicas). */
  readonly prefs: readonly NodeId[];
  /** The nodes to send the request to. */
  readonly targets: readonly NodeId[];
  /** A stand-in target → the suspected replica it stores a hint for. */
  readonly hintFor: ReadonlyMap<NodeId, NodeId>;
  /** Suspected replicas left without a stand-in: the coordinator keeps their hints. */
  readonly kept: readonly NodeId[];
}

/**
 * Places a request for `key`. Strict: the preference list, healthy or not. Sloppy: the
 * healthy members of the preference list, then the next healthy nodes clockwise, each
 * standing in for one suspected replica (Dynamo §4.6); suspected replicas left over
 * when the ring has no more healthy nodes are returned as `kept`.
 *
 * @param ring the current ring
 * @param key the key
 * @param n replicas per key
 * @param sloppy whether stand-ins may replace suspected replicas
 * @param healthy whether a node is trusted (the coordinator always trusts itself)
 * @returns targets and hints
 *
 * @example
 * ```ts
 * import { placeRequest } from "./placement.ts";
 * import { ringPartitioner } from "../../partitioning/ring.ts";
 * const ring = ringPartitioner(["n1", "n2", "n3", "n4"]);
 * const [, , down] = ring.preferenceList("k", 3);
 * const p = placeRequest(ring, "k", 3, true, (x) => x !== down);
 * p.hintFor.get(ring.preferenceList("k", 4)[3]); // down
 * ```
 */
export function placeRequest(
  ring: Partitioner,
  key: string,
  n: number,
  sloppy: boolean,
  healthy: (node: NodeId) => boolean,
): Placement {
  const prefs = ring.preferenceList(key, n);
  const hintFor = new Map<NodeId, NodeId>();
  if (!sloppy) return { prefs, targets: prefs, hintFor, kept: [] };
  const down = prefs.filter((x) => !healthy(x));
  const targets = prefs.filter(healthy);
  // Every replica healthy: no stand-in to look for (the walk of the whole ring is O(N)).
  if (down.length === 0) return { prefs, targets, hintFor, kept: [] };
  let d = 0;
  for (const x of ring.preferenceList(key, ring.nodes.length).slice(prefs.length)) {
    if (targets.length >= prefs.length) break;
    if (!healthy(x)) continue;
    targets.push(x);
    if (d < down.length) hintFor.set(x, down[d++]!);
  }
  return { prefs, targets, hintFor, kept: down.slice(d) };
}
