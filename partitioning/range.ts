/**
 * Range partitioning (Bigtable, HBase, CockroachDB, TiKV): the key space is cut at
 * sorted split points into contiguous ranges, each owned by one node.
 *
 * Keys are compared as JavaScript strings (UTF-16 code unit order). With split points
 * `s0 < s1 < … < s(k−1)` there are k+1 ranges `["", s0)`, `[s0, s1)`, …,
 * `[s(k−1), ∞)`; range i is owned by `owners[i]`. A range scan touches few nodes and
 * ordered keys stay together — and so does a hot spot: sequential keys all hit the
 * last range.
 *
 * Split points are chosen from a *sample* of keys (as real systems split on the size
 * statistics of a range): {@link rangePartitioner} puts them at the sample's
 * quantiles, and `withNode` splits the range holding the most sampled keys at its
 * median key, giving the upper half to the new node — so a join moves keys from one
 * node only. `withoutNode` hands each range of the leaving node, whole, to the node
 * holding the fewest sampled keys, so only the leaving node's keys move. Without
 * enough sample keys a range is cut at a string midpoint of its bounds, which suits
 * no particular key distribution: give a sample.
 *
 * @example
 * ```ts
 * import { rangePartitioner } from "./range.ts";
 * const sample = Array.from({ length: 1000 }, (_, i) => `user:${String(i).padStart(4, "0")}`);
 * const p = rangePartitioner(["n1", "n2", "n3", "n4"], sample);
 * p.splits; // ["user:0250", "user:0500", "user:0750"]
 * p.owner("user:0600"); // "n3"
 * ```
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { Partitioner } from "./partitioner.ts";
import { stringBetween } from "./string_between.ts";

/**
 * One contiguous range of keys: `start ≤ key < end` (`end` null = no upper bound).
 *
 * @example
 * ```ts
 * import type { KeyRange } from "./range.ts";
 * const r: KeyRange = { start: "", end: "m", owner: "n1" };
 * ```
 */
export interface KeyRange {
  readonly start: string;
  readonly end: string | null;
  readonly owner: NodeId;
}

/**
 * A range partitioner: a {@link Partitioner} that also shows its split points.
 *
 * @example
 * ```ts
 * import { rangePartitionerFromSplits, type RangePartitioner } from "./range.ts";
 * const p: RangePartitioner = rangePartitionerFromSplits(["m"], ["n1", "n2"]);
 * p.ranges(); // [{ start: "", end: "m", owner: "n1" }, { start: "m", end: null, owner: "n2" }]
 * ```
 */
export interface RangePartitioner extends Partitioner {
  readonly kind: "range";
  /** Strictly ascending split points; there is one more range than split points. */
  readonly splits: readonly string[];
  /** `owners[i]` owns range i. */
  readonly owners: readonly NodeId[];
  /** The sorted, distinct key sample used to choose future split points. */
  readonly sample: readonly string[];
  /** The ranges in key order. */
  ranges(): KeyRange[];
  withNode(id: NodeId): RangePartitioner;
  withoutNode(id: NodeId): RangePartitioner;
}

/**
 * A range partitioner with one range per node, cut at the quantiles of `sample`, in
 * `nodes` order (the first node owns the lowest keys).
 *
 * @param nodes distinct node ids
 * @param sample keys representative of the data (any order, duplicates ignored)
 * @returns an immutable range partitioner
 *
 * @example
 * ```ts
 * import { rangePartitioner } from "./range.ts";
 * const p = rangePartitioner(["a", "b"], ["k1", "k2", "k3", "k4"]);
 * p.splits; // ["k3"]
 * ```
 */
export function rangePartitioner(
  nodes: readonly NodeId[],
  sample: Iterable<string> = [],
): RangePartitioner {
  if (new Set(nodes).size !== nodes.length) {
    throw new RangeError(`duplicate node ids in ${JSON.stringify(nodes)}`);
  }
  const sorted = sortedDistinct(sample);
  if (nodes.length === 0) return build([], [], sorted);
  if (sorted.length >= nodes.length) {
    const splits: string[] = [];
    for (let i = 1; i < nodes.length; i++) {
      splits.push(sorted[Math.floor((i * sorted.length) / nodes.length)]);
    }
    return build(splits, nodes, sorted);
  }
  // Too few sample keys for quantiles: grow one split at a time.
  let p = build([], [nodes[0]], sorted);
  for (const id of nodes.slice(1)) p = p.withNode(id);
  return p;
}

/**
 * A range partitioner with explicit split points and owners.
 *
 * @param splits strictly ascending, non-empty strings
 * @param owners `splits.length + 1` owners; a node may own several ranges
 * @param sample optional key sample for later splits
 * @returns an immutable range partitioner
 *
 * @example
 * ```ts
 * import { rangePartitionerFromSplits } from "./range.ts";
 * const p = rangePartitionerFromSplits(["g", "p"], ["n1", "n2", "n1"]);
 * p.preferenceList("h", 2); // ["n2", "n1"]
 * ```
 */
export function rangePartitionerFromSplits(
  splits: readonly string[],
  owners: readonly NodeId[],
  sample: Iterable<string> = [],
): RangePartitioner {
  if (owners.length !== splits.length + 1) {
    throw new RangeError(`need ${splits.length + 1} owners for ${splits.length} splits`);
  }
  for (let i = 0; i < splits.length; i++) {
    if (splits[i] <= (i === 0 ? "" : splits[i - 1])) {
      throw new RangeError(`splits must be non-empty and strictly ascending: ${splits[i]}`);
    }
  }
  return build(splits, owners, sortedDistinct(sample));
}

function sortedDistinct(keys: Iterable<string>): readonly string[] {
  const sorted = [...new Set(keys)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return Object.freeze(sorted);
}

/** Index of the first element ≥ key (or > key when `strict`). */
function search(sorted: readonly string[], key: string, strict: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key || (strict && sorted[mid] === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function build(
  splitList: readonly string[],
  ownerList: readonly NodeId[],
  sample: readonly string[],
): RangePartitioner {
  const splits = Object.freeze([...splitList]);
  const owners = Object.freeze([...ownerList]);
  const members = Object.freeze([...new Set(owners)]);
  const rangeCount = owners.length;

  const startOf = (i: number): string => (i === 0 ? "" : splits[i - 1]);
  const endOf = (i: number): string | null => (i === splits.length ? null : splits[i]);
  /** Sample keys inside range i. */
  const sampleIn = (i: number): [number, number] => {
    const end = endOf(i);
    return [
      search(sample, startOf(i), false),
      end === null ? sample.length : search(sample, end, false),
    ];
  };
  // The range holding `key`: how many split points are ≤ key.
  const rangeOf = (key: string): number => search(splits, key, true);

  const self: RangePartitioner = {
    kind: "range",
    nodes: members,
    splits,
    owners,
    sample,
    owner(key) {
      if (rangeCount === 0) throw new RangeError("range partitioner has no nodes");
      return owners[rangeOf(key)];
    },
    preferenceList(key, n) {
      const count = Math.min(Math.max(0, Math.floor(n)), members.length);
      const out: NodeId[] = [];
      if (count === 0) return out;
      let i = rangeOf(key);
      for (let step = 0; step < rangeCount && out.length < count; step++) {
        if (!out.includes(owners[i])) out.push(owners[i]);
        if (++i === rangeCount) i = 0;
      }
      return out;
    },
    ranges() {
      return owners.map((owner, i) => ({ start: startOf(i), end: endOf(i), owner }));
    },
    withNode(id) {
      if (members.includes(id)) return self;
      if (rangeCount === 0) return build([], [id], sample);
      // Split the range with the most sampled keys (the lowest such range on ties).
      let best = 0;
      let bestCount = -1;
      for (let i = 0; i < rangeCount; i++) {
        const [from, to] = sampleIn(i);
        if (to - from > bestCount) {
          best = i;
          bestCount = to - from;
        }
      }
      const [from, to] = sampleIn(best);
      // The median sampled key is > start when the range holds ≥ 2 distinct keys.
      let split = to - from >= 2 ? sample[from + Math.floor((to - from) / 2)] : undefined;
      if (split === undefined || split <= startOf(best)) {
        split = stringBetween(startOf(best), endOf(best));
      }
      if (split === undefined) throw new RangeError(`cannot split range ${best} for ${id}`);
      return build(
        [...splits.slice(0, best), split, ...splits.slice(best)],
        [...owners.slice(0, best + 1), id, ...owners.slice(best + 1)],
        sample,
      );
    },
    withoutNode(id) {
      if (!members.includes(id)) return self;
      const remaining = members.filter((m) => m !== id);
      if (remaining.length === 0) return build([], [], sample);
      // Load per remaining node, by sampled keys; each orphaned range goes, whole, to
      // the least loaded node at that moment.
      const load = new Map<NodeId, number>(remaining.map((m) => [m, 0]));
      for (let i = 0; i < rangeCount; i++) {
        if (owners[i] === id) continue;
        const [from, to] = sampleIn(i);
        load.set(owners[i], load.get(owners[i])! + to - from);
      }
      const next = owners.slice();
      for (let i = 0; i < rangeCount; i++) {
        if (owners[i] !== id) continue;
        let target = remaining[0];
        for (const m of remaining) if (load.get(m)! < load.get(target)!) target = m;
        const [from, to] = sampleIn(i);
        load.set(target, load.get(target)! + to - from);
        next[i] = target;
      }
      // Adjacent ranges with the same owner merge; that moves no key.
      const mergedSplits: string[] = [];
      const mergedOwners: NodeId[] = [next[0]];
      for (let i = 1; i < rangeCount; i++) {
        if (next[i] === mergedOwners[mergedOwners.length - 1]) continue;
        mergedSplits.push(splits[i - 1]);
        mergedOwners.push(next[i]);
      }
      return build(mergedSplits, mergedOwners, sample);
    },
  };
  return self;
}
