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
