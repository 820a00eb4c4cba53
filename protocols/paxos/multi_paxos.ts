/**
 * The `paxos-kv` protocol: Multi-Paxos replicating a log of KV commands.
 *
 * **A stable leader.** A node that hears nothing from a leader for a randomized
 * election timeout becomes a candidate: it runs phase 1 once, with a ballot above every
 * one it has seen, for *all* instances from its first unapplied one on —
 * Prepare(n, from) → Promise(n, accepted, chosen) from a majority. It then owns every
 * future instance and runs only phase 2 per command: Accept(n, [i, v]) to every
 * acceptor, Accepted(n, [i]) back. In steady state that is 2(N−1) messages per command,
 * plus heartbeats.
 *
 * **Gap filling.** The new leader re-proposes, in its own ballot, every instance some
 * promiser reported (the highest-ballot value, or the known decision) and fills the
 * instances nobody accepted anything for with no-ops, so the log has no holes.
 *
 * **Learning.** The leader is the distinguished learner: an instance is chosen when a
 * majority accepted it in the leader's ballot. Accepts and heartbeats carry the
 * leader's commit point; a follower learns instance `i ≤ commit` from its own accepted
 * value when that was accepted in the leader's ballot, and fetches the rest.
 *
 * **Clients.** Only the leader proposes; other nodes answer `fail` with a `leader`
 * hint (definite: nothing was proposed). Commands apply in log order to the KV state
 * machine ({@link applyKvOp} semantics, reads included, so every answer is
 * linearizable); ops with a `seq` are deduplicated per client session. A deposed leader
 * answers `ok` if its command is decided anyway, else `info` after `requestTimeoutMs`.
 *
 * **Forgetting.** Heartbeat acks carry each node's applied index; the leader forgets —
 * and tells everyone to forget — instances that every node has applied, so memory and
 * storage stay bounded in a long run.
 *
 * @module
 */

import { paxosKvMessages } from "./kv_message.ts";
import type { NodeContext, NodeId, Protocol, ProtocolNode, Reply } from "../node.ts";
import { validateKvOp } from "../kv_store.ts";
import {
  accept,
  acceptedFrom,
  type AcceptorState,
  forgetAccepted,
  instanceKey,
  loadAcceptor,
  promise,
} from "./acceptor.ts";
import {
  type Ballot,
  compareBallots,
  formatBallot,
  isBallot,
  memberIndex,
  nextBallot,
  sameBallot,
  ZERO_BALLOT,
} from "./ballot.ts";
import { createLearner, dropTally, type LearnerState, recordAccepted } from "./learner.ts";
import { createLearnJournal, journalLearned, type LearnJournal } from "./learn_journal.ts";
import { applyCommand, cachedReply, type KvState, loadKvState } from "./kv_state.ts";
import {
  isNoop,
  NOOP,
  type PaxosCommand,
  type PaxosKvMessage,
  type PaxosKvOp,
  type PaxosValue,
} from "./kv_message.ts";
import { parsePaxosKvOptions, type PaxosKvOptions } from "./options.ts";
import { majority } from "./quorum.ts";
import {
  createFixedTimeout,
  type FixedTimeoutDetector,
  heartbeatArrived,
  isSuspected,
} from "../heartbeat/fixed_timeout.ts";
import { fail, info } from "../reply.ts";
import { agreementInvariants } from "./agreement.ts";
import { KV_OPERATIONS } from "../operations.ts";

/**
 * The role a node plays right now.
 *
 * @example
 * ```ts
 * import type { PaxosRole } from "./multi_paxos.ts";
 * const r: PaxosRole = "leader";
 * ```
 */
export type PaxosRole = "follower" | "candidate" | "leader";

/**
 * A `paxos-kv` node, with white-box access for checkers and tests.
 *
 * @example
 * ```ts
 * import type { PaxosKvNode } from "./multi_paxos.ts";
 * function retained(n: PaxosKvNode): number {
 *   return n.retained();
 * }
 * ```
 */
export interface PaxosKvNode extends ProtocolNode<PaxosKvMessage, PaxosKvOp> {
  /** What this node learned, for the agreement checker. */
  learnJournal(): LearnJournal;
  /** Instances held in memory (accepted values plus learned values not yet forgotten). */
  retained(): number;
  dump(): Readonly<Record<string, unknown>>;
}

interface Pending {
  readonly requests: number[];
  /** When to give up with `info` (set once this node is no longer the leader). */
  deadline: number | null;
}

interface Inflight {
  readonly value: PaxosValue;
  sentAt: number;
}

const P = "pk/";
const LOG = P + "log/";

type Msg<T extends PaxosKvMessage["type"]> = Extract<PaxosKvMessage, { type: T }>;

/**
 * A `paxos-kv` node's whole state: what it recovered from storage (acceptor, KV state,
 * applied index, learned log) and what it holds while running. The functions below each
 * take it first — one shape for every protocol node: state plus plain functions, no
 * closure.
 */
interface MpState {
  readonly ctx: NodeContext<PaxosKvMessage>;
  readonly o: PaxosKvOptions;
  /** This node's index among the members, for ballots. */
  readonly me: number;
  readonly peers: readonly NodeId[];
  readonly quorum: number;
  readonly storage: NodeContext<PaxosKvMessage>["storage"];
  /** Distinguishes this incarnation's request ids from a previous one's. */
  readonly nonce: string;
  // Durable.
  readonly acceptor: AcceptorState<PaxosValue>;
  readonly kv: KvState;
  applied: number;
  /** Learned (chosen) values not yet forgotten. */
  readonly log: Map<number, PaxosValue>;
  readonly journal: LearnJournal;
  // Volatile.
  role: PaxosRole;
  /** The ballot this node leads (or campaigns) with. */
  ballot: Ballot;
  highest: Ballot;
  leader: NodeId | null;
  leaderBallot: Ballot;
  detector: FixedTimeoutDetector;
  elections: number;
  nextFetchAt: number;
  // Candidate.
  electionFrom: number;
  promises: Map<NodeId, Msg<"promise">>;
  // Leader.
  learner: LearnerState<PaxosValue>;
  readonly inflight: Map<number, Inflight>;
  /**
   * Pipelining with a window (as Raft's flow control does): at most `maxInflight` accept
   * rounds are outstanding; commands proposed meanwhile wait and leave together in one
   * accept, so a busy leader sends a few large accepts instead of one per command.
   */
  readonly unsent: [number, PaxosValue][];
  /** Instance → accept round. */
  readonly roundOf: Map<number, number>;
  /** Round → instances not yet chosen. */
  readonly roundLeft: Map<number, number>;
  nextRound: number;
  nextInstance: number;
  nextHeartbeat: number;
  leaderSince: number;
  forgetPoint: number;
  readonly peerApplied: Map<NodeId, number>;
  readonly lastAck: Map<NodeId, number>;
  readonly pending: Map<string, Pending>;
}

function electionTimeout(ctx: NodeContext<PaxosKvMessage>, o: PaxosKvOptions): number {
  return o.electionMinMs + ctx.random() * (o.electionMaxMs - o.electionMinMs);
}

/** A node's state, recovered from its storage (a node that has some is restarting). */
function createState(ctx: NodeContext<PaxosKvMessage>): MpState {
  const o = parsePaxosKvOptions(ctx.options);
  const me = memberIndex(ctx.id, ctx.peers);
  const peers = ctx.peers;
  const quorum = majority(peers.length + 1);
  const storage = ctx.storage;
  // Distinguishes this incarnation's request ids from a previous one's.
  const nonce = Math.floor(ctx.random() * 2 ** 31).toString(36);

  // --- durable state ---
  const acceptor = loadAcceptor<PaxosValue>(storage, P);
  const kv = loadKvState(storage, P, o.maxSessions);
  const applied = (storage.get(P + "applied") as number | undefined) ?? 0;
  const log = new Map<number, PaxosValue>();
  for (const k of storage.keys(LOG)) {
    log.set(Number(k.slice(LOG.length)), storage.get(k) as PaxosValue);
  }
  const journal = createLearnJournal();
  for (const [i, v] of log) journalLearned(journal, i, v);

  // --- volatile state ---
  const detector = createFixedTimeout(["leader"], electionTimeout(ctx, o), ctx.now());
  return {
    ctx,
    o,
    me,
    peers,
    quorum,
    storage,
    nonce,
    acceptor,
    kv,
    applied,
    log,
    journal,
    role: "follower",
    ballot: ZERO_BALLOT,
    highest: acceptor.promised,
    leader: null,
    leaderBallot: ZERO_BALLOT,
    detector,
    elections: 0,
    nextFetchAt: 0,
    electionFrom: 0,
    promises: new Map(),
    learner: createLearner(quorum),
    inflight: new Map(),
    unsent: [],
    roundOf: new Map(),
    roundLeft: new Map(),
    nextRound: 0,
    nextInstance: applied + 1,
    nextHeartbeat: 0,
    leaderSince: 0,
    forgetPoint: Math.max(0, acceptor.floor),
    peerApplied: new Map(),
    lastAck: new Map(),
    pending: new Map(),
  };
}

function resetWindow(s: MpState) {
  s.unsent.length = 0;
  s.roundOf.clear();
  s.roundLeft.clear();
}

function see(s: MpState, b: Ballot) {
  if (compareBallots(b, s.highest) > 0) s.highest = b;
}

function resetElectionTimer(s: MpState) {
  s.detector = createFixedTimeout(["leader"], electionTimeout(s.ctx, s.o), s.ctx.now());
}

function setRole(s: MpState, r: PaxosRole) {
  if (r === s.role) return;
  s.role = r;
  s.ctx.emit("role", { role: r, ballot: formatBallot(s.ballot) });
}

function stepDown(s: MpState) {
  if (s.role === "follower") return;
  setRole(s, "follower");
  s.leader = null;
  s.inflight.clear();
  resetWindow(s);
  s.learner = createLearner(s.quorum);
  const deadline = s.ctx.now() + s.o.requestTimeoutMs;
  for (const p of s.pending.values()) p.deadline ??= deadline;
  resetElectionTimer(s);
}

// --- learning and applying ---

function learnChosen(s: MpState, i: number, v: PaxosValue) {
  if (i <= s.applied || s.log.has(i) || i <= s.acceptor.floor) return;
  s.log.set(i, v);
  s.storage.set(instanceKey(LOG, i), v);
  journalLearned(s.journal, i, v);
}

function applyReady(s: MpState) {
  const from = s.applied;
  for (let v = s.log.get(s.applied + 1); v !== undefined; v = s.log.get(s.applied + 1)) {
    s.applied++;
    if (!isNoop(v)) {
      const reply = applyCommand(s.kv, s.storage, v);
      const p = s.pending.get(v.id);
      if (p !== undefined) {
        s.pending.delete(v.id);
        for (const id of p.requests) s.ctx.reply(id, reply);
      }
    }
  }
  if (s.applied !== from) s.storage.set(P + "applied", s.applied);
}

// Learns every instance up to `commit` this node can vouch for: its own acceptance in
// the ballot of the leader that reports the commit. Fetches what it cannot.
function learnUpTo(s: MpState, commit: number, b: Ballot, from: NodeId) {
  let missing = false;
  for (let i = s.applied + 1; i <= commit; i++) {
    if (s.log.has(i)) continue;
    const a = s.acceptor.accepted.get(i);
    if (a !== undefined && sameBallot(a.ballot, b)) learnChosen(s, i, a.value);
    else {
      missing = true;
      break;
    }
  }
  applyReady(s);
  if (missing && s.ctx.now() >= s.nextFetchAt) {
    s.nextFetchAt = s.ctx.now() + s.o.retransmitMs;
    s.ctx.send(from, { type: "fetch", from: s.applied + 1 });
  }
}

function forget(s: MpState, upTo: number) {
  const f = Math.min(upTo, s.applied);
  if (!s.o.forget || f <= s.acceptor.floor) return;
  for (let i = s.acceptor.floor + 1; i <= f; i++) {
    if (s.log.delete(i)) s.storage.delete(instanceKey(LOG, i));
  }
  forgetAccepted(s.acceptor, s.storage, f);
}

// --- acceptor ---

function promisePayload(s: MpState, b: Ballot, from: number): Msg<"promise"> {
  const chosen: [number, PaxosValue][] = [];
  for (const [i, v] of s.log) if (i >= from) chosen.push([i, v]);
  chosen.sort((x, y) => x[0] - y[0]);
  const accepted = acceptedFrom(s.acceptor, from).filter(([i]) => !s.log.has(i));
  return { type: "promise", ballot: b, accepted, chosen, applied: s.applied };
}

// Refuse to help depose a leader we still hear from (or are, with a live quorum):
// a node that cannot hear the leader — a deaf or partitioned one — must not be able
// to disrupt a healthy cluster. Refusing a promise is always safe.
function leaderIsAlive(s: MpState, candidate: NodeId): boolean {
  const now = s.ctx.now();
  if (s.role === "leader") return hasQuorum(s, now);
  const heard = s.detector.last.get("leader") ?? -Infinity;
  return s.leader !== null && s.leader !== candidate && now - heard < s.o.electionMinMs;
}

function onPrepare(s: MpState, from: NodeId, m: Msg<"prepare">) {
  see(s, m.ballot);
  if (leaderIsAlive(s, from) || !promise(s.acceptor, s.storage, m.ballot)) {
    s.ctx.send(from, { type: "nack", ballot: m.ballot, promised: s.acceptor.promised });
    return;
  }
  if (s.role !== "follower" && compareBallots(m.ballot, s.ballot) > 0) stepDown(s);
  s.ctx.send(from, promisePayload(s, m.ballot, m.from));
}

function followLeader(s: MpState, from: NodeId, b: Ballot) {
  if (s.role !== "follower" && compareBallots(b, s.ballot) > 0) stepDown(s);
  if (s.role === "follower") {
    if (s.leader !== from) s.ctx.emit("leader", { leader: from, ballot: formatBallot(b) });
    s.leader = from;
    s.leaderBallot = b;
    heartbeatArrived(s.detector, "leader", s.ctx.now());
  }
}

function onAccept(s: MpState, from: NodeId, m: Msg<"accept">) {
  see(s, m.ballot);
  if (!promise(s.acceptor, s.storage, m.ballot)) {
    s.ctx.send(from, { type: "nack", ballot: m.ballot, promised: s.acceptor.promised });
    return;
  }
  followLeader(s, from, m.ballot);
  const instances: number[] = [];
  for (const [i, v] of m.entries) {
    // An instance this node already applied is decided; its log entry answers for it.
    if (i > s.applied) accept(s.acceptor, s.storage, m.ballot, i, v);
    instances.push(i);
  }
  learnUpTo(s, m.commit, m.ballot, from);
  s.ctx.send(from, { type: "accepted", ballot: m.ballot, instances, applied: s.applied });
}

function onHeartbeat(s: MpState, from: NodeId, m: Msg<"heartbeat">) {
  see(s, m.ballot);
  if (compareBallots(m.ballot, s.acceptor.promised) < 0) {
    s.ctx.send(from, { type: "nack", ballot: m.ballot, promised: s.acceptor.promised });
    return;
  }
  followLeader(s, from, m.ballot);
  learnUpTo(s, m.commit, m.ballot, from);
  forget(s, m.forget);
  s.ctx.send(from, { type: "heartbeat-ack", ballot: m.ballot, applied: s.applied });
}

// --- candidate ---

function startElection(s: MpState) {
  s.elections++;
  see(s, s.acceptor.promised);
  s.ballot = nextBallot(s.highest, s.me);
  s.highest = s.ballot;
  s.leader = null;
  setRole(s, "candidate");
  resetElectionTimer(s);
  promise(s.acceptor, s.storage, s.ballot);
  s.electionFrom = s.applied + 1;
  s.promises = new Map([[s.ctx.id, promisePayload(s, s.ballot, s.electionFrom)]]);
  s.ctx.emit("election", { ballot: formatBallot(s.ballot), from: s.electionFrom });
  for (const p of s.peers) {
    s.ctx.send(p, { type: "prepare", ballot: s.ballot, from: s.electionFrom });
  }
  if (s.promises.size >= s.quorum) becomeLeader(s);
}

function onPromise(s: MpState, from: NodeId, m: Msg<"promise">) {
  if (s.role !== "candidate" || !sameBallot(m.ballot, s.ballot)) return;
  s.promises.set(from, m);
  s.peerApplied.set(from, Math.max(s.peerApplied.get(from) ?? 0, m.applied));
  if (s.promises.size >= s.quorum) becomeLeader(s);
}

function becomeLeader(s: MpState) {
  setRole(s, "leader");
  s.leader = s.ctx.id;
  s.leaderBallot = s.ballot;
  s.leaderSince = s.ctx.now();
  s.learner = createLearner(s.quorum);
  s.inflight.clear();
  resetWindow(s);
  s.lastAck.clear();
  // Merge the promises: known decisions first, else the highest-ballot acceptance.
  const known = new Map<number, PaxosValue>();
  const best = new Map<number, { ballot: Ballot; value: PaxosValue }>();
  let top = s.applied;
  for (const p of s.promises.values()) {
    for (const [i, v] of p.chosen) {
      known.set(i, v);
      top = Math.max(top, i);
    }
    for (const [i, b, v] of p.accepted) {
      const cur = best.get(i);
      if (cur === undefined || compareBallots(b, cur.ballot) > 0) {
        best.set(i, { ballot: b, value: v });
      }
      top = Math.max(top, i);
    }
  }
  s.promises = new Map();
  const entries: [number, PaxosValue][] = [];
  const now = s.ctx.now();
  for (let i = s.electionFrom; i <= top; i++) {
    const decided = s.log.get(i) ?? known.get(i);
    const v = decided ?? best.get(i)?.value ?? NOOP;
    if (i <= s.applied) continue;
    accept(s.acceptor, s.storage, s.ballot, i, v);
    entries.push([i, v]);
    if (decided !== undefined) learnChosen(s, i, decided);
    else {
      s.inflight.set(i, { value: v, sentAt: now });
      recordAccepted(s.learner, i, s.ctx.id, s.ballot, v);
    }
  }
  s.nextInstance = top + 1;
  s.ctx.emit("leader", {
    leader: s.ctx.id,
    ballot: formatBallot(s.ballot),
    refilled: entries.length,
    noops: entries.filter(([, v]) => isNoop(v)).length,
  });
  applyReady(s);
  for (const p of s.peers) {
    s.ctx.send(p, { type: "accept", ballot: s.ballot, entries, commit: s.applied });
  }
  s.nextHeartbeat = now + s.o.heartbeatMs;
  if (s.quorum === 1) { for (const [i, f] of [...s.inflight]) choose(s, i, f.value); }
}

// --- leader ---

function hasQuorum(s: MpState, now: number): boolean {
  if (now - s.leaderSince < s.o.electionMinMs) return true;
  let alive = 1;
  for (const p of s.peers) {
    if (now - (s.lastAck.get(p) ?? -Infinity) < s.o.electionMinMs) alive++;
  }
  return alive >= s.quorum;
}

function choose(s: MpState, i: number, v: PaxosValue) {
  s.inflight.delete(i);
  dropTally(s.learner, i);
  learnChosen(s, i, v);
  applyReady(s);
  const r = s.roundOf.get(i);
  if (r === undefined) return;
  s.roundOf.delete(i);
  const left = s.roundLeft.get(r)! - 1;
  if (left > 0) return void s.roundLeft.set(r, left);
  s.roundLeft.delete(r);
  flushAccepts(s);
}

function flushAccepts(s: MpState) {
  if (s.unsent.length === 0 || s.roundLeft.size >= s.o.maxInflight || s.role !== "leader") {
    return;
  }
  const entries = s.unsent.splice(0);
  const round = s.nextRound++;
  s.roundLeft.set(round, entries.length);
  const now = s.ctx.now();
  for (const [i] of entries) {
    s.roundOf.set(i, round);
    const f = s.inflight.get(i);
    if (f !== undefined) f.sentAt = now;
  }
  for (const p of s.peers) {
    s.ctx.send(p, { type: "accept", ballot: s.ballot, entries, commit: s.applied });
  }
}

function propose(s: MpState, v: PaxosValue) {
  const i = s.nextInstance++;
  if (!accept(s.acceptor, s.storage, s.ballot, i, v)) return stepDown(s);
  // Not sent yet: the retransmit timer starts when the window lets it go.
  s.inflight.set(i, { value: v, sentAt: Infinity });
  recordAccepted(s.learner, i, s.ctx.id, s.ballot, v);
  if (s.quorum === 1) return choose(s, i, v);
  s.unsent.push([i, v]);
  flushAccepts(s);
}

function onAccepted(s: MpState, from: NodeId, m: Msg<"accepted">) {
  if (s.role !== "leader" || !sameBallot(m.ballot, s.ballot)) return;
  s.lastAck.set(from, s.ctx.now());
  s.peerApplied.set(from, Math.max(s.peerApplied.get(from) ?? 0, m.applied));
  for (const i of m.instances) {
    const f = s.inflight.get(i);
    if (f === undefined) continue;
    const chosen = recordAccepted(s.learner, i, from, s.ballot, f.value);
    if (chosen !== undefined) choose(s, i, chosen.value);
  }
}

function leaderTick(s: MpState, now: number) {
  if (!hasQuorum(s, now)) {
    s.ctx.emit("step-down", { reason: "lost contact with a majority" });
    return stepDown(s);
  }
  if (now >= s.nextHeartbeat) {
    s.nextHeartbeat = now + s.o.heartbeatMs;
    if (s.o.forget && s.peers.every((p) => s.peerApplied.has(p))) {
      let min = s.applied;
      for (const p of s.peers) min = Math.min(min, s.peerApplied.get(p)!);
      s.forgetPoint = Math.max(s.forgetPoint, min);
      forget(s, s.forgetPoint);
    }
    for (const p of s.peers) {
      s.ctx.send(p, {
        type: "heartbeat",
        ballot: s.ballot,
        commit: s.applied,
        forget: s.forgetPoint,
      });
    }
  }
  // Resend accepts nobody answered in time (lost messages, a restarted acceptor).
  const late: [number, PaxosValue][] = [];
  for (const [i, f] of s.inflight) {
    if (now - f.sentAt >= s.o.retransmitMs) {
      f.sentAt = now;
      late.push([i, f.value]);
    }
  }
  if (late.length > 0) {
    for (const p of s.peers) {
      s.ctx.send(p, { type: "accept", ballot: s.ballot, entries: late, commit: s.applied });
    }
  }
}

function onNack(s: MpState, m: Msg<"nack">) {
  see(s, m.promised);
  if (
    s.role !== "follower" && sameBallot(m.ballot, s.ballot) &&
    compareBallots(m.promised, s.ballot) > 0
  ) {
    s.ctx.emit("pre-empted", { ballot: formatBallot(s.ballot), by: formatBallot(m.promised) });
    stepDown(s);
  }
}

function onFetch(s: MpState, from: NodeId, m: Msg<"fetch">) {
  const entries: [number, PaxosValue][] = [];
  for (let i = Math.max(m.from, s.acceptor.floor + 1); entries.length < s.o.catchUpBatch; i++) {
    const v = s.log.get(i);
    if (v === undefined) break;
    entries.push([i, v]);
  }
  if (entries.length > 0) s.ctx.send(from, { type: "chosen", entries, commit: s.applied });
}

function onChosen(s: MpState, from: NodeId, m: Msg<"chosen">) {
  for (const [i, v] of m.entries) learnChosen(s, i, v);
  applyReady(s);
  if (m.entries.length >= s.o.catchUpBatch && s.applied < m.commit) {
    s.ctx.send(from, { type: "fetch", from: s.applied + 1 });
  }
}

function handle(s: MpState, from: NodeId, m: PaxosKvMessage) {
  if ("ballot" in m && !isBallot(m.ballot)) return; // tampered or malformed
  switch (m.type) {
    case "prepare":
      return onPrepare(s, from, m);
    case "promise":
      return onPromise(s, from, m);
    case "accept":
      return onAccept(s, from, m);
    case "accepted":
      return onAccepted(s, from, m);
    case "nack":
      return isBallot(m.promised) ? onNack(s, m) : undefined;
    case "heartbeat":
      return onHeartbeat(s, from, m);
    case "heartbeat-ack":
      if (s.role === "leader" && sameBallot(m.ballot, s.ballot)) {
        s.lastAck.set(from, s.ctx.now());
        s.peerApplied.set(from, Math.max(s.peerApplied.get(from) ?? 0, m.applied));
      }
      return;
    case "fetch":
      return onFetch(s, from, m);
    case "chosen":
      return onChosen(s, from, m);
  }
}

function notLeader(s: MpState, id: number, error: string): void {
  s.ctx.reply(
    id,
    fail("not-leader", error, { leader: s.leader !== s.ctx.id ? s.leader : null }),
  );
}

function createNode(ctx: NodeContext<PaxosKvMessage>): PaxosKvNode {
  const s = createState(ctx);
  applyReady(s);

  return {
    learnJournal: () => s.journal,
    retained: () => s.log.size + s.acceptor.accepted.size,
    dump: () => Object.fromEntries(s.kv.data),
    tick() {
      const now = s.ctx.now();
      if (s.role === "leader") leaderTick(s, now);
      else if (isSuspected(s.detector, "leader", now)) startElection(s);
      for (const [id, p] of s.pending) {
        if (p.deadline !== null && now >= p.deadline) {
          s.pending.delete(id);
          for (const r of p.requests) s.ctx.reply(r, info("crash", "leadership lost"));
        }
      }
    },
    message(from, m) {
      handle(s, from, m);
    },
    request(req) {
      const op = req.op;
      const bad = validateKvOp(op);
      if (bad !== null) return s.ctx.reply(req.id, fail("malformed-request", bad));
      const seq = op.seq;
      if (seq !== undefined && !(Number.isSafeInteger(seq) && seq > 0)) {
        return s.ctx.reply(req.id, fail("malformed-request", "seq must be a positive integer"));
      }
      if (s.role !== "leader") {
        return notLeader(s, req.id, s.leader === null ? "no leader known" : "not the leader");
      }
      if (seq !== undefined) {
        const done: Reply | undefined = cachedReply(s.kv, req.client, seq);
        if (done !== undefined) return s.ctx.reply(req.id, done);
      }
      const id = seq !== undefined ? `c${req.client}:${seq}` : `${s.ctx.id}.${s.nonce}.${req.id}`;
      const p = s.pending.get(id);
      if (p !== undefined) {
        p.requests.push(req.id); // a retry of a command already in flight
        return;
      }
      s.pending.set(id, { requests: [req.id], deadline: null });
      const { seq: _seq, ...kvOp } = op;
      const cmd: PaxosCommand = seq !== undefined
        ? { id, client: req.client, seq, op: kvOp as PaxosCommand["op"] }
        : { id, client: req.client, op: kvOp as PaxosCommand["op"] };
      propose(s, cmd);
    },
    status: () => ({
      role: s.role,
      leader: s.leader,
      ballot: formatBallot(s.role === "follower" ? s.leaderBallot : s.ballot),
      term: (s.role === "follower" ? s.leaderBallot : s.ballot)[0],
      promised: formatBallot(s.acceptor.promised),
      commitIndex: s.applied,
      applied: s.applied,
      nextInstance: s.role === "leader" ? s.nextInstance : undefined,
      inflight: s.inflight.size,
      retained: s.log.size + s.acceptor.accepted.size,
      forgotten: Math.max(0, s.acceptor.floor),
      elections: s.elections,
      keys: s.kv.data.size,
    }),
  };
}

/**
 * Multi-Paxos KV: a stable leader, phase 2 only in steady state, no-op gap filling,
 * client sessions and forgetting of instances every node applied.
 *
 * @example
 * ```ts
 * import { paxosKv } from "./multi_paxos.ts";
 * paxosKv.name; // "paxos-kv"
 * ```
 */
export const paxosKv: Protocol<PaxosKvMessage, PaxosKvOp> = {
  name: "paxos-kv",
  operations: KV_OPERATIONS,
  description: "Multi-Paxos replicated KV: stable leader, no-op gap filling, forgetting",
  tickMs: 10,
  liveOptions: {
    heartbeatMs: 100,
    electionMinMs: 1000,
    electionMaxMs: 2000,
    requestTimeoutMs: 5000,
  },
  events: ["election", "leader", "pre-empted", "role", "step-down"],
  invariants: agreementInvariants,
  messages: paxosKvMessages,
  create: createNode,
};
