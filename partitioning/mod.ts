/**
 * Partitioning (chapter §5): which nodes own a key, and what moves when a node joins
 * or leaves. Four schemes behind one {@link Partitioner} interface — range
 * partitioning, hash mod N, a consistent-hash ring with virtual nodes, and jump
 * consistent hash — plus {@link moves} and {@link balance} to compare them.
 *
 * @example
 * ```ts
 * import { balance, hashModPartitioner, moves, ringPartitioner } from "./mod.ts";
 * const keys = Array.from({ length: 10_000 }, (_, i) => `key-${i}`);
 * const nodes = Array.from({ length: 10 }, (_, i) => `n${i + 1}`);
 * for (const before of [ringPartitioner(nodes), hashModPartitioner(nodes)]) {
 *   const after = before.withNode("n11");
 *   console.log(before.kind, moves(before, after, keys).fraction, balance(after, keys).cv);
 * }
 * ```
 *
 * @module
 */

export { murmur3, murmur3Bytes } from "./hash.ts";
export { balance, moves, summarize } from "./partitioner.ts";
export type { Balance, Move, MoveReport, Partitioner } from "./partitioner.ts";
export { hashModPartitioner } from "./hash_mod.ts";
export { jumpHash, jumpHashBigInt, jumpPartitioner } from "./jump.ts";
export { rangePartitioner, rangePartitionerFromSplits } from "./range.ts";
export { stringBetween } from "./string_between.ts";
export type { KeyRange, RangePartitioner } from "./range.ts";
export { DEFAULT_VNODES, ringPartitioner, ringPartitionerAt, ringTokens } from "./ring.ts";
export { caseFold, foldKeys } from "./key_fold.ts";
export type { RingOptions, RingPartitioner, RingToken } from "./ring.ts";
