/**
 * Digests and signatures for PBFT. A digest is a 64-bit FNV-style hash of canonical JSON (a
 * simulation needs collision-resistance only against accidents, not an adversary that
 * searches). A signature is the digest of a key only signers know, the signer and the
 * content: it stands for the paper's public-key signatures inside certificates (prepared
 * and checkpoint certificates, view changes relayed in a new-view). Byzantine modes alter
 * a node's own messages; they do not know this key, so they cannot forge another node's
 * signature — as real signatures prevent.
 *
 * @module
 */

import type { NodeId } from "../node.ts";

/**
 * A signature of `i` over some content.
 *
 * @example
 * ```ts
 * import type { Sig } from "./digest.ts";
 * const s: Sig = { i: "n1", s: "00ff00ff00ff00ff" };
 * ```
 */
export interface Sig {
  readonly i: NodeId;
  readonly s: string;
}

/** Stands for the signers' private keys; not exported (see the module note). */
const SIGNING_KEY = "pbft-signing-key:6f1c";

/**
 * JSON with object keys sorted, so equal values have equal digests.
 *
 * @example
 * ```ts
 * import { canonical } from "./digest.ts";
 * canonical({ b: 1, a: [2] }); // '{"a":[2],"b":1}'
 * ```
 */
export function canonical(x: unknown): string {
  if (typeof x === "number") return Number.isFinite(x) ? "" + x : "null";
  if (typeof x === "string") return JSON.stringify(x);
  if (x === null || typeof x !== "object") return JSON.stringify(x ?? null);
  if (Array.isArray(x)) {
    let out = "[";
    for (let i = 0; i < x.length; i++) out += (i > 0 ? "," : "") + canonical(x[i]);
    return out + "]";
  }
  const known = canonicalOf.get(x);
  if (known !== undefined) return known;
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length > 1) keys.sort();
  let out = "{", first = true;
  for (const k of keys) {
    const v = o[k];
    if (v === undefined) continue;
    out += (first ? "" : ",") + quotedKey(k) + ":" + canonical(v);
    first = false;
  }
  out += "}";
  if (Object.isFrozen(x)) canonicalOf.set(x, out);
  return out;
}

/** Object keys as JSON strings: few distinct ones, written over and over. */
const quotedKeys = new Map<string, string>();

function quotedKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < 4096) quotedKeys.set(k, q);
  }
  return q;
}

/**
 * Freezes a JSON value and everything in it, so {@link canonical} may remember its text.
 *
 * @example
 * ```ts
 * import { deepFreeze } from "./digest.ts";
 * Object.isFrozen(deepFreeze({ a: { b: 1 } }).a); // true
 * ```
 */
export function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === "object" && !Object.isFrozen(x)) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

/**
 * Canonical JSON of frozen objects (requests, results, signatures): they are digested by
 * every replica and at every checkpoint, and cannot change, so each is written once.
 */
const canonicalOf = new WeakMap<object, string>();

/**
 * A 64-bit hash of a string (two FNV-1a lanes), as 16 hex digits.
 *
 * @example
 * ```ts
 * import { hash } from "./digest.ts";
 * hash("a").length; // 16
 * ```
 */
export function hash(text: string): string {
  // Two 32-bit FNV-1a lanes with different offsets: no BigInt garbage per character.
  const [a, b] = fnv(0x811c9dc5, 0x050c5d1f, text);
  return hex32(a) + hex32(b);
}

/**
 * The digest of a value (of its canonical JSON).
 *
 * @example
 * ```ts
 * import { digest } from "./digest.ts";
 * digest({ a: 1, b: 2 }) === digest({ b: 2, a: 1 }); // true
 * ```
 */
export function digest(x: unknown): string {
  if (x === null || typeof x !== "object" || !Object.isFrozen(x)) return hash(canonical(x));
  let d = digestOf.get(x);
  if (d === undefined) digestOf.set(x, d = hash(canonical(x)));
  return d;
}

/** Digests of frozen values (a request is digested by every replica, often twice). */
const digestOf = new WeakMap<object, string>();

/**
 * `signer`'s signature over `content`.
 *
 * @example
 * ```ts
 * import { sign, verify } from "./digest.ts";
 * verify(sign("n1", "p|0|1|ab"), "p|0|1|ab"); // true
 * ```
 */
export function sign(signer: NodeId, content: string): Sig {
  return { i: signer, s: signature(signer, content) };
}

/** FNV lanes after `SIGNING_KEY|signer|`, by signer: each signature hashes only its content. */
const signerLanes = new Map<NodeId, readonly [number, number]>();

function signature(signer: NodeId, content: string): string {
  let lanes = signerLanes.get(signer);
  if (lanes === undefined) {
    lanes = fnv(0x811c9dc5, 0x050c5d1f, SIGNING_KEY + "|" + signer + "|");
    if (signerLanes.size < 4096) signerLanes.set(signer, lanes);
  }
  const [a, b] = fnv(lanes[0], lanes[1], content);
  return hex32(a) + hex32(b);
}

/** Two hex digits for each byte: `toString(16)` is slow on the hot path. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A 32-bit number as 8 hex digits. */
function hex32(x: number): string {
  return HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

/** {@link hash}'s two lanes, continued over `text`. */
function fnv(a: number, b: number, text: string): [number, number] {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return [a, b];
}

/**
 * Whether `sig` is its signer's signature over `content`.
 *
 * @example
 * ```ts
 * import { sign, verify } from "./digest.ts";
 * verify(sign("n1", "x"), "y"); // false
 * ```
 */
export function verify(sig: Sig, content: string): boolean {
  return signature(sig.i, content) === sig.s;
}

/**
 * Whether `sigs` hold valid signatures over `content` from at least `quorum` distinct
 * members.
 *
 * @example
 * ```ts
 * import { certified, sign } from "./digest.ts";
 * certified([sign("n1", "c"), sign("n2", "c")], "c", 2, ["n1", "n2"]); // true
 * ```
 */
export function certified(
  sigs: readonly Sig[],
  content: string,
  quorum: number,
  members: readonly NodeId[],
): boolean {
  const seen = new Set<NodeId>();
  for (const g of sigs) {
    if (members.includes(g.i) && verify(g, content)) seen.add(g.i);
  }
  return seen.size >= quorum;
}
