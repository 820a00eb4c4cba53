/**
 * The messages of two-phase commit. A transaction is named by its order id.
 *
 * Phase 1: the coordinator sends `prepare`; each participant answers `vote`.
 * Phase 2: the coordinator sends `decision`; participants `ack` a commit (presumed
 * abort needs no acks for aborts). A participant that is prepared but hears nothing
 * sends `query`; the coordinator answers with the `decision`, or `pending` while it is
 * still collecting votes.
 *
 * @example
 * ```ts
 * import type { TxnMessage } from "./message.ts";
 * const m: TxnMessage = { type: "vote", txn: "o1", yes: true };
 * ```
 *
 * @module
 */

import type { Order } from "./order.ts";
import { isBool, isNum, isObj, isStr, type MessageSchema, opt } from "../message_schema.ts";

/**
 * One message between the coordinator and a participant.
 *
 * @example
 * ```ts
 * import type { TxnMessage } from "./message.ts";
 * const vote: TxnMessage = { type: "vote", txn: "o1", yes: false, reason: "stock locked" };
 * ```
 */
export type TxnMessage =
  | { readonly type: "prepare"; readonly txn: string; readonly order: Order }
  | { readonly type: "vote"; readonly txn: string; readonly yes: boolean; readonly reason?: string }
  | { readonly type: "decision"; readonly txn: string; readonly commit: boolean }
  | { readonly type: "ack"; readonly txn: string }
  | { readonly type: "query"; readonly txn: string }
  | { readonly type: "pending"; readonly txn: string };

/**
 * Whether `x` has the shape of an {@link Order}.
 *
 * @example
 * ```ts
 * import { isOrder } from "./message.ts";
 * isOrder({ id: "o1", item: "apple", qty: 1, amount: 5, account: "a", region: "r" }); // true
 * ```
 */
export function isOrder(x: unknown): boolean {
  return isObj(x) && isStr(x.id) && isStr(x.item) && isNum(x.qty) && isNum(x.amount) &&
    isStr(x.account) && isStr(x.region);
}

/**
 * The schema of two-phase-commit messages.
 *
 * @example
 * ```ts
 * import { txnMessages } from "./message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * checkMessage(txnMessages, { type: "decision", txn: "t1", commit: true }); // true
 * checkMessage(txnMessages, { type: "decision", txn: "t1", commit: "yes" }); // false
 * ```
 */
export const txnMessages: MessageSchema = {
  prepare: (m) => isStr(m.txn) && isOrder(m.order),
  vote: (m) => isStr(m.txn) && isBool(m.yes) && opt(m.reason, isStr),
  decision: (m) => isStr(m.txn) && isBool(m.commit),
  ack: (m) => isStr(m.txn),
  query: (m) => isStr(m.txn),
  pending: (m) => isStr(m.txn),
};
