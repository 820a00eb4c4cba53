/**
 * The messages `quorum-kv` nodes exchange.
 *
 * | message | from → to | purpose |
 * |---|---|---|
 * | `ping` | every node → every member | failure detection; carries the membership (gossip) |
 * | `put` / `put-ack` | coordinator → replica | store a version (on a fallback: as a hint for `hintFor`) |
 * | `get` / `get-reply` | coordinator → replica | a replica's siblings (with any hints it holds for the key); also a damaged replica → the others, to repair it |
 * | `repair` | coordinator → stale replica | read repair: the merged siblings |
 * | `handoff` / `handoff-ack` | hint holder → recovered owner | hinted handoff |
 * | `transfer` / `transfer-ack` | old replica → new replica | keys moved by a ring change |
 * | `members` | changer → everyone | a new membership, at once (pings repeat it; with SWIM, sent to a member whose probe names an older epoch) |
 * | `swim` | member → member | with `detector=swim` in place of pings: a SWIM probe, ack or ping-req and the sender's ring epoch |
 * | `ae-nodes` | replica ↔ replica | Merkle hashes at one tree level, for the peer to compare |
 * | `ae-push` | replica ↔ replica | the entries of differing leaves (push, then pull) |
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { Membership } from "./membership.ts";
import { type SwimMessage, swimMessages } from "../swim/message.ts";
import type { Version } from "./versions.ts";
import {
  isArrayOf,
  isBool,
  isNat,
  isNum,
  isObj,
  isRecordOf,
  isStr,
  type MessageSchema,
  opt,
} from "../message_schema.ts";
import { checkMessage } from "../message_schema.ts";

/**
 * A key with its siblings.
 *
 * @example
 * ```ts
 * import type { Entry } from "./message.ts";
 * const e: Entry = ["k1", [{ value: 1, clock: { n1: 1 }, time: 0, node: "n1" }]];
 * ```
 */
export type Entry = readonly [key: string, versions: readonly Version[]];

/**
 * One message between `quorum-kv` nodes. `rid` names a coordinator's pending request
 * (unique across the coordinator's restarts).
 *
 * @example
 * ```ts
 * import type { QuorumMessage } from "./message.ts";
 * const m: QuorumMessage = { type: "get", rid: "3.17", key: "k1" };
 * ```
 */
export type QuorumMessage =
  | { readonly type: "ping"; readonly members: Membership }
  | {
    readonly type: "put";
    readonly rid: string;
    readonly key: string;
    readonly versions: readonly Version[];
    /** Set when the receiver is a fallback: the preference-list node it stands in for. */
    readonly hintFor?: NodeId;
  }
  | { readonly type: "put-ack"; readonly rid: string }
  | { readonly type: "get"; readonly rid: string; readonly key: string }
  | {
    readonly type: "get-reply";
    readonly rid: string;
    readonly versions: readonly Version[];
    /** The replier's record of the key was damaged and is not yet repaired: no quorum vote. */
    readonly damaged?: boolean;
  }
  | { readonly type: "repair"; readonly key: string; readonly versions: readonly Version[] }
  | {
    readonly type: "handoff";
    /** The node the hints were written for (the receiver, unless it left the ring). */
    readonly owner: NodeId;
    readonly entries: readonly Entry[];
  }
  | {
    readonly type: "handoff-ack";
    readonly owner: NodeId;
    /** Each key handed off, with the `versionsKey` of what was handed off. */
    readonly done: readonly (readonly [string, string])[];
  }
  | { readonly type: "transfer"; readonly entries: readonly Entry[] }
  | { readonly type: "transfer-ack"; readonly keys: readonly string[] }
  | { readonly type: "members"; readonly members: Membership }
  /** A SWIM probe, ack or ping-req (`detector=swim`), with the sender's ring epoch. */
  | { readonly type: "swim"; readonly epoch: number; readonly m: SwimMessage }
  | {
    readonly type: "ae-nodes";
    readonly level: number;
    /** (index, hash) at `level` of the sender's tree. */
    readonly nodes: readonly (readonly [number, number])[];
  }
  | {
    readonly type: "ae-push";
    readonly leaves: readonly number[];
    readonly entries: readonly Entry[];
    /** Whether the receiver should answer with its own entries of these leaves. */
    readonly reply: boolean;
  };

function isVersion(v: unknown): boolean {
  return isObj(v) && isRecordOf(v.clock, isNat) && opt(v.deleted, isBool) && isNum(v.time) &&
    isStr(v.node);
}

function isVersions(x: unknown): boolean {
  return isArrayOf(x, isVersion);
}

function isEntry(e: unknown): boolean {
  return Array.isArray(e) && e.length === 2 && isStr(e[0]) && isVersions(e[1]);
}

function isMembership(x: unknown): boolean {
  return isObj(x) && isNat(x.epoch) && isArrayOf(x.nodes, isStr);
}

function isStrPair(p: unknown): boolean {
  return Array.isArray(p) && p.length === 2 && isStr(p[0]) && isStr(p[1]);
}

function isTreeNode(p: unknown): boolean {
  return Array.isArray(p) && p.length === 2 && isNat(p[0]) && isNum(p[1]);
}

/**
 * The schema of quorum-kv messages.
 *
 * @example
 * ```ts
 * import { quorumMessages } from "./message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * checkMessage(quorumMessages, { type: "get", rid: "n1:4", key: "x" }); // true
 * checkMessage(quorumMessages, { type: "get", rid: "n1:4" }); // false
 * ```
 */
export const quorumMessages: MessageSchema = {
  ping: (m) => isMembership(m.members),
  put: (m) => isStr(m.rid) && isStr(m.key) && isVersions(m.versions) && opt(m.hintFor, isStr),
  "put-ack": (m) => isStr(m.rid),
  get: (m) => isStr(m.rid) && isStr(m.key),
  "get-reply": (m) => isStr(m.rid) && isVersions(m.versions) && opt(m.damaged, isBool),
  repair: (m) => isStr(m.key) && isVersions(m.versions),
  handoff: (m) => isStr(m.owner) && isArrayOf(m.entries, isEntry),
  "handoff-ack": (m) => isStr(m.owner) && isArrayOf(m.done, isStrPair),
  transfer: (m) => isArrayOf(m.entries, isEntry),
  "transfer-ack": (m) => isArrayOf(m.keys, isStr),
  members: (m) => isMembership(m.members),
  swim: (m) => isNat(m.epoch) && checkMessage(swimMessages, m.m),
  "ae-nodes": (m) => isNat(m.level) && isArrayOf(m.nodes, isTreeNode),
  "ae-push": (m) => isArrayOf(m.leaves, isNat) && isArrayOf(m.entries, isEntry) && isBool(m.reply),
};
