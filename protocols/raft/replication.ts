/**
 * Log replication: the leader's appends (probing, pipelining under flow control, batching,
 * snapshots for followers behind the compacted log), heartbeats, commitment by counting
 * replicas of current-term entries, and the follower's side of AppendEntries and
 * InstallSnapshot.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { Entry, EntryData } from "./entry.ts";
import type { RaftMessage } from "./message.ts";
import { quorumIndex } from "./quorum.ts";
import type { Progress } from "./progress.ts";
import { REPAIR_KEY, SNAPSHOT_KEY } from "./durable_state.ts";
import type { Snapshot } from "./snapshot.ts";
import { KvStateMachine } from "./kv_state_machine.ts";
import type { RaftState } from "./node_state.ts";
import { advanceCommit, membership, selfMatch, send } from "./node_state.ts";
import { sendTimeoutNow } from "./transfer.ts";
import { membershipChanged, reloadConfigs } from "./configs.ts";
import { confirmReads } from "./reads.ts";

/**
 * Appends a new entry to the leader's log and starts replicating it.
 *
 * @example
 * ```ts ignore
 * import { propose } from "./replication.ts";
 * propose(s, { type: "noop" });
 * ```
 */
export function propose(s: RaftState, data: EntryData): Entry {
  const entry: Entry = { index: s.log.lastIndex + 1, term: s.term, data };
  s.log.append([entry]);
  // Written, not yet synced: the host says when (see `leaderSynced`).
  if (s.o.parallelWrite) s.ctx.whenSynced(entry.index);
  if (data.type === "config") reloadConfigs(s, entry.index, [entry]);
  // In a batch of requests the appends leave once, after the last (`RaftNode.requests`).
  if (!s.holdAppends) { for (const [peer, pr] of s.progress) sendAppend(s, peer, pr); }
  maybeCommit(s);
  return entry;
}

/**
 * Sends the follower what it needs, if flow control allows: entries, an empty probe, a
 * snapshot, or (only if `commitOnly` allows it) an empty append that just carries a
 * newer commit index. Returns whether a message was sent.
 *
 * @example
 * ```ts ignore
 * import { sendAppend } from "./replication.ts";
 * while (sendAppend(s, "n2", pr));
 * ```
 */
export function sendAppend(s: RaftState, to: NodeId, pr: Progress, commitOnly = false): boolean {
  const last = s.log.lastIndex;
  let withEntries: boolean;
  if (pr.state === "snapshot") return false;
  if (pr.state === "probe") {
    if (pr.paused) return false;
    withEntries = pr.next <= last;
  } else {
    withEntries = pr.canSendEntries(last);
    const probe = pr.match < last && !pr.paused;
    const bump = commitOnly && pr.canBumpCommit(s.commit);
    if (!withEntries && !probe && !bump) return false;
  }
  const prevIndex = pr.next - 1;
  const prevTerm = s.log.term(prevIndex);
  if (prevTerm === undefined) return sendSnapshot(s, to, pr);
  const entries = withEntries
    ? s.log.slice(pr.next, s.o.maxEntriesPerAppend, s.o.maxBytesPerAppend)
    : [];
  send(s, to, {
    type: "append",
    term: s.term,
    prevIndex,
    prevTerm,
    entries,
    commit: s.commit,
    ...(pr.repairing ? { upTo: last } : {}),
  });
  pr.sentEntries(entries.length);
  pr.sentCommit(s.commit);
  return true;
}

function sendSnapshot(s: RaftState, to: NodeId, pr: Progress): boolean {
  const snap = s.snapshot;
  if (snap === undefined) throw new Error("raft: log compacted without a snapshot");
  send(s, to, { type: "snapshot", term: s.term, snapshot: snap });
  pr.becomeSnapshot(snap.index, s.ctx.now());
  s.ctx.emit("snapshot", { action: "send", to, index: snap.index, term: snap.term });
  return false;
}

/**
 * Sends the commit index to followers that have not been told it. A new commit index
 * normally travels on the next append; this runs once per tick so that, when no append
 * follows, followers still learn it within a tick instead of paying an extra message
 * per acknowledgement (etcd sends one at once).
 *
 * @example
 * ```ts ignore
 * import { flushCommit } from "./replication.ts";
 * flushCommit(s);
 * ```
 */
export function flushCommit(s: RaftState): void {
  for (const [peer, pr] of s.progress) {
    if (pr.state === "replicate" && pr.canBumpCommit(s.commit)) sendAppend(s, peer, pr, true);
  }
}

/**
 * Leader: a follower accepted or rejected an append.
 *
 * @example
 * ```ts ignore
 * import { handleAppendResp } from "./replication.ts";
 * handleAppendResp(s, from, m);
 * ```
 */
export function handleAppendResp(
  s: RaftState,
  from: NodeId,
  m: Extract<RaftMessage, { type: "append-resp" }>,
): void {
  const pr = s.progress.get(from);
  if (!pr) return;
  pr.recentActive = true;
  if (m.reject) {
    const hint = m.hintTerm
      ? s.log.findConflictByTerm(m.hintIndex ?? m.index - 1, m.hintTerm).index
      : (m.hintIndex ?? m.index - 1);
    if (pr.lost(m.lost === true) || pr.maybeDecrTo(m.index, hint)) sendAppend(s, from, pr);
    return;
  }
  pr.lost(m.lost === true);
  const updated = pr.maybeUpdate(m.index);
  if (!updated && !(pr.state === "probe" && pr.match === m.index)) return;
  if (pr.state === "replicate") pr.inflights.freeTo(m.index);
  else pr.becomeReplicate();
  maybeCommit(s);
  while (s.role === "leader" && sendAppend(s, from, pr));
  if (s.role !== "leader") return;
  if (s.transfer?.target === from && pr.match === s.log.lastIndex) {
    sendTimeoutNow(s);
  }
}

/**
 * Leader: a heartbeat was echoed; resume probing and confirm reads.
 *
 * @example
 * ```ts ignore
 * import { handleHeartbeatResp } from "./replication.ts";
 * handleHeartbeatResp(s, from, m);
 * ```
 */
export function handleHeartbeatResp(
  s: RaftState,
  from: NodeId,
  m: Extract<RaftMessage, { type: "heartbeat-resp" }>,
): void {
  const pr = s.progress.get(from);
  if (!pr) return;
  pr.recentActive = true;
  pr.paused = false;
  if (pr.lost(m.lost === true) || pr.match < s.log.lastIndex) sendAppend(s, from, pr);
  confirmReads(s, s.reads.ack(from, m.round, membership(s).voters));
}

/**
 * Leader: the host synced its log up to `index` (its `whenSynced` mark): it now counts
 * itself towards the quorum up to there. A follower or candidate ignores it: its own
 * acknowledgements and votes wait for their sync anyway, and a new leader starts
 * counting from its first report (its no-op's, which covers the log before it).
 *
 * @example
 * ```ts ignore
 * import { leaderSynced } from "./replication.ts";
 * leaderSynced(s, 12);
 * ```
 */
export function leaderSynced(s: RaftState, index: number): void {
  if (s.role !== "leader" || index <= s.synced) return;
  s.synced = index;
  maybeCommit(s);
}

/** Advances the commit index to what a majority holds, if it is of this term. */
function maybeCommit(s: RaftState): boolean {
  const q = quorumIndex(
    membership(s).voters,
    (id) => id === s.id ? selfMatch(s) : s.progress.get(id)?.match,
  );
  if (!Number.isFinite(q) || q <= s.commit) return false;
  if (s.log.term(q) !== s.term) return false; // Figure 8
  advanceCommit(s, q);
  return true;
}

/**
 * Follower: AppendEntries.
 *
 * @example
 * ```ts ignore
 * import { handleAppend } from "./replication.ts";
 * handleAppend(s, from, m);
 * ```
 */
export function handleAppend(
  s: RaftState,
  from: NodeId,
  m: Extract<RaftMessage, { type: "append" }>,
): void {
  let { prevIndex, prevTerm, entries } = m;
  if (prevIndex < s.commit) {
    // Everything up to our commit index is known to match; skip that part.
    const skip = s.commit - prevIndex;
    if (skip >= entries.length) {
      return matched(s, from, s.commit);
    }
    prevIndex = s.commit;
    prevTerm = entries[skip - 1].term;
    entries = entries.slice(skip);
  }
  const version = s.log.version;
  const lastNew = s.log.maybeAppend(prevIndex, prevTerm, entries, s.commit);
  if (lastNew === undefined) {
    const hint = s.log.findConflictByTerm(Math.min(prevIndex, s.log.lastIndex), prevTerm);
    send(s, from, {
      type: "append-resp",
      term: s.term,
      index: prevIndex,
      reject: true,
      hintIndex: hint.index,
      hintTerm: hint.term,
      ...lost(s),
    });
    return;
  }
  if (s.log.version !== version && entries.length > 0) {
    reloadConfigs(s, entries[0].index, entries);
  }
  // Its log now matches this term's leader up to the leader's last index, so it holds
  // every committed entry: the leader has them all (none was elected with this node's
  // vote while it repaired), even one committed on this node's lost acknowledgement,
  // which a leader's commit index may not show yet.
  if (s.repairing && m.upTo !== undefined && lastNew >= m.upTo) {
    s.repairing = false;
    s.ctx.storage.delete(REPAIR_KEY);
    s.ctx.emit("repaired", { leader: from, term: s.term, index: lastNew });
  }
  matched(s, from, lastNew);
  const commit = Math.min(m.commit, lastNew);
  if (commit > s.commit) advanceCommit(s, commit);
}

/** Follower: tells the leader its log matches up to `index`. */
function matched(s: RaftState, leader: NodeId, index: number): void {
  send(s, leader, { type: "append-resp", term: s.term, index, reject: false, ...lost(s) });
}

/** `lost: true` on a repairing follower's answers (see `Progress.lost`). */
function lost(s: RaftState): { lost?: true } {
  return s.repairing ? { lost: true } : {};
}

/**
 * Follower: a heartbeat; learn the commit index and echo the round.
 *
 * @example
 * ```ts ignore
 * import { handleHeartbeat } from "./replication.ts";
 * handleHeartbeat(s, from, m);
 * ```
 */
export function handleHeartbeat(
  s: RaftState,
  from: NodeId,
  m: Extract<RaftMessage, { type: "heartbeat" }>,
): void {
  const commit = Math.min(m.commit, s.log.lastIndex);
  if (commit > s.commit) advanceCommit(s, commit);
  send(s, from, {
    type: "heartbeat-resp",
    term: s.term,
    round: m.round,
    ...lost(s),
  });
}

/**
 * Follower: InstallSnapshot.
 *
 * @example
 * ```ts ignore
 * import { handleSnapshot } from "./replication.ts";
 * handleSnapshot(s, from, m.snapshot);
 * ```
 */
export function handleSnapshot(s: RaftState, from: NodeId, snap: Snapshot): void {
  if (snap.index <= s.commit) {
    return matched(s, from, s.commit);
  }
  if (s.log.matchTerm(snap.index, snap.term)) {
    // We hold the snapshot's last entry, hence everything before it: just commit.
    advanceCommit(s, snap.index);
  } else {
    s.ctx.storage.set(SNAPSHOT_KEY, snap);
    s.snapshot = snap;
    s.log.restore(snap.index, snap.term);
    s.sm = KvStateMachine.fromSnapshot(snap.data, s.o.maxSessions);
    s.commit = s.applied = snap.index;
    s.appliedHash = snap.hash;
    const before = membership(s);
    s.baseMembership = snap.membership;
    s.configs = [];
    membershipChanged(s, before);
    s.ctx.emit("snapshot", { action: "install", from, index: snap.index, term: snap.term });
  }
  matched(s, from, snap.index);
}
