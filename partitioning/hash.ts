/**
 * String hashing for partitioners: MurmurHash3 (x86, 32-bit) over the UTF-8 bytes of a
 * string, written from Austin Appleby's algorithm description.
 *
 * Every partitioner hashes keys and node tokens with this one function, so the same
 * key lands on the same node in the simulator, in a Worker and in a browser. The
 * string is UTF-8 encoded on the fly (no `TextEncoder`, no allocation), lone UTF-16
 * surrogates become U+FFFD exactly as `TextEncoder` would encode them, so
 * `murmur3(s) === murmur3Bytes(new TextEncoder().encode(s))` for every string.
 *
 * @example
 * ```ts
 * import { murmur3 } from "./hash.ts";
 * murmur3("test"); // 0xba6bd213
 * murmur3("node-1#0", 7); // a 32-bit token
 * ```
 *
 * @module
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Mixes one 4-byte block into the running state `h`. */
function mixBlock(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Mixes the 1–3 trailing bytes and the length, then avalanches. */
function finish(h: number, tail: number, tailBytes: number, length: number): number {
  if (tailBytes > 0) {
    let k = Math.imul(tail, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MurmurHash3 x86 32-bit of the UTF-8 encoding of `key`, as an unsigned 32-bit integer.
 *
 * @param key any string; lone surrogates hash as U+FFFD
 * @param seed an unsigned 32-bit seed (default 0); different seeds give independent hashes
 * @returns a number in [0, 2^32)
 *
 * @example
 * ```ts
 * import { murmur3 } from "./hash.ts";
 * const bucket = murmur3("user:42") % 16;
 * ```
 */
export function murmur3(key: string, seed = 0): number {
  let h = seed | 0;
  let block = 0; // bytes collected so far, little-endian
  let filled = 0; // how many bytes `block` holds (0..3)
  let length = 0;
  const n = key.length;
  for (let i = 0; i < n; i++) {
    let c = key.charCodeAt(i);
    // Fast path: four ASCII characters make one whole block.
    if (filled === 0 && c < 0x80 && i + 3 < n) {
      const c1 = key.charCodeAt(i + 1);
      const c2 = key.charCodeAt(i + 2);
      const c3 = key.charCodeAt(i + 3);
      if ((c1 | c2 | c3) < 0x80) {
        h = mixBlock(h, c | (c1 << 8) | (c2 << 16) | (c3 << 24));
        length += 4;
        i += 3;
        continue;
      }
    }
    // Encode one code point as `count` UTF-8 bytes packed little-endian in `bytes`.
    let bytes: number;
    let count: number;
    if (c < 0x80) {
      bytes = c;
      count = 1;
    } else if (c < 0x800) {
      bytes = (0xc0 | (c >>> 6)) | ((0x80 | (c & 0x3f)) << 8);
      count = 2;
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? key.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
        } else {
          c = 0xfffd; // lone surrogate, as TextEncoder does
        }
      }
      if (c < 0x10000) {
        bytes = (0xe0 | (c >>> 12)) | ((0x80 | ((c >>> 6) & 0x3f)) << 8) |
          ((0x80 | (c & 0x3f)) << 16);
        count = 3;
      } else {
        bytes = (0xf0 | (c >>> 18)) | ((0x80 | ((c >>> 12) & 0x3f)) << 8) |
          ((0x80 | ((c >>> 6) & 0x3f)) << 16) | ((0x80 | (c & 0x3f)) << 24);
        count = 4;
      }
    }
    length += count;
    for (let b = 0; b < count; b++) {
      block |= ((bytes >>> (8 * b)) & 0xff) << (8 * filled);
      if (++filled === 4) {
        h = mixBlock(h, block);
        block = 0;
        filled = 0;
      }
    }
  }
  return finish(h, block, filled, length);
}

/**
 * MurmurHash3 x86 32-bit of raw bytes; the reference that {@link murmur3} agrees with.
 *
 * @param bytes the input bytes
 * @param seed an unsigned 32-bit seed (default 0)
 * @returns a number in [0, 2^32)
 *
 * @example
 * ```ts
 * import { murmur3Bytes } from "./hash.ts";
 * murmur3Bytes(new Uint8Array([0x74, 0x65, 0x73, 0x74])); // 0xba6bd213, same as murmur3("test")
 * ```
 */
export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const whole = bytes.length & ~3;
  for (let i = 0; i < whole; i += 4) {
    h = mixBlock(h, bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
  }
  let tail = 0;
  for (let i = whole; i < bytes.length; i++) tail |= bytes[i] << (8 * (i - whole));
  return finish(h, tail, bytes.length - whole, bytes.length);
}
