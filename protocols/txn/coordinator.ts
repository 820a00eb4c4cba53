/**
 * The two-phase-commit coordinator, with presumed abort.
 *
 * A client's order starts a transaction (named by the order id). Phase 1 sends
 * `prepare` to every participant and collects votes; any no vote, or a vote missing
 * after `voteTimeoutMs`, aborts. All yes commits. The decision is written to the log
 * before any `decision` message leaves, and the client is answered only after that.
 *
 * Presumed abort: nothing is logged before the decision, and an abort needs no
 * acknowledgements — a transaction the coordinator has no record of is, by
 * presumption, aborted. So a coordinator that crashes before deciding answers "abort"
 * to every participant that asks after its restart; one that crashed after logging a
 * commit re-sends it to every participant that has not acknowledged (the log's `ended`
 * flag marks a commit every participant has acknowledged).
 *
 * An abort given on presumption is logged too, so that a client retrying the same order
 * cannot start a second attempt that commits while the first "abort" is still on its way.
 *
 * @module
 */

import type { NodeContext, NodeId, ProtocolNode, Reply } from "../node.ts";
import type { TxnMessage } from "./message.ts";
import { type Order, parseOrder } from "./order.ts";
import type { TwoPhaseOptions } from "./options.ts";
import { fail } from "../reply.ts";

/**
 * The coordinator's log record for one transaction, under `txn/<id>`.
 *
 * @example
 * ```ts
 * import type { CoordinatorRecord } from "./coordinator.ts";
 * const r: CoordinatorRecord = {
 *   decision: "commit", participants: ["n2", "n3"], ended: false, reason: "all voted yes", at: 40,
 * };
 * ```
 */
export interface CoordinatorRecord {
  readonly decision: "commit" | "abort";
  readonly participants: readonly NodeId[];
  /** Every participant has acknowledged (always true for an abort: presumed abort). */
  readonly ended: boolean;
  readonly reason: string;
  readonly at: number;
  /** Given in answer to a query about a transaction the coordinator had no record of. */
  readonly presumed?: boolean;
}

/**
 * What the coordinator shows in its status.
 *
 * @example
 * ```ts
 * import type { CoordinatorStatus } from "./coordinator.ts";
 * const s: CoordinatorStatus = {
 *   role: "coordinator",
 *   voting: ["o7"],
 *   committing: [],
 *   committed: 5,
 *   aborted: 1,
 * };
 * ```
 */
export interface CoordinatorStatus {
  readonly role: "coordinator";
  /** Transactions collecting votes. */
  readonly voting: string[];
  /** Committed transactions still waiting for acknowledgements. */
  readonly committing: string[];
  readonly committed: number;
  readonly aborted: number;
  readonly [field: string]: unknown;
}

interface Voting {
  readonly order: Order;
  readonly votes: Map<NodeId, boolean>;
  readonly started: number;
  nextSend: number;
  readonly waiters: number[];
}

/**
 * Creates the coordinator node for the given participants.
 *
 * @example
 * ```ts
 * import { createCoordinator } from "./coordinator.ts";
 * import { twoPhaseOptions } from "./options.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { TxnMessage } from "./message.ts";
 * declare const ctx: NodeContext<TxnMessage>;
 * const node = createCoordinator(ctx, [["n2", "inventory"], ["n3", "payment"]], twoPhaseOptions({}));
 * ```
 */
export function createCoordinator(
  ctx: NodeContext<TxnMessage>,
  participants: readonly (readonly [NodeId, string])[],
  o: TwoPhaseOptions,
): ProtocolNode<TxnMessage, unknown> {
  const nodes = participants.map(([n]) => n);
  const serviceOf = new Map(participants);
  const records = new Map<string, CoordinatorRecord>();
  const voting = new Map<string, Voting>();
  const committing = new Map<string, { acked: Set<NodeId>; nextSend: number }>();
  let committed = 0, aborted = 0;

  // Recovery: a commit not yet acknowledged by everyone is re-sent; everything else in
  // flight before the crash is forgotten and, by presumption, aborted.
  for (const key of ctx.storage.keys("txn/")) {
    const txn = key.slice(4);
    const rec = ctx.storage.get(key) as CoordinatorRecord;
    records.set(txn, rec);
    if (rec.decision === "commit") committed++;
    else aborted++;
    if (rec.decision === "commit" && !rec.ended) {
      committing.set(txn, { acked: new Set(), nextSend: ctx.now() });
    }
  }
  if (committing.size > 0) ctx.emit("recover", { resend: [...committing.keys()] });

  const log = (txn: string, rec: CoordinatorRecord) => {
    records.set(txn, rec);
    ctx.storage.set("txn/" + txn, rec);
  };

  const outcome = (txn: string, rec: CoordinatorRecord): Reply =>
    rec.decision === "commit"
      ? { type: "ok", value: { txn, outcome: "committed" } }
      : fail("abort", `aborted: ${rec.reason}`);

  const decide = (txn: string, commit: boolean, reason: string, waiters: readonly number[]) => {
    const rec: CoordinatorRecord = {
      decision: commit ? "commit" : "abort",
      participants: nodes,
      ended: !commit,
      reason,
      at: ctx.now(),
    };
    // The decision is on disk before any participant or client hears of it.
    log(txn, rec);
    voting.delete(txn);
    if (commit) {
      committed++;
      committing.set(txn, { acked: new Set(), nextSend: ctx.now() + o.resendMs });
    } else aborted++;
    ctx.emit("decision", { txn, decision: rec.decision, reason });
    for (const p of nodes) ctx.send(p, { type: "decision", txn, commit });
    for (const w of waiters) ctx.reply(w, outcome(txn, rec));
    if (commit && nodes.length === 0) end(txn);
  };

  const end = (txn: string) => {
    const rec = records.get(txn)!;
    log(txn, { ...rec, ended: true });
    committing.delete(txn);
    ctx.emit("end", { txn });
  };

  const begin = (order: Order, requestId: number) => {
    const v: Voting = {
      order,
      votes: new Map(),
      started: ctx.now(),
      nextSend: ctx.now() + o.resendMs,
      waiters: [requestId],
    };
    voting.set(order.id, v);
    ctx.emit("begin", { txn: order.id, participants: nodes });
    if (nodes.length === 0) return decide(order.id, true, "no participants", v.waiters);
    for (const p of nodes) ctx.send(p, { type: "prepare", txn: order.id, order });
  };

  const vote = (from: NodeId, txn: string, yes: boolean, why: string | undefined) => {
    const v = voting.get(txn);
    if (v === undefined || !serviceOf.has(from)) return; // late: the decision is already out
    v.votes.set(from, yes);
    if (!yes) {
      return decide(txn, false, `${from} (${serviceOf.get(from)}) voted no: ${why}`, v.waiters);
    }
    if (nodes.every((p) => v.votes.get(p) === true)) {
      decide(txn, true, "all voted yes", v.waiters);
    }
  };

  return {
    tick() {
      const now = ctx.now();
      for (const [txn, v] of voting) {
        if (now - v.started >= o.voteTimeoutMs) {
          const missing = nodes.filter((p) => !v.votes.has(p));
          decide(txn, false, `vote timeout: no vote from ${missing.join(", ")}`, v.waiters);
        } else if (now >= v.nextSend) {
          v.nextSend = now + o.resendMs;
          for (const p of nodes) {
            if (!v.votes.has(p)) ctx.send(p, { type: "prepare", txn, order: v.order });
          }
        }
      }
      for (const [txn, c] of committing) {
        if (now < c.nextSend) continue;
        c.nextSend = now + o.resendMs;
        for (const p of nodes) {
          if (!c.acked.has(p)) ctx.send(p, { type: "decision", txn, commit: true });
        }
      }
    },
    message(from, m) {
      switch (m.type) {
        case "vote":
          return vote(from, m.txn, m.yes, m.reason);
        case "ack": {
          const c = committing.get(m.txn);
          if (c === undefined) return;
          c.acked.add(from);
          if (nodes.every((p) => c.acked.has(p))) end(m.txn);
          return;
        }
        case "query": {
          const rec = records.get(m.txn);
          if (rec !== undefined) {
            return ctx.send(from, {
              type: "decision",
              txn: m.txn,
              commit: rec.decision === "commit",
            });
          }
          if (voting.has(m.txn)) return ctx.send(from, { type: "pending", txn: m.txn });
          // No record: presumed abort. Logged, so a retried order cannot commit later.
          log(m.txn, {
            decision: "abort",
            participants: nodes,
            ended: true,
            reason: "presumed abort (no record after a coordinator crash)",
            at: ctx.now(),
            presumed: true,
          });
          aborted++;
          ctx.emit("decision", { txn: m.txn, decision: "abort", presumed: true });
          return ctx.send(from, { type: "decision", txn: m.txn, commit: false });
        }
        default:
          return;
      }
    },
    request(req) {
      const order = parseOrder(req.op);
      if (typeof order === "string") return ctx.reply(req.id, fail("malformed-request", order));
      const rec = records.get(order.id);
      if (rec !== undefined) return ctx.reply(req.id, outcome(order.id, rec));
      const v = voting.get(order.id);
      if (v !== undefined) return void v.waiters.push(req.id);
      begin(order, req.id);
    },
    status(): CoordinatorStatus {
      return {
        role: "coordinator",
        voting: [...voting.keys()],
        committing: [...committing.keys()],
        committed,
        aborted,
      };
    },
  };
}
