/**
 * One Raft node running the KV state machine: the three host inputs (tick, message,
 * client request) and what a host or test can see of it. The protocol itself lives in
 * plain functions over a {@link RaftState}: `election.ts`, `replication.ts`, `apply.ts`,
 * `reconfiguration.ts` and `reads.ts`.
 *
 * The node is a deterministic state machine: every timeout is measured against
 * `ctx.now()`, every random choice comes from `ctx.random()`, and everything Raft needs
 * after a crash is written to `ctx.storage` before the message that depends on it is
 * sent.
 *
 * @module
 */

import type {
  ClientRequest,
  LogPage,
  NodeContext,
  NodeId,
  NodeStatus,
  ProtocolNode,
} from "../node.ts";
import type { KvOp } from "../kv.ts";
import type { EntryData } from "./entry.ts";
import type { RaftMessage } from "./message.ts";
import type { RaftKvOp, RaftOp, ReadConsistency } from "./op.ts";
import type { ReadMode } from "./options.ts";
import { isAdminOp } from "./op.ts";
import type { RaftNodeView } from "./invariants.ts";
import type { RaftState } from "./node_state.ts";
import {
  createRaftState,
  electionWindow,
  membership,
  notLeader,
  promotable,
  resetElectionTimer,
  send,
} from "./node_state.ts";
import {
  becomeFollower,
  campaign,
  handleVote,
  handleVoteResp,
  inLease,
  quorumActive,
} from "./election.ts";
import {
  flushCommit,
  handleAppend,
  handleAppendResp,
  handleHeartbeat,
  handleHeartbeatResp,
  handleSnapshot,
  leaderSynced,
  propose,
  sendAppend,
} from "./replication.ts";
import { handleAdmin, maybePromoteLearner } from "./reconfiguration.ts";
import { broadcastHeartbeat, serveRead } from "./reads.ts";
import { abortTransfer } from "./transfer.ts";
import { applyCommitted } from "./apply.ts";
import { fail } from "../reply.ts";

/**
 * A Raft KV node. Hosts normally create it through `raftKv.create(ctx)`; tests also use
 * {@link RaftNode.inspect} for white-box checks.
 *
 * @example
 * ```ts ignore
 * import { RaftNode } from "./raft_node.ts";
 * const node = new RaftNode(ctx); // ctx: NodeContext<RaftMessage>
 * node.tick();
 * node.status().role; // "follower"
 * ```
 */
export class RaftNode implements ProtocolNode<RaftMessage, RaftOp> {
  readonly #s: RaftState;

  /** Creates the node, recovering whatever `ctx.storage` holds. */
  constructor(ctx: NodeContext<RaftMessage>) {
    this.#s = createRaftState(ctx);
  }

  tick(): void {
    this.#tick();
    this.#settle();
  }

  message(from: NodeId, m: RaftMessage): void {
    this.#message(from, m);
    this.#settle();
  }

  request(req: ClientRequest<RaftOp>): void {
    this.#request(req);
    this.#settle();
  }

  /**
   * A batch: each proposal is appended to the log, and the appends leave once, after
   * the last (as many entries per message as `maxEntriesPerAppend` allows).
   */
  requests(reqs: readonly ClientRequest<RaftOp>[]): void {
    const s = this.#s;
    s.holdAppends = true;
    try {
      for (const r of reqs) this.#request(r);
    } finally {
      s.holdAppends = false;
    }
    if (s.role === "leader") {
      for (const [peer, pr] of s.progress) {
        while (s.role === "leader" && sendAppend(s, peer, pr));
      }
    }
    this.#settle();
  }

  /** The host synced this node's writes up to its `whenSynced(mark)` (a log index). */
  synced(mark: number): void {
    leaderSynced(this.#s, mark);
    this.#settle();
  }

  /**
   * After every input: apply what it committed (answering clients and reads), and let a
   * caught-up learner be promoted. Replication only moves the commit index, so that
   * these steps, which may propose or step down, sit above it.
   */
  #settle(): void {
    const s = this.#s;
    applyCommitted(s);
    maybePromoteLearner(s);
  }

  #tick(): void {
    const s = this.#s;
    const now = s.ctx.now();
    if (s.role !== "leader") {
      if (now < s.electionDeadline) return;
      if (promotable(s)) {
        s.failedCampaigns++; // counted before the campaign draws its next timer
        campaign(s, s.o.preVote ? "pre" : "real");
      } else resetElectionTimer(s);
      return;
    }
    if (now >= s.heartbeatDue) broadcastHeartbeat(s, now);
    flushCommit(s);
    if (s.o.checkQuorum && now >= s.checkQuorumDue) {
      s.checkQuorumDue = now + s.o.electionMinMs;
      if (!quorumActive(s)) {
        becomeFollower(s, s.term, null);
        return;
      }
    }
    if (s.transfer && now >= s.transfer.deadline) {
      abortTransfer(s, "transfer timed out");
    }
    for (const [peer, pr] of s.progress) {
      // An InstallSnapshot may have been lost: after a while, probe again.
      if (pr.state === "snapshot" && now - pr.snapshotSentAt >= s.o.electionMaxMs) {
        pr.becomeProbe();
        sendAppend(s, peer, pr);
      }
    }
  }

  #message(from: NodeId, m: RaftMessage): void {
    const s = this.#s;
    if (m.term > s.term) {
      if (m.type === "vote" && !m.transfer && inLease(s)) {
        // CheckQuorum's other half: while we hear from a leader, ignore candidates.
        s.ctx.emit("vote", {
          to: from,
          granted: false,
          term: m.term,
          pre: m.pre,
          lease: true,
        });
        return;
      }
      const keepTerm = (m.type === "vote" && m.pre) ||
        (m.type === "vote-resp" && m.pre && m.granted);
      if (!keepTerm) {
        if (s.transfer && from === s.transfer.target && m.type === "vote") {
          s.ctx.reply(s.transfer.requestId, { type: "ok", value: { leader: from } });
          s.transfer = null;
        }
        const fromLeader = m.type === "append" || m.type === "heartbeat" || m.type === "snapshot";
        becomeFollower(s, m.term, fromLeader ? from : null);
      }
    } else if (m.term < s.term) {
      if (
        (m.type === "append" || m.type === "heartbeat") &&
        (s.o.checkQuorum || s.o.preVote)
      ) {
        // A deposed leader that cannot learn our term from votes (PreVote keeps
        // candidates' terms low) learns it here, and steps down.
        // (A rejection of index 0 is ignored if it ever meets a leader of our term.)
        send(s, from, { type: "append-resp", term: s.term, index: 0, reject: true });
      } else if (m.type === "vote" && m.pre) {
        send(s, from, { type: "vote-resp", term: s.term, pre: true, granted: false });
      }
      return;
    }

    switch (m.type) {
      case "vote":
        return handleVote(s, from, m);
      case "vote-resp":
        return handleVoteResp(s, from, m);
      case "append":
      case "heartbeat":
      case "snapshot":
        if (s.role === "leader") return; // cannot happen: one leader per term
        if (s.role !== "follower" || s.leader !== from) {
          becomeFollower(s, s.term, from);
        }
        s.lastLeaderContact = s.ctx.now();
        resetElectionTimer(s);
        if (m.type === "append") return handleAppend(s, from, m);
        if (m.type === "heartbeat") return handleHeartbeat(s, from, m);
        return handleSnapshot(s, from, m.snapshot);
      case "append-resp":
        if (s.role === "leader") handleAppendResp(s, from, m);
        return;
      case "heartbeat-resp":
        if (s.role === "leader") handleHeartbeatResp(s, from, m);
        return;
      case "timeout-now":
        if (m.hint === true) {
          // A stale pre-candidate's request: campaign as our own timer would, if idle.
          const quiet = s.ctx.now() - s.lastLeaderContact >= s.o.electionMinMs;
          if (s.role === "follower" && s.o.preVote && quiet && promotable(s)) {
            campaign(s, "pre");
          }
        } else if (s.role !== "leader" && promotable(s)) campaign(s, "transfer");
        return;
    }
  }

  #request(req: ClientRequest<RaftOp>): void {
    const s = this.#s;
    const op = req.op;
    if (op.f === "campaign") {
      if (s.role !== "leader" && promotable(s)) campaign(s, s.o.preVote ? "pre" : "real");
      return s.ctx.reply(req.id, { type: "ok", value: { role: s.role, term: s.term } });
    }
    if (isAdminOp(op)) return handleAdmin(s, req.id, op);
    const mode = op.f === "read" ? readMode(s.o.readMode, (op as RaftKvOp).consistency) : null;
    if (mode === "stale") {
      return s.ctx.reply(req.id, { type: "ok", value: s.sm.read(op.key) });
    }
    if (s.role !== "leader") return s.ctx.reply(req.id, notLeader(s));
    if (op.f === "read" && mode !== "log") {
      return serveRead(s, { id: req.id, key: op.key, lease: mode === "lease" });
    }
    if (s.transfer) {
      return s.ctx.reply(
        req.id,
        fail("temporarily-unavailable", "leadership transfer in progress"),
      );
    }
    const seq = (op as RaftKvOp).seq;
    if (seq !== undefined) {
      const cached = s.sm.cachedReply(req.client, seq);
      if (cached) return s.ctx.reply(req.id, cached);
    }
    const data: EntryData = seq === undefined
      ? { type: "kv", client: req.client, op: withoutSeq(op) }
      : { type: "kv", client: req.client, seq, op: withoutSeq(op) };
    s.pendingWrites.set(s.log.lastIndex + 1, { id: req.id, term: s.term });
    propose(s, data);
  }

  log(from: number, limit: number): LogPage {
    const s = this.#s;
    const first = s.log.firstIndex;
    const lo = Math.max(from > 0 ? from : s.log.lastIndex - limit + 1, first);
    const entries = lo > s.log.lastIndex ? [] : s.log.slice(lo, Math.max(0, limit));
    return { first, last: s.log.lastIndex, commit: s.commit, entries };
  }

  status(): NodeStatus {
    const s = this.#s;
    const m = membership(s);
    const status: Record<string, unknown> = {
      role: s.role,
      term: s.term,
      commitIndex: s.commit,
      lastIndex: s.log.lastIndex,
      applied: s.applied,
      leader: s.leader,
      votedFor: s.vote,
      snapshotIndex: s.log.snapshotIndex,
      voters: m.voters,
      learners: m.learners,
      // For the dashboard's countdown: the configured window and when this node's timer
      // fires (a leader has none running).
      electionTimeoutMs: electionWindow(s),
      electionDueInMs: s.role === "leader"
        ? null
        : Math.max(0, Math.round(s.electionDeadline - s.ctx.now())),
    };
    // Its disk lost synced records: no vote until caught up (only shown while true).
    if (s.repairing) status.repairing = true;
    if (s.role === "leader") {
      const progress: Record<string, unknown> = {};
      for (const [peer, pr] of s.progress) {
        progress[peer] = { match: pr.match, next: pr.next, state: pr.state };
      }
      status.progress = progress;
    }
    return status;
  }

  /** The replica's data (key → value), read locally. */
  dump(): Readonly<Record<string, unknown>> {
    const s = this.#s;
    return Object.fromEntries(s.sm.snapshot().data);
  }

  /** White-box view for the invariant checker (shares the log's entries: read only). */
  inspect(): RaftNodeView {
    const s = this.#s;
    return {
      id: s.id,
      role: s.role,
      term: s.term,
      commitIndex: s.commit,
      applied: s.applied,
      appliedHash: s.appliedHash,
      snapshotIndex: s.log.snapshotIndex,
      snapshotTerm: s.log.snapshotTerm,
      entries: s.log.entries,
      logRef: s.log,
      logVersion: s.log.version,
    };
  }
}

/** The read mode of one read: its own consistency, else the node's option. */
function readMode(option: ReadMode, wanted: ReadConsistency | undefined): ReadMode {
  switch (wanted) {
    case "stale":
      return "stale";
    case "lease":
      return "lease";
    case "linearizable":
      return option === "log" ? "log" : "read-index";
    default:
      return option;
  }
}

/** The op without its session number (the entry carries that separately). */
function withoutSeq(op: RaftKvOp): KvOp {
  switch (op.f) {
    case "read":
    case "delete":
      return { f: op.f, key: op.key };
    case "write":
      return { f: "write", key: op.key, value: op.value };
    case "cas":
      return { f: "cas", key: op.key, value: op.value };
  }
}
