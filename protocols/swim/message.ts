/**
 * The messages of the `swim` protocol and their schema. Every message carries the
 * membership updates it piggybacks (`updates`).
 *
 * - `ping` — a direct probe (or an indirect prober's probe on someone's behalf);
 * - `ack` — the answer to a ping, relayed by an indirect prober to whoever asked;
 * - `ping-req` — "probe `target` for me" (SWIM §3.1), sent to `k` members when a direct
 *   ping went unanswered.
 *
 * @module
 */

import {
  type Fields,
  isArrayOf,
  isNat,
  isObj,
  isStr,
  type MessageSchema,
} from "../message_schema.ts";
import type { NodeId } from "../node.ts";
import type { MemberUpdate } from "./membership.ts";

/**
 * A SWIM message.
 *
 * @example
 * ```ts
 * import type { SwimMessage } from "./message.ts";
 * const m: SwimMessage = { type: "ping-req", seq: 4, target: "n3", updates: [] };
 * ```
 */
export type SwimMessage =
  | { readonly type: "ping"; readonly seq: number; readonly updates: readonly MemberUpdate[] }
  | { readonly type: "ack"; readonly seq: number; readonly updates: readonly MemberUpdate[] }
  | {
    readonly type: "ping-req";
    readonly seq: number;
    readonly target: NodeId;
    readonly updates: readonly MemberUpdate[];
  };

function isUpdate(x: unknown): boolean {
  return isObj(x) && isStr(x.node) && isNat(x.incarnation) &&
    (x.state === "alive" || x.state === "suspect" || x.state === "dead");
}

const probe = (m: Fields): boolean => isNat(m.seq) && isArrayOf(m.updates, isUpdate);

/**
 * The message schema of `swim`.
 *
 * @example
 * ```ts
 * import { swimMessages } from "./message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * checkMessage(swimMessages, { type: "ack", seq: 1, updates: [] }); // true
 * checkMessage(swimMessages, { type: "ack", seq: 1, updates: [{ node: "n2", state: "gone", incarnation: 0 }] }); // false
 * ```
 */
export const swimMessages: MessageSchema = {
  ping: probe,
  ack: probe,
  "ping-req": (m) => probe(m) && isStr(m.target),
};
