/**
 * Merkle trees over key ranges (Dynamo §4.7), for anti-entropy between two replicas.
 *
 * The 32-bit hash ring is cut into 2^depth equal ranges; a key falls in the leaf of
 * its hash's top `depth` bits, so a leaf *is* a contiguous key range on the ring. A
 * leaf's hash combines the digests of its keys' (key, versions) pairs with XOR — order
 * does not matter, so no sorting — and each inner node hashes its two children. Two
 * replicas compare roots; where a node differs they compare its children, and so on
 * down to the leaves that differ; only the keys of those leaves are exchanged. With k
 * differing keys that is O(k · depth) hashes and O(k · keys per leaf) entries, instead
 * of every key.
 *
 * @example
 * ```ts
 * import { buildMerkleTree, differingLeaves } from "./merkle.ts";
 * const a = buildMerkleTree([["x", 1], ["y", 2]], 4);
 * const b = buildMerkleTree([["x", 1], ["y", 3]], 4);
 * differingLeaves(a, b).leaves; // [the leaf of "y"]
 * ```
 *
 * @module
 */

import { murmur3 } from "../../partitioning/hash.ts";

/**
 * A Merkle tree: `levels[0]` is the root (one hash), `levels[d]` has 2^d hashes, and
 * `levels[depth]` are the leaves. `leafKeys[i]` lists the keys of leaf `i`.
 *
 * @example
 * ```ts
 * import { buildMerkleTree, type MerkleTree } from "./merkle.ts";
 * const t: MerkleTree = buildMerkleTree([], 3);
 * t.levels[3].length; // 8
 * ```
 */
export interface MerkleTree {
  readonly depth: number;
  readonly levels: readonly Uint32Array[];
  readonly leafKeys: readonly (readonly string[])[];
}

/**
 * The leaf (key range) of `key` in a tree of `depth`: the top `depth` bits of its hash.
 *
 * @example
 * ```ts
 * import { merkleLeaf } from "./merkle.ts";
 * merkleLeaf("user:1", 0); // 0: a tree of depth 0 has one leaf
 * ```
 */
export function merkleLeaf(key: string, depth: number): number {
  return depth === 0 ? 0 : murmur3(key) >>> (32 - depth);
}

/**
 * Digest of one key's entry; equal exactly when key and content text are equal (up to
 * hash collisions).
 *
 * @example
 * ```ts
 * import { entryDigest } from "./merkle.ts";
 * entryDigest("k", "v1") !== entryDigest("k", "v2"); // true
 * ```
 */
export function entryDigest(key: string, content: string): number {
  return murmur3(key + "\u0000" + content);
}

/**
 * Builds a tree from (key, digest) pairs.
 *
 * @param entries each key once, with its {@link entryDigest}
 * @param depth the tree has 2^depth leaves
 * @returns the tree
 *
 * @example
 * ```ts
 * import { buildMerkleTree, entryDigest } from "./merkle.ts";
 * const t = buildMerkleTree([["a", entryDigest("a", "1")]], 2);
 * t.levels[0][0] !== buildMerkleTree([], 2).levels[0][0]; // true
 * ```
 */
export function buildMerkleTree(
  entries: Iterable<readonly [string, number]>,
  depth: number,
): MerkleTree {
  const leaves = new Uint32Array(1 << depth);
  const leafKeys: string[][] = Array.from({ length: 1 << depth }, () => []);
  for (const [key, digest] of entries) {
    const i = merkleLeaf(key, depth);
    leaves[i] = (leaves[i]! ^ digest) >>> 0;
    leafKeys[i]!.push(key);
  }
  const levels: Uint32Array[] = [];
  levels[depth] = leaves;
  for (let d = depth - 1; d >= 0; d--) {
    const below = levels[d + 1]!;
    const level = new Uint32Array(1 << d);
    for (let i = 0; i < level.length; i++) {
      const l = below[2 * i]!;
      const r = below[2 * i + 1]!;
      // Empty subtrees hash to 0 on both sides, so they are never descended into.
      level[i] = l === 0 && r === 0 ? 0 : murmur3(`${l}.${r}`);
    }
    levels[d] = level;
  }
  return { depth, levels, leafKeys };
}

/**
 * One step of the comparison: which of the given nodes at `level` differ from `tree`.
 *
 * @param tree my tree
 * @param level the level the peer's hashes are from
 * @param theirs (index, hash) pairs the peer sent
 * @returns indices whose hashes differ, ascending
 *
 * @example
 * ```ts
 * import { buildMerkleTree, compareLevel } from "./merkle.ts";
 * const t = buildMerkleTree([["a", 7]], 1);
 * compareLevel(t, 0, [[0, t.levels[0][0]]]); // []
 * ```
 */
export function compareLevel(
  tree: MerkleTree,
  level: number,
  theirs: readonly (readonly [number, number])[],
): number[] {
  const mine = tree.levels[level];
  if (mine === undefined) return [];
  const out: number[] = [];
  for (const [i, h] of theirs) if (i >= 0 && i < mine.length && mine[i] !== h) out.push(i);
  return out.sort((a, b) => a - b);
}

/**
 * The hashes of the children (at `level + 1`) of the given nodes, to send to the peer.
 *
 * @example
 * ```ts
 * import { buildMerkleTree, childHashes } from "./merkle.ts";
 * childHashes(buildMerkleTree([], 2), 0, [0]); // [[0, 0], [1, 0]]
 * ```
 */
export function childHashes(
  tree: MerkleTree,
  level: number,
  indices: readonly number[],
): [number, number][] {
  const below = tree.levels[level + 1];
  if (below === undefined) return [];
  const out: [number, number][] = [];
  for (const i of indices) out.push([2 * i, below[2 * i]!], [2 * i + 1, below[2 * i + 1]!]);
  return out;
}

/**
 * Compares two local trees the way two replicas do over the network, level by level.
 *
 * @returns the differing leaves and how many hashes were compared
 *
 * @example
 * ```ts
 * import { buildMerkleTree, differingLeaves } from "./merkle.ts";
 * const t = buildMerkleTree([["a", 1]], 3);
 * differingLeaves(t, t); // { leaves: [], compared: 1 }
 * ```
 */
export function differingLeaves(
  a: MerkleTree,
  b: MerkleTree,
): { leaves: number[]; compared: number } {
  if (a.depth !== b.depth) throw new RangeError("trees of different depth");
  let frontier: [number, number][] = [[0, b.levels[0]![0]!]];
  let compared = 0;
  for (let level = 0;; level++) {
    compared += frontier.length;
    const differ = compareLevel(a, level, frontier);
    if (level === a.depth || differ.length === 0) return { leaves: differ, compared };
    frontier = childHashes(b, level, differ);
  }
}
