/**
 * A shared key between node processes (`--token`): how a TCP link proves both ends know
 * it, and how each frame after that proves it came from the peer that proved it, in
 * order, unchanged.
 *
 * - **Handshake** (challenge–response, the token never on the wire): the dialer's hello
 *   carries a fresh nonce `Nd`; the listener answers with its own nonce `Nl` and
 *   `HMAC(token, "listener" ‖ from ‖ to ‖ Nd ‖ Nl)`; the dialer checks that and answers
 *   `HMAC(token, "dialer" ‖ …)`. The labels keep one side's proof from serving as the
 *   other's; the nonces of both sides keep an old proof from serving again.
 * - **Frames**: the session key is `HMAC(token, "session" ‖ …)`, derived once per
 *   connection. Each frame's payload is preceded by `HMAC(session, seq ‖ payload)`, with
 *   `seq` the frame's number on this connection (counted by both ends, never sent): a
 *   forged, replayed, reordered or dropped frame fails the check.
 *
 * HMAC-SHA256 from `node:crypto` (synchronous: a tag is computed when a batch is written,
 * with no extra turn of the event loop); tags and proofs compared in constant time.
 *
 * @module
 */

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { NodeId } from "../../protocols/node.ts";

/** Bytes of a frame's tag (a full HMAC-SHA256). */
export const TAG_BYTES = 32;

/**
 * A fresh nonce for a handshake (32 random bytes, hex).
 *
 * @example
 * ```ts
 * import { freshNonce } from "./peer_auth.ts";
 * freshNonce().length; // 64
 * ```
 */
export function freshNonce(): string {
  return randomBytes(32).toString("hex");
}

/**
 * What a handshake binds: who dialed whom, and both nonces.
 *
 * @example
 * ```ts
 * import type { Transcript } from "./peer_auth.ts";
 * const t: Transcript = { from: "n1", to: "n2", dialerNonce: "aa", listenerNonce: "bb" };
 * ```
 */
export interface Transcript {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly dialerNonce: string;
  readonly listenerNonce: string;
}

function mac(key: Uint8Array | string, label: string, t: Transcript): Buffer {
  // JSON keeps the fields apart whatever characters they hold.
  const text = JSON.stringify([
    "distlab-tcp-v1",
    label,
    t.from,
    t.to,
    t.dialerNonce,
    t.listenerNonce,
  ]);
  return createHmac("sha256", key).update(text).digest();
}

/**
 * The proof one side of a handshake sends (hex): `side` is who sends it.
 *
 * @example
 * ```ts
 * import { handshakeProof } from "./peer_auth.ts";
 * const t = { from: "n1", to: "n2", dialerNonce: "aa", listenerNonce: "bb" };
 * handshakeProof("s3cret-token", "dialer", t) !== handshakeProof("s3cret-token", "listener", t); // true
 * ```
 */
export function handshakeProof(
  token: string,
  side: "dialer" | "listener",
  t: Transcript,
): string {
  return mac(token, side, t).toString("hex");
}

/**
 * Whether `proof` (hex, from the other side) is the one `side` would send, compared in
 * constant time.
 *
 * @example
 * ```ts
 * import { handshakeProof, proofHolds } from "./peer_auth.ts";
 * const t = { from: "n1", to: "n2", dialerNonce: "aa", listenerNonce: "bb" };
 * proofHolds("s3cret-token", "dialer", t, handshakeProof("s3cret-token", "dialer", t)); // true
 * proofHolds("wrong-token!", "dialer", t, handshakeProof("s3cret-token", "dialer", t)); // false
 * ```
 */
export function proofHolds(
  token: string,
  side: "dialer" | "listener",
  t: Transcript,
  proof: unknown,
): boolean {
  if (typeof proof !== "string" || !/^[0-9a-f]{64}$/.test(proof)) return false;
  return timingSafeEqual(mac(token, side, t), Buffer.from(proof, "hex"));
}

/**
 * The frames of one direction of one connection: {@link FrameSeal.seal} on the sending
 * side, {@link FrameSeal.open} on the receiving side, each counting its frames.
 *
 * @example
 * ```ts
 * import { frameSeal } from "./peer_auth.ts";
 * const t = { from: "n1", to: "n2", dialerNonce: "aa", listenerNonce: "bb" };
 * const out = frameSeal("s3cret-token", t);
 * const into = frameSeal("s3cret-token", t);
 * into.open(out.seal(new Uint8Array([1, 2]))); // Uint8Array [1, 2]
 * ```
 */
export interface FrameSeal {
  /** `tag ‖ payload` for the next frame sent. */
  seal(payload: Uint8Array): Uint8Array;
  /** The tag alone of the next frame sent (to go before its payload). */
  tag(payload: Uint8Array): Uint8Array;
  /** The payload of the next frame received; throws when its tag does not hold. */
  open(sealed: Uint8Array): Uint8Array;
  /** Frames sealed or opened so far. */
  readonly count: number;
}

/**
 * A {@link FrameSeal} for the connection a handshake over `t` opened (the session key is
 * derived here, once).
 *
 * @example
 * ```ts
 * import { frameSeal } from "./peer_auth.ts";
 * const t = { from: "n1", to: "n2", dialerNonce: "aa", listenerNonce: "bb" };
 * frameSeal("s3cret-token", t).seal(new Uint8Array([1])).length; // 33
 * ```
 */
export function frameSeal(token: string, t: Transcript): FrameSeal {
  const key = mac(token, "session", t);
  // HMAC-SHA256 by its definition (RFC 2104), H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), with
  // both padded keys made once: the same tags as `createHmac`, whose setup per call
  // costs Deno more than hashing a whole frame of messages does.
  const inner = new Uint8Array(64).fill(0x36);
  const outer = new Uint8Array(64).fill(0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
  }
  const seq = new Uint8Array(8);
  const seqView = new DataView(seq.buffer);
  let n = 0;
  const tagOf = (payload: Uint8Array): Buffer => {
    seqView.setBigUint64(0, BigInt(n));
    const h = createHash("sha256").update(inner).update(seq).update(payload).digest();
    return createHash("sha256").update(outer).update(h).digest();
  };
  return {
    get count() {
      return n;
    },
    tag(payload: Uint8Array): Uint8Array {
      const t = tagOf(payload);
      n++;
      return t;
    },
    seal(payload: Uint8Array): Uint8Array {
      const out = new Uint8Array(TAG_BYTES + payload.length);
      out.set(tagOf(payload), 0);
      out.set(payload, TAG_BYTES);
      n++;
      return out;
    },
    open(sealed: Uint8Array): Uint8Array {
      if (sealed.length < TAG_BYTES) {
        throw new Error(`frame ${n} of ${sealed.length} bytes has no room for its tag`);
      }
      const payload = sealed.subarray(TAG_BYTES);
      if (!timingSafeEqual(tagOf(payload), sealed.subarray(0, TAG_BYTES))) {
        throw new Error(`frame ${n} fails its authentication tag (forged, replayed or reordered)`);
      }
      n++;
      return payload;
    },
  };
}
