/**
 * Elections: PreVote, RequestVote, the election restriction, CheckQuorum, becoming leader or
 * follower, and leadership transfer (TimeoutNow).
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { RaftMessage } from "./message.ts";
import { isVoter } from "./membership.ts";
import { voteResult } from "./quorum.ts";
import { ReadIndexQueue } from "./read_index.ts";
import type { RaftState } from "./node_state.ts";
import {
  membership,
  notLeader,
  resetElectionTimer,
  saveHardState,
  send,
  setRole,
} from "./node_state.ts";
import { propose, sendAppend } from "./replication.ts";
import { syncProgress } from "./configs.ts";
import { sendTimeoutNow } from "./transfer.ts";
import { fail, info } from "../reply.ts";

/**
 * Whether this node hears from a live leader (CheckQuorum): it then ignores candidates.
 *
 * @example
 * ```ts ignore
 * import { inLease } from "./election.ts";
 * if (inLease(s)) return;
 * ```
 */
export function inLease(s: RaftState): boolean {
  if (!s.o.checkQuorum) return false;
  return s.role === "leader" || s.ctx.now() - s.lastLeaderContact < s.o.electionMinMs;
}

/**
 * Becomes follower of `leader` (or of nobody) in `term`, answering whatever it held as
 * leader.
 *
 * @example
 * ```ts ignore
 * import { becomeFollower } from "./election.ts";
 * becomeFollower(s, m.term, null);
 * ```
 */
export function becomeFollower(s: RaftState, term: number, leader: NodeId | null): void {
  const wasLeader = s.role === "leader";
  if (term > s.term) {
    s.term = term;
    s.vote = null;
    saveHardState(s);
  }
  s.leader = leader;
  if (leader !== null) s.failedCampaigns = 0;
  // A follower that only learns of a higher term (from a vote request it may refuse)
  // keeps its timer: resetting it would let a candidate with a short log, which can
  // never win, hold back the up-to-date followers' own elections (paper §5.2: reset
  // on the leader's AppendEntries or on granting a vote).
  if (s.role !== "follower" || leader !== null) resetElectionTimer(s);
  setRole(s, "follower");
  if (wasLeader) dropLeaderState(s);
}

/** Answers everything a leader was holding when it stops being leader. */
function dropLeaderState(s: RaftState): void {
  for (const { id } of s.pendingWrites.values()) {
    s.ctx.reply(id, info("crash", "leadership lost before commit"));
  }
  s.pendingWrites.clear();
  for (const { id } of s.pendingAdmin) {
    s.ctx.reply(id, info("crash", "leadership lost before commit"));
  }
  s.pendingAdmin = [];
  if (s.transfer) {
    s.ctx.reply(s.transfer.requestId, info("crash", "leadership lost"));
    s.transfer = null;
  }
  const reads = [...s.reads.clear(), ...s.readyReads, ...s.readsBeforeTermCommit];
  for (const r of reads) s.ctx.reply(r.id, notLeader(s));
  s.readyReads = [];
  s.readsBeforeTermCommit = [];
  s.progress.clear();
  s.leaseUntil = -Infinity;
}

/**
 * Starts a PreVote round, a real election, or (on TimeoutNow) a forced election.
 *
 * @example
 * ```ts ignore
 * import { campaign } from "./election.ts";
 * campaign(s, "pre");
 * ```
 */
export function campaign(s: RaftState, kind: "pre" | "real" | "transfer"): void {
  const pre = kind === "pre";
  s.leader = null;
  if (pre) {
    setRole(s, "pre-candidate");
  } else {
    s.term++;
    s.vote = s.id;
    saveHardState(s);
    s.role = "follower"; // so that setRole reports the change with the new term
    setRole(s, "candidate");
  }
  const term = pre ? s.term + 1 : s.term;
  s.votes = new Map([[s.id, true]]);
  s.hinted = false;
  resetElectionTimer(s);
  s.ctx.emit("election", { term, pre, transfer: kind === "transfer" });
  const voters = membership(s).voters;
  if (voteResult(voters, s.votes) === "won") return wonElection(s, pre);
  for (const v of voters) {
    if (v === s.id) continue;
    send(s, v, {
      type: "vote",
      term,
      pre,
      lastIndex: s.log.lastIndex,
      lastTerm: s.log.lastTerm,
      ...(kind === "transfer" ? { transfer: true } : {}),
    });
  }
}

function wonElection(s: RaftState, pre: boolean): void {
  if (pre) campaign(s, "real");
  else becomeLeader(s);
}

/**
 * Answers a (pre-)vote request: grants it to a candidate whose log is up to date if it has
 * not voted for another in that term.
 *
 * @example
 * ```ts ignore
 * import { handleVote } from "./election.ts";
 * handleVote(s, from, m);
 * ```
 */
export function handleVote(
  s: RaftState,
  from: NodeId,
  m: Extract<RaftMessage, { type: "vote" }>,
): void {
  // A node repairing a damaged log may lack entries it acknowledged: no vote from it.
  const canVote = !s.repairing && (s.vote === from || (s.vote === null && s.leader === null) ||
    (m.pre && m.term > s.term));
  const upToDate = s.log.isUpToDate(m.lastIndex, m.lastTerm);
  const granted = canVote && upToDate;
  if (granted && !m.pre) {
    s.vote = from;
    saveHardState(s); // synced before the grant leaves this node
    resetElectionTimer(s);
  }
  send(s, from, {
    type: "vote-resp",
    term: granted ? m.term : s.term,
    pre: m.pre,
    granted,
    // Refused only for our newer log: the pre-candidate may ask us to campaign.
    ...(m.pre && canVote && !upToDate ? { newer: true } : {}),
  });
  s.ctx.emit("vote", { to: from, granted, term: m.term, pre: m.pre });
}

/**
 * Counts a (pre-)vote; a majority wins, a majority refusing loses.
 *
 * @example
 * ```ts ignore
 * import { handleVoteResp } from "./election.ts";
 * handleVoteResp(s, from, m);
 * ```
 */
export function handleVoteResp(
  s: RaftState,
  from: NodeId,
  m: Extract<RaftMessage, { type: "vote-resp" }>,
): void {
  const current = (s.role === "pre-candidate" && m.pre) ||
    (s.role === "candidate" && !m.pre);
  if (!current) return;
  s.votes.set(from, m.granted);
  if (m.newer === true && s.o.campaignHint && !s.hinted) {
    // The first timer fired here, on a stale log; a newer one need not wait for its own.
    s.hinted = true;
    send(s, from, { type: "timeout-now", term: s.term, hint: true });
  }
  const result = voteResult(membership(s).voters, s.votes);
  if (result === "won") wonElection(s, m.pre);
  else if (result === "lost") becomeFollower(s, s.term, null);
}

function becomeLeader(s: RaftState): void {
  s.leader = s.id;
  s.failedCampaigns = 0;
  setRole(s, "leader");
  const now = s.ctx.now();
  s.progress.clear();
  // Counted from its no-op's sync on, which covers everything written before it.
  s.synced = 0;
  syncProgress(s);
  s.reads = new ReadIndexQueue(s.id);
  s.leaseUntil = -Infinity;
  s.heartbeatDue = now + s.o.heartbeatMs;
  s.checkQuorumDue = now + s.o.electionMinMs;
  // Committing a no-op of its own term lets the leader learn the commit index
  // (Figure 8: only entries of the current term are committed by counting).
  propose(s, { type: "noop" });
}

/**
 * CheckQuorum: whether a majority of voters was heard from since the last check (and
 * starts a new period).
 *
 * @example
 * ```ts ignore
 * import { quorumActive } from "./election.ts";
 * if (!quorumActive(s)) becomeFollower(s, s.term, null);
 * ```
 */
export function quorumActive(s: RaftState): boolean {
  const voters = membership(s).voters;
  const active = new Map<NodeId, boolean>();
  for (const v of voters) {
    active.set(v, v === s.id || s.progress.get(v)?.recentActive === true);
  }
  for (const pr of s.progress.values()) pr.recentActive = false;
  return voteResult(voters, active) === "won";
}

/**
 * Starts handing leadership to `target`: catch it up, then send TimeoutNow.
 *
 * @example
 * ```ts ignore
 * import { startTransfer } from "./election.ts";
 * startTransfer(s, req.id, "n3");
 * ```
 */
export function startTransfer(s: RaftState, id: number, target: NodeId): void {
  if (target === s.id) return s.ctx.reply(id, { type: "ok", value: { leader: target } });
  if (!isVoter(membership(s), target)) {
    return s.ctx.reply(id, fail("precondition-failed", "transfer target is not a voter"));
  }
  if (s.transfer) {
    return s.ctx.reply(id, fail("temporarily-unavailable", "leadership transfer in progress"));
  }
  s.transfer = {
    target,
    deadline: s.ctx.now() + s.o.electionMinMs,
    requestId: id,
    sent: false,
  };
  // The target will ignore our lease when it campaigns, so lease reads must stop now.
  s.leaseUntil = -Infinity;
  const pr = s.progress.get(target)!;
  if (pr.match === s.log.lastIndex) sendTimeoutNow(s);
  else sendAppend(s, target, pr);
}
