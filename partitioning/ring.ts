/**
 * Consistent hashing on a 32-bit ring with virtual nodes (Karger et al.; Dynamo,
 * Cassandra).
 *
 * Each physical node places `vnodes` tokens on the ring at `murmur3("<id>#<i>")`. A key
 * hashes to a point and belongs to the first token at or after it, walking clockwise
 * and wrapping past 2^32 − 1 to the start. Its preference list continues clockwise,
 * skipping tokens of nodes already listed, until it has N distinct physical nodes.
 *
 * Why virtual nodes: a node owns the arcs that end at its tokens. With V random tokens
 * per node its share of the ring is a sum of V arc lengths, so its load has a
 * coefficient of variation of about 1/√V — 100 % with one token, 6 % with 256. Adding
 * a node takes about 1/(N+1) of the keys, and takes them only for the new node;
 * removing one hands only its keys to its clockwise neighbours.
 *
 * The ring is immutable: {@link RingPartitioner.withNode} and
 * {@link RingPartitioner.withoutNode} build a new sorted token array (reusing the
 * already hashed tokens of the other nodes) and leave the old ring usable, so a node
 * can compare "before" and "after" while it streams keys to their new owners.
 *
 * Lookup is a binary search over a sorted `Uint32Array` of tokens, with owners in a
 * parallel `Uint32Array`, started from a bucket index on the hash's top bits so that it
 * probes about two tokens; {@link RingPartitioner.owner} allocates nothing.
 *
 * @example
 * ```ts
 * import { ringPartitioner } from "./ring.ts";
 * const ring = ringPartitioner(["n1", "n2", "n3", "n4", "n5"], { vnodes: 128 });
 * ring.preferenceList("user:42", 3); // three distinct nodes, owner first
 * ring.withNode("n6").owner("user:42"); // either unchanged or "n6"
 * ```
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { Partitioner } from "./partitioner.ts";
import { murmur3 } from "./hash.ts";

/**
 * Virtual nodes (tokens) per physical node unless configured.
 *
 * @example
 * ```ts
 * import { DEFAULT_VNODES, ringTokens } from "./ring.ts";
 * ringTokens("n1", DEFAULT_VNODES).length; // 256
 * ```
 */
export const DEFAULT_VNODES = 256;

/**
 * Options of {@link ringPartitioner}.
 *
 * @example
 * ```ts
 * import type { RingOptions } from "./ring.ts";
 * const options: RingOptions = { vnodes: 16 };
 * ```
 */
export interface RingOptions {
  /** Tokens per physical node, an integer ≥ 1 (default {@link DEFAULT_VNODES}). */
  readonly vnodes?: number;
}

/**
 * One token on the ring and the physical node that placed it.
 *
 * @example
 * ```ts
 * import type { RingToken } from "./ring.ts";
 * const t: RingToken = { token: 123456789, node: "n3" };
 * ```
 */
export interface RingToken {
  readonly token: number;
  readonly node: NodeId;
}

/**
 * A consistent-hash ring; a {@link Partitioner} that also reports its tokens and how much
 * of the ring each node owns.
 *
 * @example
 * ```ts
 * import { ringPartitioner, type RingPartitioner } from "./ring.ts";
 * const ring: RingPartitioner = ringPartitioner(["a", "b"], { vnodes: 4 });
 * ring.tokens().length; // 8
 * ```
 */
export interface RingPartitioner extends Partitioner {
  readonly kind: "ring";
  /** Tokens per physical node. */
  readonly vnodes: number;
  /** All tokens in ring order (ascending), each with its node. */
  tokens(): RingToken[];
  /**
   * The fraction of the ring (of the 2^32 hash space) each node owns, in `nodes`
   * order; the fractions sum to 1. This is the expected share of uniformly hashed keys.
   */
  ownership(): Map<NodeId, number>;
  withNode(id: NodeId): RingPartitioner;
  withoutNode(id: NodeId): RingPartitioner;
}

/**
 * The `vnodes` tokens node `id` places on the ring: `murmur3("<id>#<i>")` for each i.
 *
 * @param id the physical node
 * @param vnodes how many tokens
 * @returns the tokens, in index order (not sorted)
 *
 * @example
 * ```ts
 * import { ringTokens } from "./ring.ts";
 * ringTokens("n1", 3); // Uint32Array of 3 tokens
 * ```
 */
export function ringTokens(id: NodeId, vnodes: number): Uint32Array {
  const out = new Uint32Array(vnodes);
  for (let i = 0; i < vnodes; i++) out[i] = murmur3(`${id}#${i}`);
  return out;
}

/**
 * A consistent-hash ring over `nodes`, `vnodes` tokens each. Tokens that collide are
 * ordered by node id, so the ring depends only on the set of nodes, not on the order
 * they joined in.
 *
 * @param nodes distinct node ids (kept in this order in `nodes`)
 * @param options `vnodes` per node (default 256)
 * @returns an immutable ring
 *
 * @example
 * ```ts
 * import { ringPartitioner } from "./ring.ts";
 * const ring = ringPartitioner(["n1", "n2", "n3"]);
 * ring.ownership(); // Map { "n1" => ~0.33, "n2" => ~0.33, "n3" => ~0.33 }
 * ```
 */
export function ringPartitioner(
  nodes: readonly NodeId[],
  options: RingOptions = {},
): RingPartitioner {
  const vnodes = options.vnodes ?? DEFAULT_VNODES;
  if (!Number.isInteger(vnodes) || vnodes < 1) {
    throw new RangeError(`vnodes must be an integer ≥ 1, got ${vnodes}`);
  }
  const key = vnodes + "|" + nodes.join(",");
  const known = recentRings.get(key);
  if (known !== undefined) {
    recentRings.delete(key); // most recent last
    recentRings.set(key, known);
    return known;
  }
  if (new Set(nodes).size !== nodes.length) {
    throw new RangeError(`duplicate node ids in ${JSON.stringify(nodes)}`);
  }
  const ring = buildRing(nodes, vnodes, new Map());
  if (recentRings.size >= RECENT_RINGS) recentRings.delete(recentRings.keys().next().value!);
  recentRings.set(key, ring);
  return ring;
}

/**
 * Rings built lately, by vnodes and node list: every node of a cluster builds the same
 * ring from the same membership, and a ring is immutable, so a thousand simulated nodes
 * share one (256,000 tokens) rather than each holding a copy.
 */
const recentRings = new Map<string, RingPartitioner>();
const RECENT_RINGS = 16;

/**
 * A consistent-hash ring whose tokens are given rather than hashed: for drawing a ring
 * at chosen positions (a textbook figure) or replaying one taken from a real cluster.
 * Every node needs at least one token; a node added later with `withNode` gets hashed
 * tokens, as many as the largest given node has.
 *
 * @param tokens each node's tokens, 32-bit unsigned integers
 * @returns an immutable ring
 *
 * @example
 * ```ts
 * import { ringPartitionerAt } from "./ring.ts";
 * const quarter = 2 ** 30;
 * const ring = ringPartitionerAt({ a: [quarter], b: [3 * quarter] });
 * ring.ownership().get("a"); // 0.5
 * ```
 */
export function ringPartitionerAt(
  tokens: Readonly<Record<NodeId, readonly number[]>>,
): RingPartitioner {
  const nodes = Object.keys(tokens);
  const given = new Map<NodeId, Uint32Array>();
  let vnodes = 1;
  for (const id of nodes) {
    const list = tokens[id]!;
    if (list.length === 0) throw new RangeError(`node ${id} has no token`);
    for (const t of list) {
      if (!Number.isInteger(t) || t < 0 || t >= 2 ** 32) {
        throw new RangeError(`token ${t} of ${id} is not a 32-bit unsigned integer`);
      }
    }
    given.set(id, Uint32Array.from(list));
    vnodes = Math.max(vnodes, list.length);
  }
  return buildRing(nodes, vnodes, given);
}

// Owner ranks are packed below the token in one float64 sort key: token·2^21 + rank
// stays under 2^53, so a native numeric sort orders by (token, node id).
const RANK_BITS = 2 ** 21;

function buildRing(
  nodes: readonly NodeId[],
  vnodes: number,
  previous: ReadonlyMap<NodeId, Uint32Array>,
): RingPartitioner {
  if (nodes.length > RANK_BITS) throw new RangeError(`too many nodes: ${nodes.length}`);
  const members = Object.freeze([...nodes]);
  const cache = new Map<NodeId, Uint32Array>();
  for (const id of members) cache.set(id, previous.get(id) ?? ringTokens(id, vnodes));

  // Rank by id for tie-breaking; map each rank back to its position in `members`.
  const byId = members.map((_, i) => i).sort((a, b) =>
    members[a] < members[b] ? -1 : members[a] > members[b] ? 1 : 0
  );
  const sortKeys = new Float64Array(members.length * vnodes);
  let k = 0;
  for (let rank = 0; rank < byId.length; rank++) {
    for (const token of cache.get(members[byId[rank]])!) sortKeys[k++] = token * RANK_BITS + rank;
  }
  sortKeys.sort();
  const tokens = new Uint32Array(sortKeys.length);
  const owners = new Uint32Array(sortKeys.length);
  for (let i = 0; i < sortKeys.length; i++) {
    const rank = sortKeys[i] % RANK_BITS;
    tokens[i] = (sortKeys[i] - rank) / RANK_BITS;
    owners[i] = byId[rank];
  }
  const size = tokens.length;

  // A bucket index on the top bits of the hash narrows each binary search to the few
  // tokens of one bucket: about one bucket per token, so ~2 probes instead of ~18.
  const bits = Math.min(20, Math.max(4, Math.ceil(Math.log2(size + 1))));
  const shift = 32 - bits;
  const bucketStart = new Uint32Array((1 << bits) + 1);
  for (let b = 0, i = 0; b <= 1 << bits; b++) {
    while (i < size && tokens[i] >>> shift < b) i++;
    bucketStart[b] = i;
  }

  /** Index of the first token ≥ h, wrapping to 0 past the last token. */
  const successor = (h: number): number => {
    const bucket = h >>> shift;
    let lo = bucketStart[bucket];
    let hi = bucketStart[bucket + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tokens[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === size ? 0 : lo;
  };

  const self: RingPartitioner = {
    kind: "ring",
    vnodes,
    nodes: members,
    owner(key) {
      if (size === 0) throw new RangeError("ring has no nodes");
      return members[owners[successor(murmur3(key))]];
    },
    preferenceList(key, n) {
      const count = Math.min(Math.max(0, Math.floor(n)), members.length);
      const out: NodeId[] = [];
      if (count === 0) return out;
      let i = successor(murmur3(key));
      // Every node appears within one full turn, so this ends after ≤ size steps.
      for (let step = 0; step < size && out.length < count; step++) {
        const node = members[owners[i]];
        if (!out.includes(node)) out.push(node);
        if (++i === size) i = 0;
      }
      return out;
    },
    tokens() {
      return Array.from(tokens, (token, i) => ({ token, node: members[owners[i]] }));
    },
    ownership() {
      const arcs = new Float64Array(members.length);
      for (let i = 0; i < size; i++) {
        // The arc (previous token, this token] belongs to this token's node.
        const previousToken = i === 0 ? tokens[size - 1] - 2 ** 32 : tokens[i - 1];
        arcs[owners[i]] += tokens[i] - previousToken;
      }
      return new Map(members.map((id, i) => [id, arcs[i] / 2 ** 32]));
    },
    withNode(id) {
      return members.includes(id) ? self : buildRing([...members, id], vnodes, cache);
    },
    withoutNode(id) {
      return members.includes(id)
        ? buildRing(members.filter((m) => m !== id), vnodes, cache)
        : self;
    },
  };
  return self;
}
