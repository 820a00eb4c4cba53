/**
 * Key folding: a partitioner that places a key by a normalised form of it, so that
 * `apple`, `Apple` and `ＡＰＰＬＥ` land on the same node. Range partitioning compares
 * keys by UTF-16 code units, where every uppercase ASCII letter sorts before every
 * lowercase one: with split points `H` and `O`, `apple` would fall in the last range.
 * Folding both the keys and the split points avoids that.
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { Partitioner } from "./partitioner.ts";

/**
 * The default fold: Unicode compatibility normalisation (NFKC, so full-width letters
 * become ASCII) then lower case.
 *
 * @example
 * ```ts
 * import { caseFold } from "./key_fold.ts";
 * caseFold("Ａpple"); // "apple"
 * ```
 */
export function caseFold(key: string): string {
  return key.normalize("NFKC").toLowerCase();
}

/**
 * `p`, placing every key by `fold(key)`; nodes added or removed later keep the fold.
 *
 * @param p the partitioner to wrap (its split points, if any, should already be folded)
 * @param fold the normalisation (default {@link caseFold})
 * @returns a partitioner of the same kind
 *
 * @example
 * ```ts
 * import { foldKeys } from "./key_fold.ts";
 * import { rangePartitionerFromSplits } from "./range.ts";
 * const shards = foldKeys(rangePartitionerFromSplits(["h", "o"], ["s1", "s2", "s3"]));
 * shards.owner("apple"); // "s1"
 * shards.owner("Zebra"); // "s3"
 * ```
 */
export function foldKeys(p: Partitioner, fold: (key: string) => string = caseFold): Partitioner {
  return {
    kind: p.kind,
    nodes: p.nodes,
    owner: (key: string): NodeId => p.owner(fold(key)),
    preferenceList: (key: string, n: number): NodeId[] => p.preferenceList(fold(key), n),
    withNode: (id: NodeId): Partitioner => foldKeys(p.withNode(id), fold),
    withoutNode: (id: NodeId): Partitioner => foldKeys(p.withoutNode(id), fold),
  };
}
