/**
 * Splitting a torture run's seeds among machines. Shard K of N (K counted from 0, as
 * Kubernetes' `JOB_COMPLETION_INDEX` and a CI matrix index are) takes every N-th seed
 * starting from the K-th, so slow seeds spread evenly and every seed belongs to exactly
 * one shard.
 *
 * @module
 */

/** One share of a torture run: `index` of `count`, `index` from 0. */
export interface Shard {
  /** Which share, from 0 to `count - 1`. */
  readonly index: number;
  /** How many shares the run is split into. */
  readonly count: number;
}

/** The most shards a run can be split into. */
export const MAX_SHARDS = 100_000;

/**
 * Parses `--shard K/N` (K from 0 to N − 1).
 *
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * parseShard("2/8"); // { index: 2, count: 8 }
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new Error(`invalid --shard '${text}': expected K/N, e.g. 0/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) {
    throw new Error(`invalid --shard '${text}': N must be between 1 and ${MAX_SHARDS}`);
  }
  if (index >= count) {
    throw new Error(`invalid --shard '${text}': K counts from 0, so it must be below N`);
  }
  return { index, count };
}

/**
 * Writes a shard back as `K/N`.
 *
 * @example
 * ```ts
 * import { formatShard } from "./shard.ts";
 * formatShard({ index: 0, count: 4 }); // "0/4"
 * ```
 */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * The seeds of `seeds` consecutive ones from `seedStart` that belong to `shard`
 * (all of them without a shard), in increasing order.
 *
 * @example
 * ```ts
 * import { shardSeeds } from "./shard.ts";
 * shardSeeds(1, 10, { index: 1, count: 4 }); // [2, 6, 10]
 * ```
 */
export function shardSeeds(seedStart: number, seeds: number, shard?: Shard): number[] {
  const out: number[] = [];
  const step = shard?.count ?? 1;
  for (let i = shard?.index ?? 0; i < seeds; i += step) out.push(seedStart + i);
  return out;
}
