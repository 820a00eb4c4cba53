/**
 * Messages and client operations of `primary-backup`.
 *
 * @module
 */

import type { KvOp } from "../kv.ts";
import type { NodeId } from "../node.ts";
import type { ReplicationMode } from "./mode.ts";
import { isArrayOf, isBool, isNat, isStr, type MessageSchema } from "../message_schema.ts";

/**
 * One replicated change: sequence number, key, and the new value (`null` with
 * `deleted` for a delete). Backups apply changes, not operations, so a `cas` is decided
 * once, by the primary.
 *
 * @example
 * ```ts
 * import type { Change } from "./message.ts";
 * const c: Change = [7, "x", 42, false];
 * ```
 */
export type Change = readonly [seq: number, key: string, value: unknown, deleted: boolean];

/**
 * A primary-backup message. `epoch` numbers primaries: each failover starts a higher
 * one, and a node ignores (and corrects) a primary from an older epoch.
 *
 * @example
 * ```ts
 * import type { PrimaryBackupMessage } from "./message.ts";
 * const m: PrimaryBackupMessage = { type: "ack", epoch: 1, seq: 10 };
 * ```
 */
export type PrimaryBackupMessage =
  | {
    readonly type: "replicate";
    readonly epoch: number;
    readonly mode: ReplicationMode;
    readonly changes: readonly Change[];
  }
  | {
    readonly type: "heartbeat";
    readonly epoch: number;
    readonly mode: ReplicationMode;
    readonly seq: number;
  }
  | { readonly type: "ack"; readonly epoch: number; readonly seq: number }
  | { readonly type: "snapshot-request"; readonly epoch: number }
  | {
    readonly type: "snapshot";
    readonly epoch: number;
    readonly seq: number;
    readonly data: readonly (readonly [string, unknown])[];
  }
  | { readonly type: "probe"; readonly epoch: number }
  | {
    readonly type: "probe-reply";
    readonly epoch: number;
    readonly primary: NodeId;
    readonly seq: number;
    /** Whether the replier still trusts the primary (hears its heartbeats). */
    readonly trusts: boolean;
  }
  | {
    readonly type: "view";
    readonly epoch: number;
    readonly primary: NodeId;
    /** The new primary's sequence number when it took over. */
    readonly seq: number;
    readonly mode: ReplicationMode;
  }
  | { readonly type: "handover"; readonly epoch: number; readonly seq: number };

/**
 * What a client can ask: KV operations (at the primary), and administration — switch the
 * replication mode live, or fail over by hand to `to` (default: the most up-to-date
 * backup).
 *
 * @example
 * ```ts
 * import type { PrimaryBackupOp } from "./message.ts";
 * const ops: PrimaryBackupOp[] = [
 *   { f: "write", key: "x", value: 1 },
 *   { f: "set-mode", mode: "async" },
 *   { f: "failover", to: "n3" },
 * ];
 * ```
 */
export type PrimaryBackupOp =
  | KvOp
  | { readonly f: "set-mode"; readonly mode: ReplicationMode }
  | { readonly f: "failover"; readonly to?: NodeId };

function isMode(x: unknown): boolean {
  return x === "sync" || x === "async" || x === "semi-sync";
}

function isChange(c: unknown): boolean {
  return Array.isArray(c) && c.length === 4 && isNat(c[0]) && isStr(c[1]) && isBool(c[3]);
}

function isPair(p: unknown): boolean {
  return Array.isArray(p) && p.length === 2 && isStr(p[0]);
}

/**
 * The schema of primary-backup messages.
 *
 * @example
 * ```ts
 * import { primaryBackupMessages } from "./message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * checkMessage(primaryBackupMessages, { type: "ack", epoch: 2, seq: 7 }); // true
 * checkMessage(primaryBackupMessages, { type: "ack", epoch: 2 }); // false
 * ```
 */
export const primaryBackupMessages: MessageSchema = {
  replicate: (m) => isNat(m.epoch) && isMode(m.mode) && isArrayOf(m.changes, isChange),
  heartbeat: (m) => isNat(m.epoch) && isMode(m.mode) && isNat(m.seq),
  ack: (m) => isNat(m.epoch) && isNat(m.seq),
  "snapshot-request": (m) => isNat(m.epoch),
  snapshot: (m) => isNat(m.epoch) && isNat(m.seq) && isArrayOf(m.data, isPair),
  probe: (m) => isNat(m.epoch),
  "probe-reply": (m) => isNat(m.epoch) && isStr(m.primary) && isNat(m.seq) && isBool(m.trusts),
  view: (m) => isNat(m.epoch) && isStr(m.primary) && isNat(m.seq) && isMode(m.mode),
  handover: (m) => isNat(m.epoch) && isNat(m.seq),
};
