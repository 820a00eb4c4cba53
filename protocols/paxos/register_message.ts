/**
 * The messages of single-decree Paxos, exactly as the chapter draws them:
 * Prepare(n) → Promise(n, accepted) → Accept(n, v) → Accepted(n, v), plus a rejection
 * (Nack, carrying the higher promise so the proposer can outbid it) and Decided, with
 * which a node that already learned the outcome answers a late proposer.
 *
 * @module
 */

import { type Ballot, isBallot } from "./ballot.ts";
import { isObj, type MessageSchema } from "../message_schema.ts";
import type { AcceptedValue } from "./acceptor.ts";

/**
 * A single-decree Paxos message.
 *
 * @example
 * ```ts
 * import type { PaxosRegisterMessage } from "./register_message.ts";
 * const m: PaxosRegisterMessage = { type: "accept", ballot: [3, 1], value: "x" };
 * ```
 */
export type PaxosRegisterMessage =
  | { readonly type: "prepare"; readonly ballot: Ballot }
  | {
    readonly type: "promise";
    readonly ballot: Ballot;
    readonly accepted: AcceptedValue<unknown> | null;
  }
  | { readonly type: "accept"; readonly ballot: Ballot; readonly value: unknown }
  | { readonly type: "accepted"; readonly ballot: Ballot; readonly value: unknown }
  | { readonly type: "nack"; readonly ballot: Ballot; readonly promised: Ballot }
  | { readonly type: "decided"; readonly value: unknown };

/**
 * What a client can ask a `paxos-register` node: propose a value (answered with the
 * value actually chosen, which may be another proposer's) or read what this node has
 * learned so far (`null` if nothing yet; a local, possibly stale answer).
 *
 * @example
 * ```ts
 * import type { PaxosRegisterOp } from "./register_message.ts";
 * const op: PaxosRegisterOp = { f: "propose", value: "blue" };
 * ```
 */
export type PaxosRegisterOp =
  | { readonly f: "propose"; readonly value: unknown }
  | { readonly f: "read" };

/**
 * The schema of single-decree Paxos messages.
 *
 * @example
 * ```ts
 * import { paxosRegisterMessages } from "./register_message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * checkMessage(paxosRegisterMessages, { type: "prepare", ballot: [1, 0] }); // true
 * checkMessage(paxosRegisterMessages, { type: "prepare", ballot: [1.5, 0] }); // false
 * ```
 */
export const paxosRegisterMessages: MessageSchema = {
  prepare: (m) => isBallot(m.ballot),
  promise: (m) =>
    isBallot(m.ballot) &&
    (m.accepted === null || (isObj(m.accepted) && isBallot(m.accepted.ballot))),
  accept: (m) => isBallot(m.ballot),
  accepted: (m) => isBallot(m.ballot),
  nack: (m) => isBallot(m.ballot) && isBallot(m.promised),
  decided: () => true,
};
