/**
 * The search's memory of configurations already explored: (set of linearized operations,
 * model state). Reaching one again can only repeat work, so the search prunes it.
 *
 * The set is identified by a 64-bit Zobrist hash that the search keeps up to date. In
 * fast mode the cache trusts that hash (the odds of any collision among a billion
 * entries are about 1 in 10^7); a collision can only prune a branch that was never
 * explored, so fast mode may wrongly miss a linearization but never invents one, and the
 * checker confirms every failure in exact mode. Exact mode also stores and compares the
 * set itself, compactly: the search numbers `ok` operations first, so their bits are all
 * ones up to a low word and all zeros after a high word, and only the words between
 * (bounded by how many operations overlap) plus the few `info` operations' words are kept.
 *
 * Flat typed arrays with open addressing: an insert allocates nothing (amortized).
 *
 * @module
 */

/**
 * The live bitset an exact cache compares against: words `[0, definiteWords)` hold the
 * `ok` operations, the rest the `info` ones. `low` is the number of leading all-ones
 * words and `high` one past the last nonzero word, both within the definite part.
 *
 * @example
 * ```ts
 * import type { LiveBits } from "./config_cache.ts";
 * const live: LiveBits = { bits: new Uint32Array(2), definiteWords: 1, low: 0, high: 0 };
 * ```
 */
export interface LiveBits {
  readonly bits: Uint32Array;
  readonly definiteWords: number;
  low: number;
  high: number;
}

/**
 * A set of (linearized set, state id) pairs keyed by a caller-maintained 64-bit hash.
 *
 * @example
 * ```ts
 * import { createConfigCache } from "./config_cache.ts";
 * const cache = createConfigCache();
 * cache.insert(12345, 678, 0); // true: new
 * cache.insert(12345, 678, 0); // false: seen before
 * ```
 */
export interface ConfigCache {
  /**
   * Adds the configuration (the live set, whose hash is `hashLo`/`hashHi`, with state
   * `state`) unless present; returns true if it was new.
   */
  insert(hashLo: number, hashHi: number, state: number): boolean;
  /** Number of configurations stored. */
  readonly size: number;
}

/**
 * Creates an empty {@link ConfigCache}: exact when given the `live` bitset to store and
 * compare, fast (hash only) otherwise. `expected` (a guess at the number of entries)
 * sizes the table up front to save regrowing it.
 *
 * @example
 * ```ts
 * import { createConfigCache } from "./config_cache.ts";
 * const live = { bits: new Uint32Array(1), definiteWords: 1, low: 0, high: 0 };
 * const cache = createConfigCache(live);
 * live.bits[0] = 1;
 * live.high = 1;
 * cache.insert(1, 2, 0); // true
 * cache.size; // 1
 * ```
 */
export function createConfigCache(live?: LiveBits, expected = 256): ConfigCache {
  // Table slots: a power of two, kept at most half full.
  let capacity = 1024;
  while (capacity < expected * 4 && capacity < 1 << 24) capacity <<= 1;
  let table = new Int32Array(capacity); // 0 = empty, else entry index + 1
  let entryLo: Int32Array = new Int32Array(capacity >> 1);
  let entryHi: Int32Array = new Int32Array(capacity >> 1);
  let entryState: Int32Array = new Int32Array(capacity >> 1);
  let entryAt: Int32Array = new Int32Array(live === undefined ? 0 : capacity >> 1); // offset into pool
  let pool = new Uint32Array(live === undefined ? 0 : 4096);
  let used = 0;
  let count = 0;

  // Pool layout of an entry: low, high, bits[low, high), bits[definiteWords, end).
  function sameSet(entry: number): boolean {
    const { bits, definiteWords, low, high } = live!;
    let at = entryAt[entry];
    if (pool[at] !== low || pool[at + 1] !== high) return false;
    at += 2;
    for (let i = low; i < high; i++) if (pool[at++] !== bits[i]) return false;
    for (let i = definiteWords; i < bits.length; i++) if (pool[at++] !== bits[i]) return false;
    return true;
  }

  function store(entry: number): void {
    const { bits, definiteWords, low, high } = live!;
    const need = 2 + (high - low) + (bits.length - definiteWords);
    if (used + need > pool.length) {
      const bigger = new Uint32Array(Math.max(pool.length * 2, used + need));
      bigger.set(pool.subarray(0, used));
      pool = bigger;
    }
    entryAt[entry] = used;
    pool[used++] = low;
    pool[used++] = high;
    for (let i = low; i < high; i++) pool[used++] = bits[i];
    for (let i = definiteWords; i < bits.length; i++) pool[used++] = bits[i];
  }

  function widen(a: Int32Array): Int32Array {
    const b = new Int32Array(capacity >> 1);
    b.set(a);
    return b;
  }

  function grow(): void {
    capacity <<= 1;
    const mask = capacity - 1;
    table = new Int32Array(capacity);
    for (let e = 0; e < count; e++) {
      let slot = entryLo[e] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = e + 1;
    }
    entryLo = widen(entryLo);
    entryHi = widen(entryHi);
    entryState = widen(entryState);
    if (live !== undefined) entryAt = widen(entryAt);
  }

  return {
    insert(hashLo, hashHi, state) {
      // Mix the state id into the set's hash (Zobrist values are already well spread).
      const lo = (hashLo ^ Math.imul(state + 1, 0x9e3779b1)) | 0;
      const hi = (hashHi ^ Math.imul(state + 1, 0x85ebca77)) | 0;
      const mask = capacity - 1;
      let slot = lo & mask;
      for (;;) {
        const t = table[slot];
        if (t === 0) break;
        const e = t - 1;
        if (
          entryLo[e] === lo && entryHi[e] === hi && entryState[e] === state &&
          (live === undefined || sameSet(e))
        ) {
          return false;
        }
        slot = (slot + 1) & mask;
      }
      const e = count++;
      entryLo[e] = lo;
      entryHi[e] = hi;
      entryState[e] = state;
      if (live !== undefined) store(e);
      table[slot] = e + 1;
      if (count * 2 >= capacity) grow();
      return true;
    },
    get size() {
      return count;
    },
  };
}
