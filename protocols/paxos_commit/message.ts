/**
 * The messages of Paxos Commit (Gray and Lamport, 2006). A transaction is named by its
 * order id; each resource manager (RM) `rm` has its own Paxos instance `(txn, rm)` whose
 * value is `prepared: true` (the RM prepared) or `false` (aborted).
 *
 * The registrar (the order node) sends `prepare` with the order to every RM. An RM
 * decides its vote, logs it, and proposes it itself at ballot 0 (`p2a`) to every
 * acceptor; acceptors answer `p2b` to the owner of the ballot (ballot 0: the registrar).
 * A leader that takes over runs phase 1 for all of a transaction's instances at once
 * (`p1a` / `p1b`), then proposes `p2a` at its ballot — the accepted value it learnt, or
 * `false` for an instance with none. `nack` tells a leader a higher ballot is promised.
 * Whoever learns every instance's value sends `decision`.
 *
 * @example
 * ```ts
 * import type { PcMessage } from "./message.ts";
 * const m: PcMessage = { type: "p2a", txn: "o1", rm: "n2", ballot: 0, prepared: true };
 * ```
 *
 * @module
 */

import type { Order } from "../txn/order.ts";
import { isOrder } from "../txn/message.ts";
import {
  isArrayOf,
  isBool,
  isNat,
  isObj,
  isStr,
  type MessageSchema,
  opt,
} from "../message_schema.ts";

/**
 * One instance's accepted value as an acceptor reports it in `p1b`.
 *
 * @example
 * ```ts
 * import type { AcceptedVote } from "./message.ts";
 * const a: AcceptedVote = { rm: "n3", ballot: 0, prepared: true };
 * ```
 */
export interface AcceptedVote {
  readonly rm: string;
  readonly ballot: number;
  readonly prepared: boolean;
}

/**
 * One Paxos Commit message.
 *
 * @example
 * ```ts
 * import type { PcMessage } from "./message.ts";
 * const d: PcMessage = { type: "decision", txn: "o1", commit: false };
 * ```
 */
export type PcMessage =
  | { readonly type: "prepare"; readonly txn: string; readonly order: Order }
  | {
    readonly type: "p2a";
    readonly txn: string;
    readonly rm: string;
    readonly ballot: number;
    readonly prepared: boolean;
    readonly reason?: string;
  }
  | {
    readonly type: "p2b";
    readonly txn: string;
    readonly rm: string;
    readonly ballot: number;
    readonly prepared: boolean;
  }
  | { readonly type: "p1a"; readonly txn: string; readonly ballot: number }
  | {
    readonly type: "p1b";
    readonly txn: string;
    readonly ballot: number;
    readonly accepted: readonly AcceptedVote[];
  }
  | { readonly type: "nack"; readonly txn: string; readonly promised: number }
  | { readonly type: "decision"; readonly txn: string; readonly commit: boolean };

const isAccepted = (x: unknown): boolean =>
  isObj(x) && isStr(x.rm) && isNat(x.ballot) && isBool(x.prepared);

/**
 * The schema of Paxos Commit messages.
 *
 * @example
 * ```ts
 * import { pcMessages } from "./message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * checkMessage(pcMessages, { type: "p1a", txn: "o1", ballot: 102 }); // true
 * checkMessage(pcMessages, { type: "p1a", txn: "o1", ballot: -1 }); // false
 * ```
 */
export const pcMessages: MessageSchema = {
  prepare: (m) => isStr(m.txn) && isOrder(m.order),
  p2a: (m) =>
    isStr(m.txn) && isStr(m.rm) && isNat(m.ballot) && isBool(m.prepared) && opt(m.reason, isStr),
  p2b: (m) => isStr(m.txn) && isStr(m.rm) && isNat(m.ballot) && isBool(m.prepared),
  p1a: (m) => isStr(m.txn) && isNat(m.ballot),
  p1b: (m) => isStr(m.txn) && isNat(m.ballot) && isArrayOf(m.accepted, isAccepted),
  nack: (m) => isStr(m.txn) && isNat(m.promised),
  decision: (m) => isStr(m.txn) && isBool(m.commit),
};
