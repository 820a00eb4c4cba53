/**
 * Jump consistent hash (Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash
 * Algorithm", 2014), as a reference point for the ring.
 *
 * It maps a 64-bit key to one of `buckets` buckets with no state at all, spreads keys
 * almost perfectly evenly, and when the bucket count grows from N to N+1 moves exactly
 * the keys that go to the new bucket (about 1/(N+1)). Its limit: buckets are numbered,
 * so only the *last* bucket can leave without extra movement.
 *
 * The 64-bit linear congruential step is done on two 32-bit halves with `Math.imul`
 * ({@link jumpHash}); {@link jumpHashBigInt} is a line-for-line BigInt transcription of
 * the paper's C++ that the fast one is tested against (and benchmarked beside).
 *
 * @example
 * ```ts
 * import { jumpHashBigInt, jumpPartitioner } from "./jump.ts";
 * jumpHashBigInt(256n, 1024); // 520
 * jumpPartitioner(["n1", "n2", "n3"]).owner("user:42");
 * ```
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { Partitioner } from "./partitioner.ts";
import { murmur3 } from "./hash.ts";

// The LCG multiplier 2862933555777941757 = 0x27BB2EE6_87B0B0FD, in halves.
const M_HI = 0x27bb2ee6;
const M_LO = 0x87b0b0fd;
const M_LO_0 = M_LO & 0xffff;
const M_LO_1 = M_LO >>> 16;
const TWO_31 = 2147483648;

/** Seeds that turn one string into the two independent halves of a 64-bit key. */
const SEED_HI = 0x6a09e667;
const SEED_LO = 0xbb67ae85;

/**
 * Jump consistent hash of the 64-bit key `hi·2^32 + lo` into `[0, buckets)`.
 *
 * @param hi the key's upper 32 bits (unsigned)
 * @param lo the key's lower 32 bits (unsigned)
 * @param buckets the number of buckets, at least 1
 * @returns the bucket number
 *
 * @example
 * ```ts
 * import { jumpHash } from "./jump.ts";
 * jumpHash(0, 256, 1024); // 520
 * ```
 */
export function jumpHash(hi: number, lo: number, buckets: number): number {
  hi >>>= 0;
  lo >>>= 0;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    // key = key * M + 1 (mod 2^64). The upper word of lo·M_LO comes from 16-bit partial
    // products, each below 2^32, so everything stays in small-integer arithmetic.
    const lo0 = lo & 0xffff;
    const lo1 = lo >>> 16;
    const p00 = lo0 * M_LO_0;
    const p01 = lo0 * M_LO_1;
    const p10 = lo1 * M_LO_0;
    const middle = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    const upper = lo1 * M_LO_1 + (p01 >>> 16) + (p10 >>> 16) + (middle >>> 16);
    const newLo = (Math.imul(lo, M_LO) + 1) >>> 0;
    hi = (upper + Math.imul(hi, M_LO) + Math.imul(lo, M_HI) + (newLo === 0 ? 1 : 0)) >>> 0;
    lo = newLo;
    // (key >> 33) is the upper word shifted right once.
    j = Math.floor((b + 1) * (TWO_31 / ((hi >>> 1) + 1)));
  }
  return b;
}

const MASK_64 = (1n << 64n) - 1n;
const MULTIPLIER = 2862933555777941757n;

/**
 * The paper's algorithm transcribed with BigInt: the slow, obviously-right reference.
 *
 * @param key an unsigned 64-bit key
 * @param buckets the number of buckets, at least 1
 * @returns the bucket number
 *
 * @example
 * ```ts
 * import { jumpHashBigInt } from "./jump.ts";
 * jumpHashBigInt(1n, 60); // 55
 * ```
 */
export function jumpHashBigInt(key: bigint, buckets: number): number {
  let k = key & MASK_64;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * MULTIPLIER + 1n) & MASK_64;
    j = Math.floor((b + 1) * (TWO_31 / (Number(k >> 33n) + 1)));
  }
  return b;
}

/**
 * A partitioner that puts `key` in bucket `jumpHash(murmur3 pair of key, N)` of `nodes`.
 *
 * - `withNode` appends a bucket: only keys that land in the new bucket move.
 * - `withoutNode` of the last node pops its bucket: only its keys move. Removing any
 *   other node moves the last node into the freed slot (swap-remove), so the removed
 *   node's keys go to the former last node and the former last node's keys spread over
 *   the rest: about 2/N of the keys move instead of 1/N.
 * - The preference list is the owner's bucket followed by the next buckets (wrapping),
 *   since jump hash itself names only one bucket.
 *
 * @param nodes distinct node ids; position i is bucket i
 * @returns an immutable partitioner
 *
 * @example
 * ```ts
 * import { jumpPartitioner } from "./jump.ts";
 * const p = jumpPartitioner(["n1", "n2", "n3"]);
 * p.preferenceList("user:42", 2);
 * ```
 */
export function jumpPartitioner(nodes: readonly NodeId[]): Partitioner {
  if (new Set(nodes).size !== nodes.length) {
    throw new RangeError(`duplicate node ids in ${JSON.stringify(nodes)}`);
  }
  const members = Object.freeze([...nodes]);
  const size = members.length;
  const bucketOf = (key: string): number =>
    jumpHash(murmur3(key, SEED_HI), murmur3(key, SEED_LO), size);
  const self: Partitioner = {
    kind: "jump",
    nodes: members,
    owner(key) {
      if (size === 0) throw new RangeError("jump partitioner has no nodes");
      return members[bucketOf(key)];
    },
    preferenceList(key, n) {
      const count = Math.min(Math.max(0, Math.floor(n)), size);
      const out: NodeId[] = [];
      if (count === 0) return out;
      const first = bucketOf(key);
      for (let i = 0; i < count; i++) out.push(members[(first + i) % size]);
      return out;
    },
    withNode(id) {
      return members.includes(id) ? self : jumpPartitioner([...members, id]);
    },
    withoutNode(id) {
      const at = members.indexOf(id);
      if (at < 0) return self;
      const next = members.slice(0, -1);
      if (at < size - 1) next[at] = members[size - 1];
      return jumpPartitioner(next);
    },
  };
  return self;
}
