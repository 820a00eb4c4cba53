/**
 * Leading and learning in Paxos Commit.
 *
 * The registrar (the order node) starts a transaction by sending `prepare` to every RM
 * and learns the RMs' ballot-0 votes from the acceptors' `p2b`. Whoever learns a value
 * for every instance decides: commit if every RM prepared, abort as soon as one
 * instance chose abort. The decision is logged, sent to the RMs and acceptors, and
 * answered to the waiting clients.
 *
 * If no decision comes — the registrar crashed, or an RM's vote is lost — an acceptor
 * node takes over: the registrar after `voteTimeoutMs`, the k-th other acceptor `k ×
 * takeoverMs` later. It runs phase 1 for all the transaction's instances at a ballot
 * above any it has heard of, then proposes for each instance the value accepted at the
 * highest ballot among a majority's answers, or abort where there is none. Nothing a
 * leader holds is durable: the acceptors' records are, so any node can finish.
 *
 * @module
 */

import type { NodeId, Reply } from "../node.ts";
import type { Order } from "../txn/order.ts";
import { fail } from "../reply.ts";
import { ballotAbove, type Lead, type PcState, send } from "./state.ts";
import { rmDecide } from "./rm.ts";

function outcome(txn: string, commit: boolean, reason: string): Reply {
  return commit
    ? { type: "ok", value: { txn, outcome: "committed" } }
    : fail("abort", `aborted: ${reason}`);
}

/**
 * A client's order at the registrar: answered at once when decided, joined when in
 * progress, else begun.
 *
 * @example
 * ```ts
 * import { onOrder } from "./leader.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * onOrder(s, { id: "o1", item: "item-1", qty: 1, amount: 5, account: "alice", region: "east" }, 7);
 * ```
 */
export function onOrder(s: PcState, order: Order, requestId: number): void {
  const d = s.decided.get(order.id);
  if (d !== undefined) return s.ctx.reply(requestId, outcome(order.id, d.commit, d.reason));
  const o = s.orders.get(order.id);
  if (o !== undefined) return void o.waiters.push(requestId);
  s.orders.set(order.id, {
    order,
    waiters: [requestId],
    nextSend: s.ctx.now() + s.o.resendMs,
  });
  if (!s.pending.has(order.id)) s.pending.set(order.id, s.ctx.now());
  s.ctx.emit("begin", { txn: order.id, rms: s.roles.rms.map((r) => r.node) });
  for (const r of s.roles.rms) send(s, r.node, { type: "prepare", txn: order.id, order });
}

/**
 * Phase 2b: tallies an acceptor's acceptance; a majority at one ballot chooses the
 * instance's value, and the transaction is decided once that settles it.
 *
 * @example
 * ```ts
 * import { onP2b } from "./leader.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * onP2b(s, "n3", { txn: "o1", rm: "n2", ballot: 0, prepared: true });
 * ```
 */
export function onP2b(
  s: PcState,
  from: NodeId,
  m: { txn: string; rm: string; ballot: number; prepared: boolean },
): void {
  if (s.decided.has(m.txn) || !s.roles.acceptors.includes(from)) return;
  let byRm = s.votes.get(m.txn);
  if (byRm === undefined) s.votes.set(m.txn, byRm = new Map());
  let byBallot = byRm.get(m.rm);
  if (byRm.get(m.rm) === undefined) byRm.set(m.rm, byBallot = new Map());
  let v = byBallot!.get(m.ballot);
  if (v === undefined) byBallot!.set(m.ballot, v = { prepared: m.prepared, by: new Set() });
  if (v.prepared !== m.prepared) throw new Error(`${m.txn}/${m.rm}: two values at ${m.ballot}`);
  v.by.add(from);
  if (v.by.size < s.roles.majority) return;
  let chosen = s.chosen.get(m.txn);
  if (chosen === undefined) s.chosen.set(m.txn, chosen = new Map());
  const before = chosen.get(m.rm);
  if (before !== undefined && before !== m.prepared) {
    throw new Error(`${m.txn}/${m.rm}: chosen ${before}, then ${m.prepared}`);
  }
  chosen.set(m.rm, m.prepared);
  if (!m.prepared) return decide(s, m.txn, false, `${m.rm}'s instance chose abort`);
  if (s.roles.rms.every((r) => chosen!.get(r.node) === true)) {
    decide(s, m.txn, true, "every RM prepared");
  }
}

/**
 * Logs the decision, then tells every RM and acceptor and the waiting clients.
 *
 * @example
 * ```ts
 * import { decide } from "./leader.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * decide(s, "o1", false, "n3's instance chose abort");
 * ```
 */
export function decide(s: PcState, txn: string, commit: boolean, reason: string): void {
  if (s.decided.has(txn)) return;
  learnt(s, txn, commit, reason);
  s.ctx.emit("decision", { txn, decision: commit ? "commit" : "abort", reason });
  const told = new Set([...s.roles.rms.map((r) => r.node), ...s.roles.acceptors]);
  told.delete(s.ctx.id);
  for (const n of told) s.ctx.send(n, { type: "decision", txn, commit });
}

/**
 * A decision learnt from another node: logged, and applied if this node is an RM.
 *
 * @example
 * ```ts
 * import { onDecision } from "./leader.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * onDecision(s, "o1", true);
 * ```
 */
export function onDecision(s: PcState, txn: string, commit: boolean): void {
  if (!s.decided.has(txn)) learnt(s, txn, commit, "learnt from another node");
  rmDecide(s, txn, commit);
}

function learnt(s: PcState, txn: string, commit: boolean, reason: string): void {
  const d = { commit, reason, at: s.ctx.now() };
  // Durable before any RM, acceptor or client hears of it.
  s.decided.set(txn, d);
  s.ctx.storage.set("dec/" + txn, d);
  s.pending.delete(txn);
  s.highest.delete(txn);
  s.ctx.storage.delete("ballot/" + txn);
  s.votes.delete(txn);
  s.chosen.delete(txn);
  s.lead.delete(txn);
  const o = s.orders.get(txn);
  s.orders.delete(txn);
  for (const w of o?.waiters ?? []) s.ctx.reply(w, outcome(txn, commit, reason));
  rmDecide(s, txn, commit);
}

/**
 * Takes over `txn` as leader: phase 1 at a ballot above every one heard of.
 *
 * @example
 * ```ts
 * import { startLead } from "./leader.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * startLead(s, "o1");
 * ```
 */
export function startLead(s: PcState, txn: string): void {
  const seen = Math.max(s.highest.get(txn) ?? 0, s.lead.get(txn)?.ballot ?? 0);
  const ballot = ballotAbove(s.roles, s.ctx.id, seen);
  s.highest.set(txn, ballot);
  // Durable before any p1a leaves: a restarted leader must never reuse a ballot, or it
  // could propose a second value under it.
  s.ctx.storage.set("ballot/" + txn, ballot);
  const l: Lead = {
    ballot,
    phase: 1,
    promises: new Map(),
    proposal: new Map(),
    since: s.ctx.now(),
    nextSend: s.ctx.now() + s.o.resendMs,
  };
  s.lead.set(txn, l);
  s.ctx.emit("lead", { txn, ballot });
  for (const a of s.roles.acceptors) send(s, a, { type: "p1a", txn, ballot });
}

/**
 * Phase 1b: with a majority's promises, proposes every instance's value — the one
 * accepted at the highest ballot, or abort for an RM whose vote nobody has.
 *
 * @example
 * ```ts
 * import { onP1b } from "./leader.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * onP1b(s, "n2", { txn: "o1", ballot: 101, accepted: [] });
 * ```
 */
export function onP1b(
  s: PcState,
  from: NodeId,
  m: {
    txn: string;
    ballot: number;
    accepted: readonly { rm: string; ballot: number; prepared: boolean }[];
  },
): void {
  const l = s.lead.get(m.txn);
  if (l === undefined || l.ballot !== m.ballot || l.phase !== 1) return;
  if (!s.roles.acceptors.includes(from)) return;
  l.promises.set(from, m.accepted);
  if (l.promises.size < s.roles.majority) return;
  l.phase = 2;
  for (const r of s.roles.rms) {
    let best: { ballot: number; prepared: boolean } | undefined;
    for (const acc of l.promises.values()) {
      for (const a of acc) {
        if (a.rm === r.node && (best === undefined || a.ballot > best.ballot)) best = a;
      }
    }
    l.proposal.set(r.node, best?.prepared ?? false);
  }
  s.ctx.emit("propose", { txn: m.txn, ballot: l.ballot, values: Object.fromEntries(l.proposal) });
  sendPhase2(s, m.txn, l);
}

function sendPhase2(s: PcState, txn: string, l: Lead): void {
  for (const a of s.roles.acceptors) {
    for (const [rm, prepared] of l.proposal) {
      send(s, a, { type: "p2a", txn, rm, ballot: l.ballot, prepared });
    }
  }
}

/**
 * A higher ballot is promised: remember it, so the next attempt goes above it.
 *
 * @example
 * ```ts
 * import { onNack } from "./leader.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * onNack(s, "o1", 202);
 * ```
 */
export function onNack(s: PcState, txn: string, promised: number): void {
  if (s.decided.has(txn)) return;
  if (promised > (s.highest.get(txn) ?? 0)) s.highest.set(txn, promised);
}

/**
 * Time-driven work: the registrar re-sends `prepare`; an acceptor node takes over an
 * undecided transaction after its delay; a leader re-sends its phase, or starts a
 * higher ballot once this one has run out of time.
 *
 * @example
 * ```ts
 * import { leaderTick } from "./leader.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * leaderTick(s);
 * ```
 */
export function leaderTick(s: PcState): void {
  const now = s.ctx.now();
  for (const [txn, o] of s.orders) {
    if (now < o.nextSend) continue;
    o.nextSend = now + s.o.resendMs;
    const chosen = s.chosen.get(txn);
    for (const r of s.roles.rms) {
      if (chosen?.get(r.node) === undefined) {
        send(s, r.node, { type: "prepare", txn, order: o.order });
      }
    }
  }
  const rank = s.roles.acceptors.filter((a) => a !== s.roles.registrar).indexOf(s.ctx.id) + 1;
  const delay = s.o.voteTimeoutMs + rank * s.o.takeoverMs;
  for (const [txn, since] of s.pending) {
    const l = s.lead.get(txn);
    if (l === undefined) {
      if (now - since >= delay) startLead(s, txn);
      continue;
    }
    if (now - l.since >= s.o.ballotTimeoutMs) startLead(s, txn);
    else if (now >= l.nextSend) {
      l.nextSend = now + s.o.resendMs;
      if (l.phase === 1) {
        for (const a of s.roles.acceptors) {
          if (!l.promises.has(a)) send(s, a, { type: "p1a", txn, ballot: l.ballot });
        }
      } else sendPhase2(s, txn, l);
    }
  }
}
