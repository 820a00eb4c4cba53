/**
 * SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104), synchronous. WebCrypto has both, but
 * only behind a Promise: the message path is synchronous in both runtimes, and the
 * simulator must decide a message's fate inside the step that sends it, or its event
 * order (and so its trace) would depend on when promises settle. Tests check this code
 * against WebCrypto.
 *
 * A key's padded inner and outer blocks are hashed once ({@link hmacKey}); each message
 * then costs its own blocks plus two, with no allocation.
 *
 * @module
 */

const K = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const IV = new Int32Array([
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
]);

/** Scratch space shared by every call (the code is synchronous, so nothing interleaves). */
const W = new Int32Array(64);
const BLOCK = new Uint8Array(64);

/** Mixes the 64-byte block at `bytes[off..off+64)` into the state `h`. */
function compress(h: Int32Array, bytes: Uint8Array, off: number): void {
  const w = W;
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!, b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (k + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + k) | 0;
}

/**
 * Hashes `bytes[start..end)` into `h`, which holds a state that has already absorbed
 * `prefix` bytes (a multiple of 64), and pads: `h` ends as the digest's eight words.
 */
function finish(h: Int32Array, bytes: Uint8Array, start: number, end: number, prefix: number) {
  let i = start;
  for (; i + 64 <= end; i += 64) compress(h, bytes, i);
  const rest = end - i;
  const block = BLOCK;
  block.fill(0);
  block.set(bytes.subarray(i, end));
  block[rest] = 0x80;
  if (rest >= 56) {
    compress(h, block, 0);
    block.fill(0);
  }
  const bits = (prefix + end - start) * 8;
  const hi = Math.floor(bits / 0x100000000);
  block[56] = hi >>> 24;
  block[57] = hi >>> 16;
  block[58] = hi >>> 8;
  block[59] = hi;
  block[60] = bits >>> 24;
  block[61] = bits >>> 16;
  block[62] = bits >>> 8;
  block[63] = bits;
  compress(h, block, 0);
}

/**
 * The SHA-256 digest of `bytes`.
 *
 * @example
 * ```ts
 * import { sha256 } from "./hmac_sha256.ts";
 * const d = sha256(new TextEncoder().encode("abc"));
 * d[0].toString(16); // "ba", of ba7816bf…
 * ```
 */
export function sha256(bytes: Uint8Array): Uint8Array {
  const h = IV.slice();
  finish(h, bytes, 0, bytes.length, 0);
  return wordsToBytes(h);
}

/**
 * A key made ready for HMAC: the states after its inner and outer padded blocks.
 *
 * @example
 * ```ts
 * import { hmacKey, type HmacKey } from "./hmac_sha256.ts";
 * const key: HmacKey = hmacKey(new Uint8Array(32));
 * ```
 */
export interface HmacKey {
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

/**
 * Prepares `key` for {@link hmacSha256} (keys longer than a block are hashed first).
 *
 * @example
 * ```ts
 * import { hmacKey } from "./hmac_sha256.ts";
 * const key = hmacKey(new TextEncoder().encode("secret"));
 * ```
 */
export function hmacKey(key: Uint8Array): HmacKey {
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? sha256(key) : key);
  const pad = new Uint8Array(64);
  const inner = IV.slice(), outer = IV.slice();
  for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x36;
  compress(inner, pad, 0);
  for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x5c;
  compress(outer, pad, 0);
  return { inner, outer };
}

const DIGEST = new Uint8Array(32);

/**
 * HMAC-SHA256 of `bytes[start..end)` under `key`, written as eight 32-bit words into
 * `out` (a tag compares word by word; {@link wordsToBytes} gives the usual bytes).
 *
 * @example
 * ```ts
 * import { hmacKey, hmacSha256 } from "./hmac_sha256.ts";
 * const tag = new Int32Array(8);
 * const msg = new TextEncoder().encode("hello");
 * hmacSha256(hmacKey(new TextEncoder().encode("key")), msg, 0, msg.length, tag);
 * ```
 */
export function hmacSha256(
  key: HmacKey,
  bytes: Uint8Array,
  start: number,
  end: number,
  out: Int32Array,
): void {
  out.set(key.inner);
  finish(out, bytes, start, end, 64);
  const d = DIGEST;
  for (let i = 0; i < 8; i++) {
    const w = out[i]!;
    d[i * 4] = w >>> 24;
    d[i * 4 + 1] = w >>> 16;
    d[i * 4 + 2] = w >>> 8;
    d[i * 4 + 3] = w;
  }
  out.set(key.outer);
  finish(out, d, 0, 32, 64);
}

/**
 * The big-endian bytes of eight digest words.
 *
 * @example
 * ```ts
 * import { wordsToBytes } from "./hmac_sha256.ts";
 * wordsToBytes(new Int32Array(8)).length; // 32
 * ```
 */
export function wordsToBytes(h: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const w = h[i]!;
    out[i * 4] = w >>> 24;
    out[i * 4 + 1] = w >>> 16;
    out[i * 4 + 2] = w >>> 8;
    out[i * 4 + 3] = w;
  }
  return out;
}
