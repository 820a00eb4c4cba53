/**
 * The common shape of every partitioner (range, hash mod N, consistent-hash ring, jump
 * hash) and the two measurements the chapter asks of them: which keys move when the
 * membership changes ({@link moves}) and how evenly keys spread ({@link balance}).
 *
 * Partitioners are immutable values: {@link Partitioner.withNode} and
 * {@link Partitioner.withoutNode} return a new partitioner and leave the old one
 * intact, so "before" and "after" can be compared key by key.
 *
 * @example
 * ```ts
 * import { balance, moves } from "./partitioner.ts";
 * import { ringPartitioner } from "./ring.ts";
 * const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
 * const before = ringPartitioner(["n1", "n2", "n3"]);
 * const after = before.withNode("n4");
 * moves(before, after, keys).fraction; // about 1/4, all to n4
 * balance(after, keys).cv; // about 1/√256
 * ```
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";

/**
 * Answers "which nodes own this key" and "what does the layout look like with one node
 * more or less". Implementations are immutable.
 *
 * @example
 * ```ts
 * import type { Partitioner } from "./partitioner.ts";
 * function replicasOf(p: Partitioner, key: string): readonly string[] {
 *   return p.preferenceList(key, 3);
 * }
 * ```
 */
export interface Partitioner {
  /** Which scheme this is: `range`, `hash-mod`, `ring` or `jump`. */
  readonly kind: string;
  /** The physical nodes, without duplicates, in the scheme's own order. */
  readonly nodes: readonly NodeId[];
  /** The node that owns `key` (the first entry of its preference list). Throws if there are no nodes. */
  owner(key: string): NodeId;
  /**
   * The first `n` distinct physical nodes responsible for `key`, owner first (all nodes
   * when there are fewer than `n`).
   */
  preferenceList(key: string, n: number): NodeId[];
  /** A new partitioner with node `id` added (itself if `id` is already a member). */
  withNode(id: NodeId): Partitioner;
  /** A new partitioner with node `id` removed (itself if `id` is not a member). */
  withoutNode(id: NodeId): Partitioner;
}

/**
 * One key whose owner changed.
 *
 * @example
 * ```ts
 * import type { Move } from "./partitioner.ts";
 * const m: Move = { key: "user:7", from: "n2", to: "n11" };
 * ```
 */
export interface Move {
  readonly key: string;
  readonly from: NodeId;
  readonly to: NodeId;
}

/**
 * What {@link moves} found.
 *
 * @example
 * ```ts
 * import type { MoveReport } from "./partitioner.ts";
 * const r: MoveReport = { total: 4, moved: [{ key: "a", from: "n1", to: "n2" }], fraction: 0.25 };
 * ```
 */
export interface MoveReport {
  /** How many keys were examined. */
  readonly total: number;
  /** The keys whose owner differs, in input order. */
  readonly moved: readonly Move[];
  /** `moved.length / total` (0 when there are no keys). */
  readonly fraction: number;
}

/**
 * Which of `keys` change owner between two partitioners, from where to where.
 *
 * @param before the layout before the membership change
 * @param after the layout after it
 * @param keys the keys to examine
 * @returns the moved keys and the fraction moved
 *
 * @example
 * ```ts
 * import { moves } from "./partitioner.ts";
 * import { hashModPartitioner } from "./hash_mod.ts";
 * const before = hashModPartitioner(["n1", "n2", "n3"]);
 * const report = moves(before, before.withNode("n4"), ["a", "b", "c", "d"]);
 * report.moved.map((m) => `${m.key}: ${m.from} → ${m.to}`);
 * ```
 */
export function moves(before: Partitioner, after: Partitioner, keys: Iterable<string>): MoveReport {
  const moved: Move[] = [];
  let total = 0;
  for (const key of keys) {
    total++;
    const from = before.owner(key);
    const to = after.owner(key);
    if (from !== to) moved.push({ key, from, to });
  }
  return { total, moved, fraction: total === 0 ? 0 : moved.length / total };
}

/**
 * Per-node load and how uneven it is.
 *
 * @example
 * ```ts
 * import type { Balance } from "./partitioner.ts";
 * const b: Balance = {
 *   counts: new Map([["n1", 10], ["n2", 30]]),
 *   mean: 20, stddev: 10, cv: 0.5, min: 10, max: 30,
 * };
 * ```
 */
export interface Balance {
  /** Keys owned per node, every node present (zero included), in `nodes` order. */
  readonly counts: ReadonlyMap<NodeId, number>;
  readonly mean: number;
  /** Population standard deviation of the counts. */
  readonly stddev: number;
  /** Coefficient of variation `stddev / mean` (0 when there are no keys). */
  readonly cv: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Counts how many of `keys` each node owns, with mean and coefficient of variation.
 *
 * @param partitioner the layout to measure
 * @param keys the keys to place
 * @returns per-node counts and their spread
 *
 * @example
 * ```ts
 * import { balance } from "./partitioner.ts";
 * import { jumpPartitioner } from "./jump.ts";
 * const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}`);
 * balance(jumpPartitioner(["n1", "n2", "n3", "n4"]), keys).cv; // about √(3/10000)
 * ```
 */
export function balance(partitioner: Partitioner, keys: Iterable<string>): Balance {
  const counts = new Map<NodeId, number>();
  for (const node of partitioner.nodes) counts.set(node, 0);
  for (const key of keys) {
    const owner = partitioner.owner(key);
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return summarize(counts);
}

/**
 * Mean, population standard deviation, coefficient of variation, min and max of a
 * per-node load (any non-negative weights: key counts, owned ring fractions, bytes).
 *
 * @param counts load per node
 * @returns the load with its spread
 *
 * @example
 * ```ts
 * import { summarize } from "./partitioner.ts";
 * summarize(new Map([["n1", 1], ["n2", 3]])).cv; // 0.5
 * ```
 */
export function summarize(counts: ReadonlyMap<NodeId, number>): Balance {
  const n = counts.size;
  if (n === 0) return { counts, mean: 0, stddev: 0, cv: 0, min: 0, max: 0 };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const c of counts.values()) {
    sum += c;
    if (c < min) min = c;
    if (c > max) max = c;
  }
  const mean = sum / n;
  let squares = 0;
  for (const c of counts.values()) squares += (c - mean) ** 2;
  const stddev = Math.sqrt(squares / n);
  return { counts, mean, stddev, cv: mean === 0 ? 0 : stddev / mean, min, max };
}
