/**
 * Integrity and authentication as link options ("the network is secure" made true
 * again): with `crc32c` every message carries a CRC-32C of its encoding, so a tampered
 * message is dropped like a lost one; with `hmac-sha256` it carries an HMAC-SHA256 under
 * a key shared by the two nodes of the link, plus a sequence number inside the MAC, so a
 * tampered message, a message claiming a sender that did not send it, and a replayed
 * (or duplicated) copy are all dropped.
 *
 * The runtime seals a message once as it leaves its sender and opens each copy as it
 * reaches the receiver, doing the real work (encode, checksum or MAC) both times, so the
 * cost of the option is the cost a real link would pay.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { crc32c } from "./crc32c.ts";
import { type HmacKey, hmacKey, hmacSha256, sha256 } from "./hmac_sha256.ts";

/**
 * The integrity options of a link.
 *
 * @example
 * ```ts
 * import { INTEGRITY_KINDS } from "./link_integrity.ts";
 * INTEGRITY_KINDS.includes("crc32c"); // true
 * ```
 */
export const INTEGRITY_KINDS = ["none", "crc32c", "hmac-sha256"] as const;

/**
 * One integrity option: `none`, `crc32c` (integrity) or `hmac-sha256` (integrity,
 * authentication of the sender, and no replays).
 *
 * @example
 * ```ts
 * import type { Integrity } from "./link_integrity.ts";
 * const i: Integrity = "hmac-sha256";
 * ```
 */
export type Integrity = typeof INTEGRITY_KINDS[number];

/**
 * Why a copy was refused: its checksum does not match (`corrupt`), its MAC does not
 * (`unauthentic`: altered, or not from the sender it names), or its sequence number was
 * already accepted or is too old for the window (`replay`).
 *
 * @example
 * ```ts
 * import type { IntegrityFailure } from "./link_integrity.ts";
 * const why: IntegrityFailure = "replay";
 * ```
 */
export type IntegrityFailure = "corrupt" | "unauthentic" | "replay";

/**
 * What a sealed message carries beside its body. The sealer reuses one object: copy it
 * (with `tag.slice()`) to keep it.
 *
 * @example
 * ```ts
 * import type { Seal } from "./link_integrity.ts";
 * const s: Seal = { seq: 0, crc: 0x1234, tag: new Int32Array(8) };
 * ```
 */
export interface Seal {
  seq: number;
  crc: number;
  readonly tag: Int32Array;
}

/**
 * Parses an integrity option; throws a one-line error naming the known ones.
 *
 * @example
 * ```ts
 * import { parseIntegrity } from "./link_integrity.ts";
 * parseIntegrity("crc32c"); // "crc32c"
 * ```
 */
export function parseIntegrity(text: string): Integrity {
  if ((INTEGRITY_KINDS as readonly string[]).includes(text)) return text as Integrity;
  throw new Error(`unknown integrity '${text}' (known: ${INTEGRITY_KINDS.join(", ")})`);
}

/** Accepted sequence numbers this far below the highest are refused as replays. */
const WINDOW = 32;

interface LinkState {
  readonly key: HmacKey;
  /** The direction's byte inside the MAC, so a message cannot be reflected back. */
  readonly dir: number;
  sendSeq: number;
  /** Highest sequence number accepted, and a bitmap of the `WINDOW` below it (bit 0 = it). */
  maxSeq: number;
  seen: number;
}

const enc = new TextEncoder();

/**
 * The sealing and opening state of every link of a runtime: keys per node pair, derived
 * from one secret, and each direction's sequence numbers and replay window.
 *
 * @example
 * ```ts
 * import { LinkIntegrity } from "./link_integrity.ts";
 * const links = new LinkIntegrity(new Uint8Array(32));
 * const seal = links.seal("hmac-sha256", "n1", "n2", { type: "ping" });
 * links.open("hmac-sha256", "n1", "n2", { type: "ping" }, seal); // null: accepted
 * links.open("hmac-sha256", "n1", "n2", { type: "ping" }, seal); // "replay"
 * links.open("hmac-sha256", "n3", "n2", { type: "ping" }, seal); // "unauthentic"
 * ```
 */
export class LinkIntegrity {
  readonly #secret: Uint8Array;
  #links = new Map<NodeId, Map<NodeId, LinkState>>();
  #keys = new Map<string, HmacKey>();
  #buf = new Uint8Array(4096);
  #len = 0;
  readonly #seal: Seal = { seq: 0, crc: 0, tag: new Int32Array(8) };
  readonly #tag = new Int32Array(8);

  /** `secret` is the runtime's: every pair's key is derived from it. */
  constructor(secret: Uint8Array) {
    this.#secret = secret.slice();
  }

  /** Seals `body` as `from` sends it to `to`; the returned seal is reused by the next call. */
  seal(kind: Integrity, from: NodeId, to: NodeId, body: unknown): Seal {
    const s = this.#seal;
    if (kind === "crc32c") {
      this.#encode(body, 0);
      s.seq = 0;
      s.crc = crc32c(this.#buf, 0, this.#len);
    } else if (kind === "hmac-sha256") {
      const link = this.#link(from, to);
      s.seq = ++link.sendSeq;
      this.#mac(link, s.seq, body, s.tag);
    }
    return s;
  }

  /** Opens a copy of a message that names `from` as its sender: null if accepted, else why not. */
  open(
    kind: Integrity,
    from: NodeId,
    to: NodeId,
    body: unknown,
    seal: Seal,
  ): IntegrityFailure | null {
    if (kind === "crc32c") {
      this.#encode(body, 0);
      return crc32c(this.#buf, 0, this.#len) === seal.crc ? null : "corrupt";
    }
    if (kind !== "hmac-sha256") return null;
    const link = this.#link(from, to);
    const tag = this.#tag;
    this.#mac(link, seal.seq, body, tag);
    let diff = 0;
    for (let i = 0; i < 8; i++) diff |= tag[i]! ^ seal.tag[i]!;
    if (diff !== 0) return "unauthentic";
    // Only an authentic copy moves the window: a forger cannot push real messages out.
    const seq = seal.seq;
    if (seq > link.maxSeq) {
      const shift = seq - link.maxSeq;
      link.seen = shift >= WINDOW ? 1 : ((link.seen << shift) | 1) >>> 0;
      link.maxSeq = seq;
      return null;
    }
    const back = link.maxSeq - seq;
    if (back >= WINDOW || (link.seen & (1 << back)) !== 0) return "replay";
    link.seen = (link.seen | (1 << back)) >>> 0;
    return null;
  }

  /** MAC over the sequence number, the direction and the body's encoding. */
  #mac(link: LinkState, seq: number, body: unknown, out: Int32Array): void {
    this.#encode(body, 5);
    const b = this.#buf;
    b[0] = seq >>> 24;
    b[1] = seq >>> 16;
    b[2] = seq >>> 8;
    b[3] = seq;
    b[4] = link.dir;
    hmacSha256(link.key, b, 0, this.#len, out);
  }

  /** Writes the body's JSON as UTF-8 at `at` into the reused buffer; sets the length. */
  #encode(body: unknown, at: number): void {
    const text = JSON.stringify(body) ?? "";
    let r = enc.encodeInto(text, this.#buf.subarray(at));
    if (r.read < text.length) {
      this.#buf = new Uint8Array(Math.max(this.#buf.length * 2, at + text.length * 3));
      r = enc.encodeInto(text, this.#buf.subarray(at));
    }
    this.#len = at + r.written;
  }

  #link(from: NodeId, to: NodeId): LinkState {
    let byReceiver = this.#links.get(from);
    if (byReceiver === undefined) {
      byReceiver = new Map();
      this.#links.set(from, byReceiver);
    }
    let link = byReceiver.get(to);
    if (link === undefined) {
      link = {
        key: this.#pairKey(from, to),
        dir: from < to ? 0 : 1,
        sendSeq: 0,
        maxSeq: 0,
        seen: 0,
      };
      byReceiver.set(to, link);
    }
    return link;
  }

  /** One key per unordered pair: SHA-256 of the secret and both ids. */
  #pairKey(a: NodeId, b: NodeId): HmacKey {
    const name = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    let key = this.#keys.get(name);
    if (key === undefined) {
      const id = enc.encode(name);
      const material = new Uint8Array(this.#secret.length + id.length);
      material.set(this.#secret);
      material.set(id, this.#secret.length);
      key = hmacKey(sha256(material));
      this.#keys.set(name, key);
    }
    return key;
  }
}
