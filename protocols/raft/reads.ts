/**
 * Reads at the leader: ReadIndex (a heartbeat round confirms leadership, then wait
 * until the read index is applied) and lease reads.
 *
 * @module
 */

import type { RaftState, ReadItem } from "./node_state.ts";
import { committedInTerm, send, singleVoter } from "./node_state.ts";
import type { ReadyRead } from "./node_state.ts";

/**
 * Leader: serves a read by ReadIndex or lease (queued until the leader's no-op commits).
 *
 * @example
 * ```ts ignore
 * import { serveRead } from "./reads.ts";
 * serveRead(s, { id: req.id, key: "x" });
 * ```
 */
export function serveRead(s: RaftState, item: ReadItem): void {
  if (!committedInTerm(s)) {
    // Until its no-op commits, the leader's commit index may be behind.
    s.readsBeforeTermCommit.push(item);
    return;
  }
  const now = s.ctx.now();
  if (item.lease && s.o.checkQuorum && now < s.leaseUntil) {
    s.readyReads.push({ ...item, readIndex: s.commit });
    return flushReads(s);
  }
  s.reads.add(s.commit, item);
  if (singleVoter(s) || s.reads.inFlight() < s.o.maxReadRounds) broadcastHeartbeat(s, now);
}

/**
 * Reads confirmed by a heartbeat round become ready (and the lease is extended).
 *
 * @example
 * ```ts ignore
 * import { confirmReads } from "./reads.ts";
 * confirmReads(s, s.reads.ack(from, m.round, membership(s).voters));
 * ```
 */
export function confirmReads(
  s: RaftState,
  result: { confirmed: { readIndex: number; item: ReadItem }[]; sentAt?: number },
): void {
  if (result.sentAt !== undefined) {
    const rho = s.o.clockDriftBound;
    const lease = s.o.electionMinMs * (1 - rho) / (1 + rho);
    if (!s.transfer) s.leaseUntil = Math.max(s.leaseUntil, result.sentAt + lease);
  }
  for (const r of result.confirmed) s.readyReads.push({ ...r.item, readIndex: r.readIndex });
  flushReads(s);
  if (s.reads.needsRound() && s.reads.inFlight() < s.o.maxReadRounds) {
    broadcastHeartbeat(s, s.ctx.now());
  }
}

/**
 * Answers ready reads whose read index has been applied.
 *
 * @example
 * ```ts ignore
 * import { flushReads } from "./reads.ts";
 * flushReads(s);
 * ```
 */
export function flushReads(s: RaftState): void {
  if (s.readyReads.length === 0) return;
  const waiting: ReadyRead[] = [];
  for (const r of s.readyReads) {
    if (r.readIndex <= s.applied) {
      s.ctx.reply(r.id, { type: "ok", value: s.sm.read(r.key) });
    } else waiting.push(r);
  }
  s.readyReads = waiting;
}

/**
 * Sends a heartbeat round to every member and schedules the next.
 *
 * @example
 * ```ts ignore
 * import { broadcastHeartbeat } from "./reads.ts";
 * broadcastHeartbeat(s, s.ctx.now());
 * ```
 */
export function broadcastHeartbeat(s: RaftState, now: number): void {
  s.heartbeatDue = now + s.o.heartbeatMs;
  const round = s.reads.startRound(now);
  for (const [peer, pr] of s.progress) {
    // Never tell a follower to commit past what it is known to hold.
    const commit = Math.min(s.commit, pr.match);
    send(s, peer, { type: "heartbeat", term: s.term, commit, round });
    pr.sentCommit(commit);
  }
  if (singleVoter(s)) confirmReads(s, s.reads.ack(s.id, round, [s.id]));
}
