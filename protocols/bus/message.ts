/**
 * Records, client operations and broker messages of the message bus.
 *
 * @module
 */

import type { Reply } from "../node.ts";
import {
  isArrayOf,
  isBool,
  isNat,
  isNum,
  isObj,
  isRecordOf,
  isReply,
  isStr,
  type MessageSchema,
  opt,
} from "../message_schema.ts";

/**
 * One message in a partition's log. `producer` and `seq` identify it for the idempotent
 * producer: a retried produce with the same pair is stored once.
 *
 * @example
 * ```ts
 * import type { BusRecord } from "./message.ts";
 * const r: BusRecord = { key: "order-1", value: { type: "OrderCreated" }, producer: "n1#1", seq: 0, at: 12, epoch: 1 };
 * ```
 */
export interface BusRecord {
  readonly key: string;
  readonly value: unknown;
  readonly producer?: string;
  readonly seq?: number;
  /** The leader's clock when it was appended. */
  readonly at: number;
  /** The leader epoch in which it was appended (leader-epoch truncation compares these). */
  readonly epoch: number;
  /**
   * A control record, not data: the marker a new leader appends so that records of
   * earlier epochs become committed with it (Kafka's leader-change control batch,
   * Raft's no-op). Consumers skip it; it still takes an offset.
   */
  readonly control?: true;
}

/**
 * A record with its offset, as a consumer receives it.
 *
 * @example
 * ```ts
 * import type { Delivered } from "./message.ts";
 * const d: Delivered = { topic: "events", partition: 2, offset: 7, key: "order-1", value: {}, at: 40, epoch: 1 };
 * ```
 */
export interface Delivered extends BusRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * A client operation on the bus (a `sim.request` op, or the body of a `bus/request`).
 *
 * - `produce` appends `value` under `key` to the key's partition (or `partition`);
 *   `ok` with `{ partition, offset }` once enough replicas hold it.
 * - `poll` reads from `offset` (default: the group's committed offset) up to the high
 *   watermark, at most `max` records; `ok` with `{ records, next, committed, hw }`.
 *   With `waitMs` and nothing to read, the answer waits up to that long for records.
 * - `commit` records that `group` has consumed everything before `offset`.
 * - `metadata` returns the layout: topics, and each partition's replicas.
 *
 * @example
 * ```ts
 * import type { BusOp } from "./message.ts";
 * const op: BusOp = { f: "produce", topic: "events", key: "k1", value: 1 };
 * ```
 */
export type BusOp =
  | {
    readonly f: "produce";
    readonly topic: string;
    readonly key: string;
    readonly value: unknown;
    readonly partition?: number;
    readonly producer?: string;
    readonly seq?: number;
  }
  | {
    readonly f: "poll";
    readonly topic: string;
    readonly partition: number;
    readonly group?: string;
    readonly offset?: number;
    readonly max?: number;
    /** Long poll: wait up to this long for records when there are none yet. */
    readonly waitMs?: number;
  }
  | {
    readonly f: "commit";
    readonly topic: string;
    readonly partition: number;
    readonly group: string;
    readonly offset: number;
  }
  | { readonly f: "metadata" };

/**
 * What a `poll` answers.
 *
 * @example
 * ```ts
 * import type { PollResult } from "./message.ts";
 * const empty: PollResult = { records: [], next: 7, committed: 7, hw: 7 };
 * ```
 */
export interface PollResult {
  readonly records: readonly Delivered[];
  /** The offset to poll from next. */
  readonly next: number;
  readonly committed: number;
  readonly hw: number;
}

/**
 * Messages between brokers (replication and leader elections) and between embedded
 * clients and brokers.
 *
 * - `bus/append` — the leader of `epoch` sends records from offset `from`; `prevEpoch`
 *   is the epoch of its record at `from - 1` (the follower's log must agree there);
 * - `bus/appended` — the follower's answer: `success` with the length of the prefix it
 *   now shares with the leader, or not, with the length to resend from;
 * - `bus/vote` — a candidate asks for a replica's vote in `epoch`, showing the epoch of
 *   its last record and its log length (only a log at least as complete gets a vote);
 *   with `pre`, it only asks whether it would get one (PreVote), changing nothing;
 * - `bus/voted` — the answer (`pre` for a pre-vote's, with the epoch it was asked about).
 *
 * @example
 * ```ts
 * import type { BusMessage } from "./message.ts";
 * const m: BusMessage = {
 *   type: "bus/appended", topic: "events", partition: 0, epoch: 2, success: true, length: 4,
 *   offsetsVersion: 1,
 * };
 * ```
 */
export type BusMessage =
  | {
    readonly type: "bus/append";
    readonly topic: string;
    readonly partition: number;
    /** The leader's epoch. */
    readonly epoch: number;
    /** The offset of `entries[0]`. */
    readonly from: number;
    /** The epoch of the leader's record at `from - 1` (0 when `from` is 0). */
    readonly prevEpoch: number;
    readonly entries: readonly BusRecord[];
    readonly hw: number;
    readonly offsets: Readonly<Record<string, number>>;
    readonly offsetsVersion: number;
  }
  | {
    readonly type: "bus/appended";
    readonly topic: string;
    readonly partition: number;
    /** The follower's epoch (higher than the leader's: the leader is stale). */
    readonly epoch: number;
    readonly success: boolean;
    /** On success the length of the log the follower shares with the leader; else where to resend from. */
    readonly length: number;
    readonly offsetsVersion: number;
  }
  | {
    readonly type: "bus/vote";
    readonly topic: string;
    readonly partition: number;
    readonly epoch: number;
    readonly lastEpoch: number;
    readonly length: number;
    /** A pre-vote: would the replica vote so? It changes nothing. */
    readonly pre?: boolean;
  }
  | {
    readonly type: "bus/voted";
    readonly topic: string;
    readonly partition: number;
    readonly epoch: number;
    readonly granted: boolean;
    readonly pre?: boolean;
  }
  | { readonly type: "bus/request"; readonly rid: number; readonly op: BusOp }
  | { readonly type: "bus/reply"; readonly rid: number; readonly reply: Reply };

/**
 * Whether a message belongs to the bus (so a protocol embedding it can route it).
 *
 * @example
 * ```ts
 * import { isBusMessage } from "./message.ts";
 * isBusMessage({ type: "bus/reply", rid: 1, reply: { type: "ok" } }); // true
 * isBusMessage({ type: "step" }); // false
 * ```
 */
export function isBusMessage(m: unknown): m is BusMessage {
  return typeof m === "object" && m !== null &&
    typeof (m as { type?: unknown }).type === "string" &&
    (m as { type: string }).type.startsWith("bus/");
}

/**
 * Checks that a client operation is a well-formed {@link BusOp}; an error message or null.
 *
 * @example
 * ```ts
 * import { validateBusOp } from "./message.ts";
 * validateBusOp({ f: "poll", topic: "events" }); // "poll needs a partition number"
 * ```
 */
export function validateBusOp(op: unknown): string | null {
  if (op === null || typeof op !== "object") return "operation must be an object";
  const o = op as Record<string, unknown>;
  if (o.f === "metadata") return null;
  if (typeof o.topic !== "string") return `${String(o.f)} needs a topic`;
  const int = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  switch (o.f) {
    case "produce":
      if (typeof o.key !== "string") return "produce needs a string key";
      if (o.value === undefined) return "produce needs a value";
      if (o.partition !== undefined && !int(o.partition)) return "bad partition";
      return null;
    case "poll":
      if (!int(o.partition)) return "poll needs a partition number";
      if (o.offset !== undefined && !int(o.offset)) return "bad offset";
      if (o.waitMs !== undefined && typeof o.waitMs !== "number") return "bad waitMs";
      return null;
    case "commit":
      if (!int(o.partition)) return "commit needs a partition number";
      if (typeof o.group !== "string") return "commit needs a group";
      return int(o.offset) ? null : "commit needs an offset";
    default:
      return `unknown operation '${String(o.f)}'`;
  }
}

function isRecord(r: unknown): boolean {
  return isObj(r) && isStr(r.key) && opt(r.producer, isStr) && opt(r.seq, isNat) &&
    isNum(r.at) && isNat(r.epoch) && opt(r.control, (c) => c === true);
}

/**
 * The schema of the bus's messages.
 *
 * @example
 * ```ts
 * import { busMessages } from "./message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * const m = {
 *   type: "bus/appended", topic: "t", partition: 0, epoch: 1, success: true, length: 3,
 *   offsetsVersion: 1,
 * };
 * checkMessage(busMessages, m); // true
 * checkMessage(busMessages, { ...m, partition: -1 }); // false
 * ```
 */
export const busMessages: MessageSchema = {
  "bus/append": (m) =>
    isStr(m.topic) && isNat(m.partition) && isNat(m.epoch) && isNat(m.from) &&
    isNat(m.prevEpoch) && isArrayOf(m.entries, isRecord) && isNat(m.hw) &&
    isRecordOf(m.offsets, isNat) && isNat(m.offsetsVersion),
  "bus/appended": (m) =>
    isStr(m.topic) && isNat(m.partition) && isNat(m.epoch) && isBool(m.success) &&
    isNat(m.length) && isNat(m.offsetsVersion),
  "bus/vote": (m) =>
    isStr(m.topic) && isNat(m.partition) && isNat(m.epoch) && isNat(m.lastEpoch) &&
    isNat(m.length),
  "bus/voted": (m) => isStr(m.topic) && isNat(m.partition) && isNat(m.epoch) && isBool(m.granted),
  "bus/request": (m) => isNat(m.rid) && validateBusOp(m.op) === null,
  "bus/reply": (m) => isNat(m.rid) && isReply(m.reply),
};
