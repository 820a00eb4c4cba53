/**
 * A two-phase-commit participant: one service (inventory, payment or delivery) with its
 * ledger, a durable transaction log and a lock per ledger counter.
 *
 * On `prepare` it either refuses (votes no and forgets the order: presumed abort) or
 * writes a `prepared` record holding the change, locks the counter and votes yes. From
 * then on it may not decide alone: it holds the lock until the coordinator's decision
 * arrives — if the coordinator is down, for as long as it is down. That is the blocking
 * of 2PC, visible in {@link ParticipantStatus}: `locks`, `inDoubt` and `blockedSince`.
 * A prepared participant keeps asking the coordinator (`query`); after its own crash it
 * reloads the log, re-takes the locks of prepared transactions and asks again.
 *
 * Locks are "no-wait": a prepare that finds the counter locked by another transaction
 * votes no at once instead of waiting, so two transactions can never deadlock.
 *
 * @module
 */

import type { NodeContext, NodeId, ProtocolNode, Reply } from "../node.ts";
import { createFixedTimeout, heartbeatArrived, isSuspected } from "../heartbeat/fixed_timeout.ts";
import type { TxnMessage } from "./message.ts";
import {
  type Effect,
  effectOf,
  initialLedger,
  type Order,
  refuses,
  type Service,
  shortfall,
} from "./order.ts";
import { type Ledger, ledgerApply, ledgerSnapshot, ledgerValue } from "./ledger.ts";
import type { TwoPhaseOptions } from "./options.ts";
import { fail } from "../reply.ts";

/**
 * A participant's log record for one transaction, under `txn/<id>`.
 *
 * @example
 * ```ts
 * import type { ParticipantRecord } from "./participant.ts";
 * const r: ParticipantRecord = {
 *   state: "prepared", effect: { key: "stock/item-1", delta: -2 }, at: 120,
 * };
 * ```
 */
export type ParticipantRecord =
  | { readonly state: "prepared"; readonly effect: Effect; readonly at: number }
  | { readonly state: "committed"; readonly effect: Effect; readonly at: number }
  | { readonly state: "aborted"; readonly reason: string; readonly at: number };

/**
 * What a participant shows in its status.
 *
 * @example
 * ```ts
 * import type { ParticipantStatus } from "./participant.ts";
 * function blocked(s: ParticipantStatus): boolean {
 *   return s.blockedSince !== null && s.inDoubt.length > 0;
 * }
 * ```
 */
export interface ParticipantStatus {
  readonly role: Service;
  readonly coordinator: NodeId;
  /** Ledger counter → the transaction holding its lock. */
  readonly locks: Record<string, string>;
  /** Prepared transactions whose outcome this participant does not know yet. */
  readonly inDoubt: string[];
  /** When the oldest in-doubt transaction was prepared, while the coordinator is suspected. */
  readonly blockedSince: number | null;
  readonly suspects: NodeId[];
  readonly ledger: Record<string, number>;
  readonly committed: number;
  readonly aborted: number;
  readonly [field: string]: unknown;
}

/**
 * A participant node, with white-box access to its locks (for invariant checks).
 *
 * @example
 * ```ts
 * import type { ParticipantNode } from "./participant.ts";
 * function lockHolder(p: ParticipantNode, counter: string): string | undefined {
 *   return p.locks.get(counter);
 * }
 * ```
 */
export interface ParticipantNode extends ProtocolNode<TxnMessage, unknown> {
  /** Ledger counter → the transaction holding its lock. */
  readonly locks: ReadonlyMap<string, string>;
}

/**
 * The participant's client operations: a local read of one ledger counter.
 *
 * @example
 * ```ts
 * import type { ParticipantRead } from "./participant.ts";
 * const op: ParticipantRead = { f: "read", key: "stock/item-1" };
 * ```
 */
export interface ParticipantRead {
  readonly f: "read";
  readonly key: string;
}

/**
 * Creates the participant node for `service`.
 *
 * @example
 * ```ts
 * import { createParticipant } from "./participant.ts";
 * import { twoPhaseOptions } from "./options.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { TxnMessage } from "./message.ts";
 * declare const ctx: NodeContext<TxnMessage>;
 * const node = createParticipant(ctx, "inventory", "n1", twoPhaseOptions({}));
 * ```
 */
export function createParticipant(
  ctx: NodeContext<TxnMessage>,
  service: Service,
  coordinator: NodeId,
  o: TwoPhaseOptions,
): ParticipantNode {
  const ledger: Ledger = { storage: ctx.storage, initial: initialLedger(service, ctx.options) };
  const records = new Map<string, ParticipantRecord>();
  const locks = new Map<string, string>();
  const inDoubt = new Map<string, { since: number; nextQuery: number }>();
  const detector = createFixedTimeout([coordinator], o.suspectMs, ctx.now());
  let committed = 0, aborted = 0;

  // Recovery: every prepared transaction is still in doubt; take its lock again before
  // anything else can touch the counter, and ask the coordinator at once.
  for (const key of ctx.storage.keys("txn/")) {
    const txn = key.slice(4);
    const rec = ctx.storage.get(key) as ParticipantRecord;
    records.set(txn, rec);
    if (rec.state === "prepared") {
      locks.set(rec.effect.key, txn);
      inDoubt.set(txn, { since: rec.at, nextQuery: ctx.now() });
    } else if (rec.state === "committed") committed++;
    else aborted++;
  }
  if (inDoubt.size > 0) ctx.emit("recover", { inDoubt: [...inDoubt.keys()] });

  const log = (txn: string, rec: ParticipantRecord) => {
    records.set(txn, rec);
    ctx.storage.set("txn/" + txn, rec);
  };

  const prepare = (txn: string, order: Order) => {
    const rec = records.get(txn);
    if (rec !== undefined) {
      // A repeated prepare (resent, duplicated or a retried attempt) gets the same vote.
      const yes = rec.state !== "aborted";
      const reason = rec.state === "aborted" ? rec.reason : undefined;
      return ctx.send(coordinator, { type: "vote", txn, yes, reason });
    }
    const effect = effectOf(service, order);
    const holder = locks.get(effect.key);
    const reason = refuses(ctx.options, service, txn, ctx.random)
      ? `${service} refused ${txn}`
      : holder !== undefined
      ? `${effect.key} is locked by ${holder}`
      : shortfall(ledgerValue(ledger, effect.key), effect);
    if (reason !== null) {
      log(txn, { state: "aborted", reason, at: ctx.now() });
      aborted++;
      ctx.emit("vote", { txn, yes: false, reason });
      return ctx.send(coordinator, { type: "vote", txn, yes: false, reason });
    }
    // The prepared record is durable before the yes vote leaves: after a crash this node
    // must still honour the promise it made.
    log(txn, { state: "prepared", effect, at: ctx.now() });
    locks.set(effect.key, txn);
    inDoubt.set(txn, { since: ctx.now(), nextQuery: ctx.now() + o.queryMs });
    ctx.emit("vote", { txn, yes: true, lock: effect.key });
    ctx.send(coordinator, { type: "vote", txn, yes: true });
  };

  const decide = (txn: string, commit: boolean) => {
    const rec = records.get(txn);
    if (commit) {
      if (rec?.state === "prepared") {
        ledgerApply(ledger, rec.effect);
        log(txn, { state: "committed", effect: rec.effect, at: ctx.now() });
        committed++;
        ctx.emit("commit", { txn });
        release(txn, rec.effect.key);
      } else if (rec?.state !== "committed") {
        // Impossible if the coordinator is correct: it commits only after our yes vote.
        ctx.emit("anomaly", { txn, message: "commit for a transaction not prepared here" });
        return;
      }
      return ctx.send(coordinator, { type: "ack", txn });
    }
    if (rec?.state === "committed") {
      ctx.emit("anomaly", { txn, message: "abort for a committed transaction" });
      return;
    }
    if (rec?.state === "aborted") return;
    // An abort before any prepare is remembered too, so a late prepare is refused.
    log(txn, { state: "aborted", reason: "coordinator decided abort", at: ctx.now() });
    aborted++;
    ctx.emit("abort", { txn });
    if (rec?.state === "prepared") release(txn, rec.effect.key);
  };

  const release = (txn: string, key: string) => {
    if (locks.get(key) === txn) locks.delete(key);
    const d = inDoubt.get(txn);
    inDoubt.delete(txn);
    if (d !== undefined) ctx.emit("unblocked", { txn, waitedMs: ctx.now() - d.since });
  };

  const suspected = () => isSuspected(detector, coordinator, ctx.now());

  return {
    locks,
    tick() {
      const now = ctx.now();
      for (const [txn, d] of inDoubt) {
        if (now < d.nextQuery) continue;
        d.nextQuery = now + o.queryMs;
        ctx.send(coordinator, { type: "query", txn });
      }
    },
    message(from, m) {
      if (from !== coordinator) return;
      heartbeatArrived(detector, coordinator, ctx.now());
      switch (m.type) {
        case "prepare":
          return prepare(m.txn, m.order);
        case "decision":
          return decide(m.txn, m.commit);
        default:
          return; // `pending` only proves the coordinator is alive
      }
    },
    request(req) {
      const op = req.op as Partial<ParticipantRead> | null;
      let reply: Reply;
      if (op?.f === "read" && typeof op.key === "string") {
        reply = {
          type: "ok",
          value: { value: ledgerValue(ledger, op.key), lockedBy: locks.get(op.key) ?? null },
        };
      } else {
        reply = fail("wrong-node", `${ctx.id} is the ${service} participant`, {
          leader: coordinator,
        });
      }
      ctx.reply(req.id, reply);
    },
    status(): ParticipantStatus {
      const since = [...inDoubt.values()].map((d) => d.since);
      const blocked = since.length > 0 && suspected();
      return {
        role: service,
        coordinator,
        locks: Object.fromEntries(locks),
        inDoubt: [...inDoubt.keys()],
        blockedSince: blocked ? Math.min(...since) : null,
        suspects: blocked ? [coordinator] : [],
        ledger: ledgerSnapshot(ledger),
        committed,
        aborted,
      };
    },
    dump: () => ledgerSnapshot(ledger),
  };
}
