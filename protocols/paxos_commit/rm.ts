/**
 * The resource manager (RM) of Paxos Commit: one service (inventory, payment or
 * delivery) with txn's ledger, log records and no-wait locks — 2PC's participant, except
 * that it proposes its own vote as ballot 0 of its Paxos instance to every acceptor
 * instead of sending it to a coordinator, and learns the outcome from whoever decides.
 * While in doubt it keeps re-proposing, which doubles as asking: an acceptor that knows
 * the decision answers with it, and one that does not notes the transaction and, if
 * nobody finishes it, takes over as leader.
 *
 * @module
 */

import type { NodeId, Reply } from "../node.ts";
import { effectOf, type Order, refuses, shortfall } from "../txn/order.ts";
import { ledgerApply, ledgerValue } from "../txn/ledger.ts";
import type { ParticipantRecord } from "../txn/participant.ts";
import { fail } from "../reply.ts";
import { type PcState, type RmState, send } from "./state.ts";

/** The reason an RM logs for an abort it learnt rather than voted. */
const DECIDED_ABORT = "decided abort";

function log(s: PcState, rm: RmState, txn: string, rec: ParticipantRecord): void {
  rm.records.set(txn, rec);
  s.ctx.storage.set("txn/" + txn, rec);
}

function propose(s: PcState, txn: string, prepared: boolean, reason?: string): void {
  for (const a of s.roles.acceptors) {
    send(s, a, {
      type: "p2a",
      txn,
      rm: s.ctx.id,
      ballot: 0,
      prepared,
      ...(reason === undefined ? {} : { reason }),
    });
  }
}

/**
 * `prepare` from the registrar: vote (logged before it leaves) and propose it at ballot
 * 0. A repeated prepare re-proposes the same vote.
 *
 * @example
 * ```ts
 * import { onPrepare } from "./rm.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * onPrepare(s, { id: "o1", item: "item-1", qty: 1, amount: 5, account: "alice", region: "east" });
 * ```
 */
export function onPrepare(s: PcState, order: Order): void {
  const rm = s.rm;
  if (rm === null) return;
  const txn = order.id;
  const rec = rm.records.get(txn);
  if (rec !== undefined) {
    // Re-propose only the RM's own vote: after a decided abort, "aborted" was never its
    // ballot-0 value, and proposing it now would be a second value at ballot 0.
    if (rec.state === "prepared") return propose(s, txn, true);
    if (rec.state === "aborted" && rec.reason !== DECIDED_ABORT) propose(s, txn, false);
    return;
  }
  const effect = effectOf(rm.service, order);
  const holder = rm.locks.get(effect.key);
  const reason = refuses(s.ctx.options, rm.service, txn, s.ctx.random)
    ? `${rm.service} refused ${txn}`
    : holder !== undefined
    ? `${effect.key} is locked by ${holder}`
    : shortfall(ledgerValue(rm.ledger, effect.key), effect);
  if (reason !== null) {
    // An aborted RM may forget the transaction: its instance can only choose abort.
    log(s, rm, txn, { state: "aborted", reason, at: s.ctx.now() });
    rm.aborted++;
    s.ctx.emit("vote", { txn, yes: false, reason });
    return propose(s, txn, false, reason);
  }
  log(s, rm, txn, { state: "prepared", effect, at: s.ctx.now() });
  rm.locks.set(effect.key, txn);
  rm.inDoubt.set(txn, { since: s.ctx.now(), nextSend: s.ctx.now() + s.o.resendMs, effect });
  s.ctx.emit("vote", { txn, yes: true, lock: effect.key });
  propose(s, txn, true);
}

/**
 * The outcome, learnt from a leader or an acceptor: apply or discard the change and
 * release the lock. An abort before any prepare is logged, so a late prepare is refused.
 *
 * @example
 * ```ts
 * import { rmDecide } from "./rm.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * rmDecide(s, "o1", true);
 * ```
 */
export function rmDecide(s: PcState, txn: string, commit: boolean): void {
  const rm = s.rm;
  if (rm === null) return;
  const rec = rm.records.get(txn);
  if (commit) {
    if (rec?.state === "committed") return;
    if (rec?.state !== "prepared") {
      s.ctx.emit("anomaly", { txn, message: "commit for a transaction not prepared here" });
      return;
    }
    ledgerApply(rm.ledger, rec.effect);
    log(s, rm, txn, { state: "committed", effect: rec.effect, at: s.ctx.now() });
    rm.committed++;
    s.ctx.emit("commit", { txn });
    return release(s, rm, txn, rec.effect.key);
  }
  if (rec?.state === "committed") {
    s.ctx.emit("anomaly", { txn, message: "abort for a committed transaction" });
    return;
  }
  if (rec?.state === "aborted") return;
  log(s, rm, txn, { state: "aborted", reason: DECIDED_ABORT, at: s.ctx.now() });
  rm.aborted++;
  s.ctx.emit("abort", { txn });
  if (rec?.state === "prepared") release(s, rm, txn, rec.effect.key);
}

function release(s: PcState, rm: RmState, txn: string, key: string): void {
  if (rm.locks.get(key) === txn) rm.locks.delete(key);
  const d = rm.inDoubt.get(txn);
  rm.inDoubt.delete(txn);
  if (d !== undefined) s.ctx.emit("unblocked", { txn, waitedMs: s.ctx.now() - d.since });
}

/**
 * Re-proposes the vote of every transaction in doubt, every `resendMs`.
 *
 * @example
 * ```ts
 * import { rmTick } from "./rm.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * rmTick(s);
 * ```
 */
export function rmTick(s: PcState): void {
  const rm = s.rm;
  if (rm === null) return;
  const now = s.ctx.now();
  for (const [txn, d] of rm.inDoubt) {
    if (now < d.nextSend) continue;
    d.nextSend = now + s.o.resendMs;
    propose(s, txn, true);
  }
}

/**
 * A client read of one ledger counter at an RM.
 *
 * @example
 * ```ts
 * import { rmRead } from "./rm.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * rmRead(s, { f: "read", key: "stock/item-1" });
 * ```
 */
export function rmRead(s: PcState, op: unknown): Reply {
  const rm = s.rm;
  const o = op as { f?: unknown; key?: unknown } | null;
  if (rm === null || o?.f !== "read" || typeof o.key !== "string") {
    return fail("wrong-node", `${s.ctx.id} takes orders only at ${s.roles.registrar}`, {
      leader: s.roles.registrar as NodeId,
    });
  }
  return {
    type: "ok",
    value: { value: ledgerValue(rm.ledger, o.key), lockedBy: rm.locks.get(o.key) ?? null },
  };
}
