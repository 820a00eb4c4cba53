/**
 * The state of one Raft node, as one plain record that the protocol's functions
 * (`election.ts`, `replication.ts`, `apply.ts`, `reconfiguration.ts`, `reads.ts`) share,
 * and the small helpers they all use.
 *
 * Persistent fields (`term`, `vote`, the log, the snapshot) are mirrored in
 * `ctx.storage` by whoever changes them; everything else is volatile and rebuilt from
 * storage by {@link createRaftState} after a crash.
 *
 * @module
 */

import type { NodeContext, NodeId, Reply } from "../node.ts";
import type { Entry } from "./entry.ts";
import type { RaftMessage } from "./message.ts";
import type { RaftAdminOp } from "./op.ts";
import type { RaftOptions } from "./options.ts";
import { parseRaftOptions } from "./options.ts";
import type { Membership } from "./membership.ts";
import { applyConfChange, isVoter, membershipOf } from "./membership.ts";
import type { Progress } from "./progress.ts";
import { ReadIndexQueue } from "./read_index.ts";
import { RaftLog } from "./log.ts";
import { HARD_STATE_KEY, recoverState } from "./durable_state.ts";
import type { Snapshot } from "./snapshot.ts";
import { EMPTY_HASH } from "./snapshot.ts";
import { KvStateMachine } from "./kv_state_machine.ts";
import { fail } from "../reply.ts";

/**
 * The roles a node moves between.
 *
 * @example
 * ```ts
 * import type { RaftRole } from "./node_state.ts";
 * const r: RaftRole = "pre-candidate";
 * ```
 */
export type RaftRole = "follower" | "pre-candidate" | "candidate" | "leader";

/**
 * A read waiting at the leader: the request and its key.
 *
 * @example
 * ```ts
 * import type { ReadItem } from "./node_state.ts";
 * const r: ReadItem = { id: 7, key: "x" };
 * ```
 */
export interface ReadItem {
  readonly id: number;
  readonly key: string;
  /** Serve from the leader's lease when it holds one (else by ReadIndex). */
  readonly lease?: boolean;
}

/**
 * A read confirmed at `readIndex`, answered once that index is applied.
 *
 * @example
 * ```ts
 * import type { ReadyRead } from "./node_state.ts";
 * const r: ReadyRead = { id: 7, key: "x", readIndex: 12 };
 * ```
 */
export type ReadyRead = ReadItem & { readonly readIndex: number };

/**
 * An admin request waiting for its change to commit.
 *
 * @example
 * ```ts
 * import type { PendingAdmin } from "./node_state.ts";
 * const a: PendingAdmin = { id: 3, op: { f: "remove-node", node: "n2" } };
 * ```
 */
export interface PendingAdmin {
  readonly id: number;
  readonly op: RaftAdminOp;
}

/**
 * A configuration that a config entry at `index` put in effect.
 *
 * @example
 * ```ts
 * import type { ConfigAt } from "./node_state.ts";
 * const c: ConfigAt = { index: 9, membership: { voters: ["n1", "n2"], learners: [] } };
 * ```
 */
export interface ConfigAt {
  readonly index: number;
  readonly membership: Membership;
}

/**
 * Everything a Raft node knows. Functions of the protocol take it as their first
 * argument and change it in place.
 *
 * @example
 * ```ts ignore
 * import { createRaftState } from "./node_state.ts";
 * const s = createRaftState(ctx);
 * s.role; // "follower"
 * ```
 */
export interface RaftState {
  readonly ctx: NodeContext<RaftMessage>;
  readonly o: RaftOptions;
  readonly id: NodeId;

  // Persistent (hard) state, mirrored in storage.
  term: number;
  vote: NodeId | null;
  readonly log: RaftLog;
  /** The latest snapshot (also in storage), sent to followers that need it. */
  snapshot: Snapshot | undefined;

  // Volatile state of every role.
  role: RaftRole;
  leader: NodeId | null;
  commit: number;
  applied: number;
  /** Rolling hash of the commands applied up to `applied`. */
  appliedHash: number;
  sm: KvStateMachine;
  /** The configuration as of the snapshot; then every config entry after it. */
  baseMembership: Membership;
  configs: ConfigAt[];
  electionDeadline: number;
  /** When a leader was last heard from, or the node started (CheckQuorum's vote refusal). */
  lastLeaderContact: number;
  /** Campaigns its own timer started since it last heard a leader (`electionBackoff`). */
  failedCampaigns: number;
  /** Proposals send no append while a batch of requests is taken (`RaftNode.requests`). */
  holdAppends: boolean;
  /**
   * Its disk lost synced log records: it neither votes nor campaigns until an append
   * from a leader has brought its log up to that leader's last index.
   */
  repairing: boolean;
  votes: Map<NodeId, boolean>;
  /** This campaign already asked a voter with a newer log to campaign (`campaignHint`). */
  hinted: boolean;

  // Leader state.
  progress: Map<NodeId, Progress>;
  /**
   * With `parallelWrite`: the highest index of its own log the host reported synced
   * since it became leader (0 before the first report); the leader counts itself
   * towards the commit quorum only up to here.
   */
  synced: number;
  heartbeatDue: number;
  checkQuorumDue: number;
  reads: ReadIndexQueue<ReadItem>;
  /** Reads confirmed by a heartbeat round (or lease), waiting to be applied. */
  readyReads: ReadyRead[];
  /** Reads that arrived before the leader's no-op committed. */
  readsBeforeTermCommit: ReadItem[];
  leaseUntil: number;
  /** Proposed writes by log index, with the term they were proposed in. */
  pendingWrites: Map<number, { readonly id: number; readonly term: number }>;
  pendingAdmin: PendingAdmin[];
  transfer: {
    readonly target: NodeId;
    readonly deadline: number;
    readonly requestId: number;
    sent: boolean;
  } | null;
}

/**
 * A node's state recovered from `ctx.storage` (empty storage: a fresh node).
 *
 * @example
 * ```ts ignore
 * import { createRaftState } from "./node_state.ts";
 * const s = createRaftState(ctx);
 * s.term; // the term persisted before the crash
 * ```
 */
export function createRaftState(ctx: NodeContext<RaftMessage>): RaftState {
  const o = parseRaftOptions(ctx.options);
  const rec = recoverState(ctx.storage);
  const snap = rec.snapshot;
  const log = new RaftLog(ctx.storage, snap?.index ?? 0, snap?.term ?? 0, rec.entries);
  const baseMembership = snap?.membership ??
    membershipOf(o.members ?? (o.join ? ctx.peers : [ctx.id, ...ctx.peers]));
  const s: RaftState = {
    ctx,
    o,
    id: ctx.id,
    term: rec.hard.term,
    vote: rec.hard.vote,
    log,
    snapshot: snap,
    role: "follower",
    leader: null,
    commit: snap?.index ?? 0,
    applied: snap?.index ?? 0,
    appliedHash: snap?.hash ?? EMPTY_HASH,
    sm: snap
      ? KvStateMachine.fromSnapshot(snap.data, o.maxSessions)
      : new KvStateMachine(o.maxSessions),
    baseMembership,
    configs: configsOf(baseMembership, log.snapshotIndex, log.entries),
    electionDeadline: 0,
    // A restarted node may have acknowledged a leader just before it crashed; refusing
    // votes for one election timeout keeps that leader's lease (lease reads) safe.
    lastLeaderContact: ctx.now(),
    failedCampaigns: 0,
    holdAppends: false,
    repairing: rec.repairing === true,
    votes: new Map(),
    hinted: false,
    progress: new Map(),
    synced: 0,
    heartbeatDue: 0,
    checkQuorumDue: 0,
    reads: new ReadIndexQueue(ctx.id),
    readyReads: [],
    readsBeforeTermCommit: [],
    leaseUntil: -Infinity,
    pendingWrites: new Map(),
    pendingAdmin: [],
    transfer: null,
  };
  resetElectionTimer(s);
  return s;
}

/**
 * The configurations that the config entries after index `after` produce, starting from
 * `base`.
 *
 * @example
 * ```ts
 * import { configsOf } from "./node_state.ts";
 * const base = { voters: ["n1"], learners: [] };
 * configsOf(base, 0, [{ index: 1, term: 1, data: { type: "config", change: { type: "add-learner", node: "n2" } } }]);
 * // [{ index: 1, membership: { voters: ["n1"], learners: ["n2"] } }]
 * ```
 */
export function configsOf(base: Membership, after: number, entries: readonly Entry[]): ConfigAt[] {
  const out: ConfigAt[] = [];
  let m = base;
  for (const e of entries) {
    if (e.index <= after || e.data.type !== "config") continue;
    m = applyConfChange(m, e.data.change);
    out.push({ index: e.index, membership: m });
  }
  return out;
}

/**
 * The configuration in effect: the latest in the log, committed or not.
 *
 * @example
 * ```ts ignore
 * import { membership } from "./node_state.ts";
 * membership(s).voters;
 * ```
 */
export function membership(s: RaftState): Membership {
  return s.configs.at(-1)?.membership ?? s.baseMembership;
}

/**
 * Whether this node may campaign: it is a voter in its own configuration, not repairing.
 *
 * @example
 * ```ts ignore
 * import { promotable } from "./node_state.ts";
 * if (promotable(s)) campaign(s, "pre");
 * ```
 */
export function promotable(s: RaftState): boolean {
  return !s.repairing && isVoter(membership(s), s.id);
}

/**
 * The window election timers are drawn from: the configured one, widened to
 * `electionSpreadPerVoterMs` per voter of the configuration in effect, then doubled per
 * campaign that found no leader (at most `electionBackoff` times).
 *
 * @example
 * ```ts ignore
 * import { electionWindow } from "./node_state.ts";
 * const [min, max] = electionWindow(s); // [1000, 6120] for 256 live voters
 * ```
 */
export function electionWindow(s: RaftState): readonly [number, number] {
  const min = s.o.electionMinMs;
  const widened = min + s.o.electionSpreadPerVoterMs * membership(s).voters.length;
  const spread = Math.max(s.o.electionMaxMs, widened) - min;
  return [min, min + spread * 2 ** Math.min(s.failedCampaigns, s.o.electionBackoff)];
}

/**
 * Draws a new randomized election deadline from now.
 *
 * @example
 * ```ts ignore
 * import { resetElectionTimer } from "./node_state.ts";
 * resetElectionTimer(s);
 * ```
 */
export function resetElectionTimer(s: RaftState): void {
  const [min, max] = electionWindow(s);
  s.electionDeadline = s.ctx.now() + min + s.ctx.random() * (max - min);
}

/**
 * Writes term and vote to storage (synced before this input's messages leave).
 *
 * @example
 * ```ts ignore
 * import { saveHardState } from "./node_state.ts";
 * saveHardState(s);
 * ```
 */
export function saveHardState(s: RaftState): void {
  s.ctx.storage.set(HARD_STATE_KEY, { term: s.term, vote: s.vote });
}

/**
 * Changes role, emitting a `role` trace event if it changed.
 *
 * @example
 * ```ts ignore
 * import { setRole } from "./node_state.ts";
 * setRole(s, "leader");
 * ```
 */
export function setRole(s: RaftState, role: RaftRole): void {
  if (s.role === role) return;
  s.role = role;
  s.ctx.emit("role", { role, term: s.term });
}

/**
 * The definite failure a non-leader answers with, naming the leader when known.
 *
 * @example
 * ```ts ignore
 * import { notLeader } from "./node_state.ts";
 * s.ctx.reply(id, notLeader(s));
 * ```
 */
export function notLeader(s: RaftState): Reply {
  return s.leader !== null && s.leader !== s.id
    ? fail("not-leader", "not leader", { leader: s.leader })
    : fail("not-leader", "not leader");
}

/**
 * Whether this node is the only voter (it then needs nobody to commit or read).
 *
 * @example
 * ```ts ignore
 * import { singleVoter } from "./node_state.ts";
 * if (singleVoter(s)) serveRead(s, item);
 * ```
 */
export function singleVoter(s: RaftState): boolean {
  const v = membership(s).voters;
  return v.length === 1 && v[0] === s.id;
}

/**
 * Whether the commit index is at an entry of the current term (the leader's no-op has
 * committed), so it is up to date.
 *
 * @example
 * ```ts ignore
 * import { committedInTerm } from "./node_state.ts";
 * if (!committedInTerm(s)) return;
 * ```
 */
export function committedInTerm(s: RaftState): boolean {
  return s.log.term(s.commit) === s.term;
}

/**
 * Sends a message to a peer.
 *
 * @example
 * ```ts ignore
 * import { send } from "./node_state.ts";
 * send(s, "n2", { type: "timeout-now", term: s.term });
 * ```
 */
export function send(s: RaftState, to: NodeId, m: RaftMessage): void {
  // A leader's append does not rest on the leader's own unsynced entries (thesis
  // §10.2.1): a follower that stores them acknowledges only after its own sync, and the
  // leader counts itself only once `synced` says its copy is durable. So it may leave
  // before the leader's sync; everything else (votes, acknowledgements) waits.
  if (m.type === "append" && s.o.parallelWrite && s.role === "leader") {
    s.ctx.send(to, m, { beforeSync: true });
  } else s.ctx.send(to, m);
}

/**
 * The highest index of the leader's own log that counts towards the commit quorum: all
 * of it without `parallelWrite` (it was synced before anything left), else what the host
 * reported synced.
 *
 * @example
 * ```ts ignore
 * import { selfMatch } from "./node_state.ts";
 * selfMatch(s); // ≤ s.log.lastIndex
 * ```
 */
export function selfMatch(s: RaftState): number {
  return s.o.parallelWrite ? Math.min(s.synced, s.log.lastIndex) : s.log.lastIndex;
}

/**
 * Raises the commit index to `index` (never lowers it) and says so in the trace. What
 * the new index covers is applied when the node has handled its input (`apply.ts`), so
 * that replication needs nothing above it.
 *
 * @example
 * ```ts ignore
 * import { advanceCommit } from "./node_state.ts";
 * advanceCommit(s, 12);
 * ```
 */
export function advanceCommit(s: RaftState, index: number): void {
  if (index <= s.commit) return;
  s.commit = index;
  s.ctx.emit("commit", { index, term: s.term });
}
