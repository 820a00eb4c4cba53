/**
 * The messages and operations of Multi-Paxos (`paxos-kv`).
 *
 * Phase 1 runs once per leader for every instance from `from` on: Prepare(n, from) →
 * Promise(n, accepted, chosen). Phase 2 then runs per instance — Accept(n, [i, v]…) →
 * Accepted(n, [i…]) — carrying the leader's commit point so followers learn decisions
 * without extra messages. Heartbeats carry the commit and forget points; acks carry
 * each follower's applied index, from which the leader computes what everyone applied.
 *
 * @module
 */

import type { KvOp } from "../kv.ts";
import { type Ballot, isBallot } from "./ballot.ts";
import {
  isArrayOf,
  isInt,
  isKvOp,
  isNat,
  isObj,
  isStr,
  type MessageSchema,
  opt,
} from "../message_schema.ts";

/**
 * A KV operation, optionally inside a client session: `seq` numbers the client's
 * operations 1, 2, 3 …, so that a retried operation (same client, same `seq`) is applied
 * once and answered with the first reply.
 *
 * @example
 * ```ts
 * import type { PaxosKvOp } from "./kv_message.ts";
 * const op: PaxosKvOp = { f: "write", key: "x", value: 1, seq: 7 };
 * ```
 */
export type PaxosKvOp = KvOp & { readonly seq?: number };

/**
 * A client command as the log carries it; `id` names it uniquely (client and `seq`
 * when in a session, else the node and request that proposed it).
 *
 * @example
 * ```ts
 * import type { PaxosCommand } from "./kv_message.ts";
 * const c: PaxosCommand = { id: "c3:1", client: 3, seq: 1, op: { f: "read", key: "x" } };
 * ```
 */
export interface PaxosCommand {
  readonly id: string;
  readonly client: number;
  readonly seq?: number;
  readonly op: KvOp;
}

/**
 * What an instance decides: a command, or a no-op that a new leader uses to fill a gap
 * nobody had accepted anything for.
 *
 * @example
 * ```ts
 * import type { PaxosValue } from "./kv_message.ts";
 * const gap: PaxosValue = { noop: true };
 * ```
 */
export type PaxosValue = PaxosCommand | { readonly noop: true };

/**
 * The no-op value.
 *
 * @example
 * ```ts
 * import { isNoop, NOOP } from "./kv_message.ts";
 * isNoop(NOOP); // true
 * ```
 */
export const NOOP: PaxosValue = { noop: true };

/**
 * Whether a value is the no-op.
 *
 * @example
 * ```ts
 * import { isNoop } from "./kv_message.ts";
 * isNoop({ id: "a", client: 1, op: { f: "read", key: "x" } }); // false
 * ```
 */
export function isNoop(v: PaxosValue): v is { readonly noop: true } {
  return (v as { noop?: boolean }).noop === true;
}

/**
 * A Multi-Paxos message.
 *
 * @example
 * ```ts
 * import type { PaxosKvMessage } from "./kv_message.ts";
 * const m: PaxosKvMessage = { type: "heartbeat", ballot: [2, 1], commit: 10, forget: 8 };
 * ```
 */
export type PaxosKvMessage =
  | { readonly type: "prepare"; readonly ballot: Ballot; readonly from: number }
  | {
    readonly type: "promise";
    readonly ballot: Ballot;
    readonly accepted: readonly (readonly [number, Ballot, PaxosValue])[];
    readonly chosen: readonly (readonly [number, PaxosValue])[];
    readonly applied: number;
  }
  | {
    readonly type: "accept";
    readonly ballot: Ballot;
    readonly entries: readonly (readonly [number, PaxosValue])[];
    readonly commit: number;
  }
  | {
    readonly type: "accepted";
    readonly ballot: Ballot;
    readonly instances: readonly number[];
    readonly applied: number;
  }
  | { readonly type: "nack"; readonly ballot: Ballot; readonly promised: Ballot }
  | {
    readonly type: "heartbeat";
    readonly ballot: Ballot;
    readonly commit: number;
    readonly forget: number;
  }
  | { readonly type: "heartbeat-ack"; readonly ballot: Ballot; readonly applied: number }
  | { readonly type: "fetch"; readonly from: number }
  | {
    readonly type: "chosen";
    readonly entries: readonly (readonly [number, PaxosValue])[];
    readonly commit: number;
  };

function isValue(v: unknown): boolean {
  if (!isObj(v)) return false;
  if (v.noop === true) return true;
  return isStr(v.id) && isInt(v.client) && opt(v.seq, isNat) && isKvOp(v.op);
}

function isSlotValue(x: unknown): boolean {
  return Array.isArray(x) && x.length === 2 && isNat(x[0]) && isValue(x[1]);
}

function isSlotBallotValue(x: unknown): boolean {
  return Array.isArray(x) && x.length === 3 && isNat(x[0]) && isBallot(x[1]) && isValue(x[2]);
}

/**
 * The schema of Multi-Paxos messages.
 *
 * @example
 * ```ts
 * import { paxosKvMessages } from "./kv_message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * checkMessage(paxosKvMessages, { type: "fetch", from: 3 }); // true
 * checkMessage(paxosKvMessages, { type: "fetch", from: "3" }); // false
 * ```
 */
export const paxosKvMessages: MessageSchema = {
  prepare: (m) => isBallot(m.ballot) && isNat(m.from),
  promise: (m) =>
    isBallot(m.ballot) && isArrayOf(m.accepted, isSlotBallotValue) &&
    isArrayOf(m.chosen, isSlotValue) && isNat(m.applied),
  accept: (m) => isBallot(m.ballot) && isArrayOf(m.entries, isSlotValue) && isNat(m.commit),
  accepted: (m) => isBallot(m.ballot) && isArrayOf(m.instances, isNat) && isNat(m.applied),
  nack: (m) => isBallot(m.ballot) && isBallot(m.promised),
  heartbeat: (m) => isBallot(m.ballot) && isNat(m.commit) && isNat(m.forget),
  "heartbeat-ack": (m) => isBallot(m.ballot) && isNat(m.applied),
  fetch: (m) => isNat(m.from),
  chosen: (m) => isArrayOf(m.entries, isSlotValue) && isNat(m.commit),
};
