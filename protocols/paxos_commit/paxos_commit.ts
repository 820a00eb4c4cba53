/**
 * The `paxos-commit` protocol (Gray and Lamport, "Consensus on Transaction Commit",
 * 2006): the same EC-site order as `2pc`, but each resource manager's prepared/aborted
 * vote is decided by its own Paxos instance among 2F + 1 acceptors, so a crashed
 * coordinator does not block anyone: another acceptor node takes over as leader and
 * finishes the instances, proposing abort for any RM whose vote it cannot find.
 *
 * Roles (default, F = 1): `n1` registrar (takes orders, leads ballot 0) and acceptor,
 * `n2` inventory + acceptor, `n3` payment + acceptor, `n4` delivery. Client operations
 * are 2PC's: `{ f: "order", … }` at the registrar, `{ f: "read", key }` at an RM.
 *
 * Options: txn's (`roles`, `stock`, `balances`, `slots`, `refuse`) and `f`,
 * `voteTimeoutMs`, `takeoverMs`, `resendMs`, `ballotTimeoutMs` (see `options.ts`).
 *
 * @module
 */

import type { NodeContext, NodeId, Protocol, ProtocolNode } from "../node.ts";
import { parseOrder } from "../txn/order.ts";
import { ledgerSnapshot } from "../txn/ledger.ts";
import { PLAIN_ADMIN } from "../admin.ts";
import { orderOperation } from "../operations.ts";
import { fail } from "../reply.ts";
import { type PcMessage, pcMessages } from "./message.ts";
import { paxosCommitOptions } from "./options.ts";
import { type PcState, pcState } from "./state.ts";
import { onP1a, onP2a } from "./acceptor.ts";
import { onPrepare, rmRead, rmTick } from "./rm.ts";
import { leaderTick, onDecision, onNack, onOrder, onP1b, onP2b } from "./leader.ts";

/**
 * A Paxos Commit node; an RM's locks are visible for the invariant checks.
 *
 * @example
 * ```ts
 * import type { PcNode } from "./paxos_commit.ts";
 * function locked(n: PcNode): number {
 *   return n.locks?.size ?? 0;
 * }
 * ```
 */
export interface PcNode extends ProtocolNode<PcMessage, unknown> {
  /** Ledger counter → the transaction holding its lock (RMs only). */
  readonly locks?: ReadonlyMap<string, string>;
}

function handle(s: PcState, from: NodeId, m: PcMessage): void {
  const isAcceptor = s.roles.acceptors.includes(s.ctx.id);
  switch (m.type) {
    case "prepare":
      if (from === s.roles.registrar) onPrepare(s, m.order);
      return;
    case "p2a":
      if (isAcceptor) onP2a(s, from, m);
      return;
    case "p1a":
      if (isAcceptor) onP1a(s, from, m);
      return;
    case "p2b":
      return onP2b(s, from, m);
    case "p1b":
      return onP1b(s, from, m);
    case "nack":
      return onNack(s, m.txn, m.promised);
    case "decision":
      return onDecision(s, m.txn, m.commit);
  }
}

function createNode(ctx: NodeContext<PcMessage>): PcNode {
  const s = pcState(ctx, paxosCommitOptions(ctx.options));
  s.handle = (from, m) => handle(s, from, m);
  const rm = s.rm;
  return {
    ...(rm === null ? {} : { locks: rm.locks }),
    tick() {
      rmTick(s);
      leaderTick(s);
    },
    message: s.handle,
    request(req) {
      if (ctx.id !== s.roles.registrar) return ctx.reply(req.id, rmRead(s, req.op));
      const order = parseOrder(req.op);
      if (typeof order === "string") return ctx.reply(req.id, fail("malformed-request", order));
      onOrder(s, order, req.id);
    },
    status() {
      const inDoubt = rm === null ? [] : [...rm.inDoubt.keys()];
      let committed = 0, aborted = 0;
      for (const d of s.decided.values()) d.commit ? committed++ : aborted++;
      return {
        role: ctx.id === s.roles.registrar ? "registrar" : rm?.service ?? "acceptor",
        acceptor: s.roles.acceptors.includes(ctx.id),
        leading: [...s.lead.keys()],
        voting: [...s.orders.keys()],
        locks: rm === null ? {} : Object.fromEntries(rm.locks),
        inDoubt,
        committed,
        aborted,
        ...(rm === null ? {} : { ledger: ledgerSnapshot(rm.ledger) }),
      };
    },
    ...(rm === null ? {} : { dump: () => ledgerSnapshot(rm.ledger) }),
  };
}

/**
 * Paxos Commit of the EC-site order: 2PC's orders and RMs, votes decided by Paxos.
 *
 * @example
 * ```ts
 * import { paxosCommit } from "./paxos_commit.ts";
 * paxosCommit.name; // "paxos-commit"
 * ```
 */
export const paxosCommit = {
  name: "paxos-commit",
  description: "Paxos Commit of an order: each RM's vote chosen by Paxos among 2F + 1 acceptors",
  tickMs: 20,
  liveOptions: { voteTimeoutMs: 5000, takeoverMs: 2000, ballotTimeoutMs: 3000 },
  admin: PLAIN_ADMIN,
  operations: [orderOperation(["registrar"])],
  display: {
    headline: { kind: "role", role: "registrar" },
    columns: [
      { header: "ROLE", field: "role" },
      { header: "LOCKS", field: "status.locks", format: "pairs" },
      { header: "IN-DOUBT", field: "status.inDoubt", format: "list" },
      { header: "LEADING", field: "status.leading", format: "list" },
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
    "lead",
    "propose",
    "recover",
    "unblocked",
    "vote",
  ],
  messages: pcMessages,
  create: createNode,
} satisfies Protocol<PcMessage, unknown>;
