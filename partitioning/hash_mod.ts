/**
 * Hash-mod-N partitioning: key → `nodes[murmur3(key) % N]`.
 *
 * The baseline the chapter warns about: placement is perfectly even and costs one
 * hash, but changing N remaps almost every key (about N/(N+1) of them when one node
 * joins), because `h % N` and `h % (N + 1)` agree only by coincidence.
 *
 * @example
 * ```ts
 * import { hashModPartitioner } from "./hash_mod.ts";
 * const p = hashModPartitioner(["n1", "n2", "n3"]);
 * p.owner("user:42"); // one of n1, n2, n3
 * p.preferenceList("user:42", 2); // owner, then the next node in list order
 * ```
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { Partitioner } from "./partitioner.ts";
import { murmur3 } from "./hash.ts";

/**
 * A hash-mod-N partitioner over `nodes`, in that order. The preference list is the
 * owner followed by the next nodes in list order (wrapping). `withNode` appends and
 * `withoutNode` removes, shifting the later nodes down one slot.
 *
 * @param nodes distinct node ids; their order is the bucket order
 * @returns an immutable partitioner
 *
 * @example
 * ```ts
 * import { hashModPartitioner } from "./hash_mod.ts";
 * const p = hashModPartitioner(["a", "b"]).withNode("c");
 * p.nodes; // ["a", "b", "c"]
 * ```
 */
export function hashModPartitioner(nodes: readonly NodeId[]): Partitioner {
  assertDistinct(nodes);
  const members = Object.freeze([...nodes]);
  const size = members.length;
  const self: Partitioner = {
    kind: "hash-mod",
    nodes: members,
    owner(key) {
      if (size === 0) throw new RangeError("hash-mod partitioner has no nodes");
      return members[murmur3(key) % size];
    },
    preferenceList(key, n) {
      const count = Math.min(Math.max(0, Math.floor(n)), size);
      const out: NodeId[] = [];
      if (count === 0) return out;
      const first = murmur3(key) % size;
      for (let i = 0; i < count; i++) out.push(members[(first + i) % size]);
      return out;
    },
    withNode(id) {
      return members.includes(id) ? self : hashModPartitioner([...members, id]);
    },
    withoutNode(id) {
      return members.includes(id) ? hashModPartitioner(members.filter((m) => m !== id)) : self;
    },
  };
  return self;
}

function assertDistinct(nodes: readonly NodeId[]): void {
  if (new Set(nodes).size !== nodes.length) {
    throw new RangeError(`duplicate node ids in ${JSON.stringify(nodes)}`);
  }
}
