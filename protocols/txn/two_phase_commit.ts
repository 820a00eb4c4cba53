/**
 * The `2pc` protocol (chapter §6/§8): the EC-site order as one atomic transaction
 * across the inventory, payment and delivery services, by two-phase commit with
 * presumed abort. Node roles come from the `roles` option (default: `n1` coordinator,
 * `n2` inventory, `n3` payment, `n4` delivery; further nodes are idle).
 *
 * Client operations: `{ f: "order", id, item, qty, amount, account? }` at the
 * coordinator — `ok` once committed, a definite `fail` once aborted (nothing happened
 * anywhere), no answer if the coordinator crashes first (the outcome is then unknown
 * to the client, and it may retry the same id: the answer will be the recorded one);
 * `{ f: "read", key }` at a participant reads one ledger counter and who locks it.
 *
 * Options: those of `order.ts` (`roles`, `stock`, `balances`, `slots`, `refuse` — e.g.
 * `{ refuse: { payment: ["o2"] } }` makes the payment service vote no for `o2`) and of
 * `options.ts` (`voteTimeoutMs`, `resendMs`, `queryMs`, `suspectMs`).
 *
 * @module
 */

import { txnMessages } from "./message.ts";
import type { NodeContext, Protocol, ProtocolNode } from "../node.ts";
import { idleNode } from "../idle_node.ts";
import type { TxnMessage } from "./message.ts";
import { orderRoles } from "./order.ts";
import { twoPhaseOptions } from "./options.ts";
import { createCoordinator } from "./coordinator.ts";
import { createParticipant } from "./participant.ts";
import { PLAIN_ADMIN } from "../admin.ts";
import { orderOperation } from "../operations.ts";

function createNode(ctx: NodeContext<TxnMessage>): ProtocolNode<TxnMessage, unknown> {
  const roles = orderRoles([ctx.id, ...ctx.peers], ctx.options);
  const o = twoPhaseOptions(ctx.options);
  if (roles.order === ctx.id) {
    return createCoordinator(ctx, roles.services.map((s) => [s.node, s.service] as const), o);
  }
  const mine = roles.services.find((s) => s.node === ctx.id);
  if (mine !== undefined) return createParticipant(ctx, mine.service, roles.order, o);
  return idleNode(ctx, roles.order);
}

/**
 * Two-phase commit of the EC-site order with presumed abort and crash recovery.
 *
 * @example
 * ```ts
 * import { twoPhaseCommit } from "./two_phase_commit.ts";
 * twoPhaseCommit.name; // "2pc"
 * ```
 */
export const twoPhaseCommit: Protocol<TxnMessage, unknown> = {
  name: "2pc",
  description: "two-phase commit of an order across inventory, payment and delivery",
  tickMs: 20,
  liveOptions: { voteTimeoutMs: 5000, suspectMs: 2000 },
  admin: PLAIN_ADMIN,
  operations: [orderOperation(["coordinator"])],
  display: {
    headline: { kind: "role", role: "coordinator" },
    columns: [
      { header: "ROLE", field: "role" },
      { header: "LOCKS", field: "status.locks", format: "pairs" },
      { header: "IN-DOUBT", field: "status.inDoubt", format: "list" },
      { header: "BLOCKED", field: "status.blockedSince", format: "since" },
      // At the coordinator: transactions still collecting votes.
      { header: "VOTING", field: "status.voting", format: "list" },
      { header: "COMMITTED", field: "status.committed" },
      { header: "ABORTED", field: "status.aborted" },
    ],
  },
  events: [
    "abort",
    "anomaly",
    "begin",
    "commit",
    "decision",
    "end",
    "recover",
    "unblocked",
    "vote",
  ],
  messages: txnMessages,
  create: createNode,
};
