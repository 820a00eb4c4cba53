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

import type { NodeContext, NodeId, Protocol, ProtocolNode, Reply } from "../node.ts";
import { validateKvOp } from "../kv_store.ts";
import {
  accept,
  acceptedFrom,
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
import { applyCommand, cachedReply, loadKvState } from "./kv_state.ts";
import {
  isNoop,
  NOOP,
  type PaxosCommand,
  type PaxosKvMessage,
  type PaxosKvOp,
  type PaxosValue,
} from "./kv_message.ts";
import { parsePaxosKvOptions } from "./options.ts";
import { majority } from "./quorum.ts";
import { createFixedTimeout, heartbeatArrived, isSuspected } from "../heartbeat/fixed_timeout.ts";
import { fail, info } from "../reply.ts";
import { agreementInvariants } from "./agreement.ts";

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

function createNode(ctx: NodeContext<PaxosKvMessage>): PaxosKvNode {
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
  let applied = (storage.get(P + "applied") as number | undefined) ?? 0;
  const log = new Map<number, PaxosValue>();
  for (const k of storage.keys(LOG)) {
    log.set(Number(k.slice(LOG.length)), storage.get(k) as PaxosValue);
  }
  const journal = createLearnJournal();
  for (const [i, v] of log) journalLearned(journal, i, v);

  // --- volatile state ---
  let role: PaxosRole = "follower";
  let ballot: Ballot = ZERO_BALLOT; // the ballot this node leads (or campaigns) with
  let highest: Ballot = acceptor.promised;
  let leader: NodeId | null = null;
  let leaderBallot: Ballot = ZERO_BALLOT;
  const electionTimeout = () =>
    o.electionMinMs + ctx.random() * (o.electionMaxMs - o.electionMinMs);
  let detector = createFixedTimeout(["leader"], electionTimeout(), ctx.now());
  let elections = 0;
  let nextFetchAt = 0;
  // Candidate.
  let electionFrom = 0;
  let promises = new Map<NodeId, Extract<PaxosKvMessage, { type: "promise" }>>();
  // Leader.
  let learner: LearnerState<PaxosValue> = createLearner(quorum);
  const inflight = new Map<number, Inflight>();
  // Pipelining with a window (as Raft's flow control does): at most `maxInflight` accept
  // rounds are outstanding; commands proposed meanwhile wait and leave together in one
  // accept, so a busy leader sends a few large accepts instead of one per command.
  const unsent: [number, PaxosValue][] = [];
  const roundOf = new Map<number, number>(); // instance → accept round
  const roundLeft = new Map<number, number>(); // round → instances not yet chosen
  let nextRound = 0;
  const resetWindow = () => {
    unsent.length = 0;
    roundOf.clear();
    roundLeft.clear();
  };
  let nextInstance = applied + 1;
  let nextHeartbeat = 0;
  let leaderSince = 0;
  let forgetPoint = Math.max(0, acceptor.floor);
  const peerApplied = new Map<NodeId, number>();
  const lastAck = new Map<NodeId, number>();
  const pending = new Map<string, Pending>();

  const see = (b: Ballot) => {
    if (compareBallots(b, highest) > 0) highest = b;
  };

  const resetElectionTimer = () => {
    detector = createFixedTimeout(["leader"], electionTimeout(), ctx.now());
  };

  const setRole = (r: PaxosRole) => {
    if (r === role) return;
    role = r;
    ctx.emit("role", { role: r, ballot: formatBallot(ballot) });
  };

  const stepDown = () => {
    if (role === "follower") return;
    setRole("follower");
    leader = null;
    inflight.clear();
    resetWindow();
    learner = createLearner(quorum);
    const deadline = ctx.now() + o.requestTimeoutMs;
    for (const p of pending.values()) p.deadline ??= deadline;
    resetElectionTimer();
  };

  // --- learning and applying ---

  const learnChosen = (i: number, v: PaxosValue) => {
    if (i <= applied || log.has(i) || i <= acceptor.floor) return;
    log.set(i, v);
    storage.set(instanceKey(LOG, i), v);
    journalLearned(journal, i, v);
  };

  const applyReady = () => {
    const from = applied;
    for (let v = log.get(applied + 1); v !== undefined; v = log.get(applied + 1)) {
      applied++;
      if (!isNoop(v)) {
        const reply = applyCommand(kv, storage, v);
        const p = pending.get(v.id);
        if (p !== undefined) {
          pending.delete(v.id);
          for (const id of p.requests) ctx.reply(id, reply);
        }
      }
    }
    if (applied !== from) storage.set(P + "applied", applied);
  };

  // Learns every instance up to `commit` this node can vouch for: its own acceptance in
  // the ballot of the leader that reports the commit. Fetches what it cannot.
  const learnUpTo = (commit: number, b: Ballot, from: NodeId) => {
    let missing = false;
    for (let i = applied + 1; i <= commit; i++) {
      if (log.has(i)) continue;
      const a = acceptor.accepted.get(i);
      if (a !== undefined && sameBallot(a.ballot, b)) learnChosen(i, a.value);
      else {
        missing = true;
        break;
      }
    }
    applyReady();
    if (missing && ctx.now() >= nextFetchAt) {
      nextFetchAt = ctx.now() + o.retransmitMs;
      ctx.send(from, { type: "fetch", from: applied + 1 });
    }
  };

  const forget = (upTo: number) => {
    const f = Math.min(upTo, applied);
    if (!o.forget || f <= acceptor.floor) return;
    for (let i = acceptor.floor + 1; i <= f; i++) {
      if (log.delete(i)) storage.delete(instanceKey(LOG, i));
    }
    forgetAccepted(acceptor, storage, f);
  };

  // --- acceptor ---

  const promisePayload = (
    b: Ballot,
    from: number,
  ): Extract<PaxosKvMessage, { type: "promise" }> => {
    const chosen: [number, PaxosValue][] = [];
    for (const [i, v] of log) if (i >= from) chosen.push([i, v]);
    chosen.sort((x, y) => x[0] - y[0]);
    const accepted = acceptedFrom(acceptor, from).filter(([i]) => !log.has(i));
    return { type: "promise", ballot: b, accepted, chosen, applied };
  };

  // Refuse to help depose a leader we still hear from (or are, with a live quorum):
  // a node that cannot hear the leader — a deaf or partitioned one — must not be able
  // to disrupt a healthy cluster. Refusing a promise is always safe.
  const leaderIsAlive = (candidate: NodeId): boolean => {
    const now = ctx.now();
    if (role === "leader") return hasQuorum(now);
    const heard = detector.last.get("leader") ?? -Infinity;
    return leader !== null && leader !== candidate && now - heard < o.electionMinMs;
  };

  const onPrepare = (from: NodeId, m: Extract<PaxosKvMessage, { type: "prepare" }>) => {
    see(m.ballot);
    if (leaderIsAlive(from) || !promise(acceptor, storage, m.ballot)) {
      ctx.send(from, { type: "nack", ballot: m.ballot, promised: acceptor.promised });
      return;
    }
    if (role !== "follower" && compareBallots(m.ballot, ballot) > 0) stepDown();
    ctx.send(from, promisePayload(m.ballot, m.from));
  };

  const followLeader = (from: NodeId, b: Ballot) => {
    if (role !== "follower" && compareBallots(b, ballot) > 0) stepDown();
    if (role === "follower") {
      if (leader !== from) ctx.emit("leader", { leader: from, ballot: formatBallot(b) });
      leader = from;
      leaderBallot = b;
      heartbeatArrived(detector, "leader", ctx.now());
    }
  };

  const onAccept = (from: NodeId, m: Extract<PaxosKvMessage, { type: "accept" }>) => {
    see(m.ballot);
    if (!promise(acceptor, storage, m.ballot)) {
      ctx.send(from, { type: "nack", ballot: m.ballot, promised: acceptor.promised });
      return;
    }
    followLeader(from, m.ballot);
    const instances: number[] = [];
    for (const [i, v] of m.entries) {
      // An instance this node already applied is decided; its log entry answers for it.
      if (i > applied) accept(acceptor, storage, m.ballot, i, v);
      instances.push(i);
    }
    learnUpTo(m.commit, m.ballot, from);
    ctx.send(from, { type: "accepted", ballot: m.ballot, instances, applied });
  };

  const onHeartbeat = (from: NodeId, m: Extract<PaxosKvMessage, { type: "heartbeat" }>) => {
    see(m.ballot);
    if (compareBallots(m.ballot, acceptor.promised) < 0) {
      ctx.send(from, { type: "nack", ballot: m.ballot, promised: acceptor.promised });
      return;
    }
    followLeader(from, m.ballot);
    learnUpTo(m.commit, m.ballot, from);
    forget(m.forget);
    ctx.send(from, { type: "heartbeat-ack", ballot: m.ballot, applied });
  };

  // --- candidate ---

  const startElection = () => {
    elections++;
    see(acceptor.promised);
    ballot = nextBallot(highest, me);
    highest = ballot;
    leader = null;
    setRole("candidate");
    resetElectionTimer();
    promise(acceptor, storage, ballot);
    electionFrom = applied + 1;
    promises = new Map([[ctx.id, promisePayload(ballot, electionFrom)]]);
    ctx.emit("election", { ballot: formatBallot(ballot), from: electionFrom });
    for (const p of peers) ctx.send(p, { type: "prepare", ballot, from: electionFrom });
    if (promises.size >= quorum) becomeLeader();
  };

  const onPromise = (from: NodeId, m: Extract<PaxosKvMessage, { type: "promise" }>) => {
    if (role !== "candidate" || !sameBallot(m.ballot, ballot)) return;
    promises.set(from, m);
    peerApplied.set(from, Math.max(peerApplied.get(from) ?? 0, m.applied));
    if (promises.size >= quorum) becomeLeader();
  };

  const becomeLeader = () => {
    setRole("leader");
    leader = ctx.id;
    leaderBallot = ballot;
    leaderSince = ctx.now();
    learner = createLearner(quorum);
    inflight.clear();
    resetWindow();
    lastAck.clear();
    // Merge the promises: known decisions first, else the highest-ballot acceptance.
    const known = new Map<number, PaxosValue>();
    const best = new Map<number, { ballot: Ballot; value: PaxosValue }>();
    let top = applied;
    for (const p of promises.values()) {
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
    promises = new Map();
    const entries: [number, PaxosValue][] = [];
    const now = ctx.now();
    for (let i = electionFrom; i <= top; i++) {
      const decided = log.get(i) ?? known.get(i);
      const v = decided ?? best.get(i)?.value ?? NOOP;
      if (i <= applied) continue;
      accept(acceptor, storage, ballot, i, v);
      entries.push([i, v]);
      if (decided !== undefined) learnChosen(i, decided);
      else {
        inflight.set(i, { value: v, sentAt: now });
        recordAccepted(learner, i, ctx.id, ballot, v);
      }
    }
    nextInstance = top + 1;
    ctx.emit("leader", {
      leader: ctx.id,
      ballot: formatBallot(ballot),
      refilled: entries.length,
      noops: entries.filter(([, v]) => isNoop(v)).length,
    });
    applyReady();
    for (const p of peers) ctx.send(p, { type: "accept", ballot, entries, commit: applied });
    nextHeartbeat = now + o.heartbeatMs;
    if (quorum === 1) { for (const [i, f] of [...inflight]) choose(i, f.value); }
  };

  // --- leader ---

  const hasQuorum = (now: number): boolean => {
    if (now - leaderSince < o.electionMinMs) return true;
    let alive = 1;
    for (const p of peers) if (now - (lastAck.get(p) ?? -Infinity) < o.electionMinMs) alive++;
    return alive >= quorum;
  };

  const choose = (i: number, v: PaxosValue) => {
    inflight.delete(i);
    dropTally(learner, i);
    learnChosen(i, v);
    applyReady();
    const r = roundOf.get(i);
    if (r === undefined) return;
    roundOf.delete(i);
    const left = roundLeft.get(r)! - 1;
    if (left > 0) return void roundLeft.set(r, left);
    roundLeft.delete(r);
    flushAccepts();
  };

  const flushAccepts = () => {
    if (unsent.length === 0 || roundLeft.size >= o.maxInflight || role !== "leader") return;
    const entries = unsent.splice(0);
    const round = nextRound++;
    roundLeft.set(round, entries.length);
    const now = ctx.now();
    for (const [i] of entries) {
      roundOf.set(i, round);
      const f = inflight.get(i);
      if (f !== undefined) f.sentAt = now;
    }
    for (const p of peers) ctx.send(p, { type: "accept", ballot, entries, commit: applied });
  };

  const propose = (v: PaxosValue) => {
    const i = nextInstance++;
    if (!accept(acceptor, storage, ballot, i, v)) return stepDown();
    // Not sent yet: the retransmit timer starts when the window lets it go.
    inflight.set(i, { value: v, sentAt: Infinity });
    recordAccepted(learner, i, ctx.id, ballot, v);
    if (quorum === 1) return choose(i, v);
    unsent.push([i, v]);
    flushAccepts();
  };

  const onAccepted = (from: NodeId, m: Extract<PaxosKvMessage, { type: "accepted" }>) => {
    if (role !== "leader" || !sameBallot(m.ballot, ballot)) return;
    lastAck.set(from, ctx.now());
    peerApplied.set(from, Math.max(peerApplied.get(from) ?? 0, m.applied));
    for (const i of m.instances) {
      const f = inflight.get(i);
      if (f === undefined) continue;
      const chosen = recordAccepted(learner, i, from, ballot, f.value);
      if (chosen !== undefined) choose(i, chosen.value);
    }
  };

  const leaderTick = (now: number) => {
    if (!hasQuorum(now)) {
      ctx.emit("step-down", { reason: "lost contact with a majority" });
      return stepDown();
    }
    if (now >= nextHeartbeat) {
      nextHeartbeat = now + o.heartbeatMs;
      if (o.forget && peers.every((p) => peerApplied.has(p))) {
        let min = applied;
        for (const p of peers) min = Math.min(min, peerApplied.get(p)!);
        forgetPoint = Math.max(forgetPoint, min);
        forget(forgetPoint);
      }
      for (const p of peers) {
        ctx.send(p, { type: "heartbeat", ballot, commit: applied, forget: forgetPoint });
      }
    }
    // Resend accepts nobody answered in time (lost messages, a restarted acceptor).
    const late: [number, PaxosValue][] = [];
    for (const [i, f] of inflight) {
      if (now - f.sentAt >= o.retransmitMs) {
        f.sentAt = now;
        late.push([i, f.value]);
      }
    }
    if (late.length > 0) {
      for (const p of peers) {
        ctx.send(p, { type: "accept", ballot, entries: late, commit: applied });
      }
    }
  };

  const onNack = (m: Extract<PaxosKvMessage, { type: "nack" }>) => {
    see(m.promised);
    if (
      role !== "follower" && sameBallot(m.ballot, ballot) && compareBallots(m.promised, ballot) > 0
    ) {
      ctx.emit("pre-empted", { ballot: formatBallot(ballot), by: formatBallot(m.promised) });
      stepDown();
    }
  };

  const onFetch = (from: NodeId, m: Extract<PaxosKvMessage, { type: "fetch" }>) => {
    const entries: [number, PaxosValue][] = [];
    for (let i = Math.max(m.from, acceptor.floor + 1); entries.length < o.catchUpBatch; i++) {
      const v = log.get(i);
      if (v === undefined) break;
      entries.push([i, v]);
    }
    if (entries.length > 0) ctx.send(from, { type: "chosen", entries, commit: applied });
  };

  const onChosen = (from: NodeId, m: Extract<PaxosKvMessage, { type: "chosen" }>) => {
    for (const [i, v] of m.entries) learnChosen(i, v);
    applyReady();
    if (m.entries.length >= o.catchUpBatch && applied < m.commit) {
      ctx.send(from, { type: "fetch", from: applied + 1 });
    }
  };

  const handle = (from: NodeId, m: PaxosKvMessage) => {
    if ("ballot" in m && !isBallot(m.ballot)) return; // tampered or malformed
    switch (m.type) {
      case "prepare":
        return onPrepare(from, m);
      case "promise":
        return onPromise(from, m);
      case "accept":
        return onAccept(from, m);
      case "accepted":
        return onAccepted(from, m);
      case "nack":
        return isBallot(m.promised) ? onNack(m) : undefined;
      case "heartbeat":
        return onHeartbeat(from, m);
      case "heartbeat-ack":
        if (role === "leader" && sameBallot(m.ballot, ballot)) {
          lastAck.set(from, ctx.now());
          peerApplied.set(from, Math.max(peerApplied.get(from) ?? 0, m.applied));
        }
        return;
      case "fetch":
        return onFetch(from, m);
      case "chosen":
        return onChosen(from, m);
    }
  };

  const notLeader = (id: number, error: string): void =>
    ctx.reply(
      id,
      fail("not-leader", error, { leader: leader !== ctx.id ? leader : null }),
    );

  applyReady();

  return {
    learnJournal: () => journal,
    retained: () => log.size + acceptor.accepted.size,
    dump: () => Object.fromEntries(kv.data),
    tick() {
      const now = ctx.now();
      if (role === "leader") leaderTick(now);
      else if (isSuspected(detector, "leader", now)) startElection();
      for (const [id, p] of pending) {
        if (p.deadline !== null && now >= p.deadline) {
          pending.delete(id);
          for (const r of p.requests) ctx.reply(r, info("crash", "leadership lost"));
        }
      }
    },
    message(from, m) {
      handle(from, m);
    },
    request(req) {
      const op = req.op;
      const bad = validateKvOp(op);
      if (bad !== null) return ctx.reply(req.id, fail("malformed-request", bad));
      const seq = op.seq;
      if (seq !== undefined && !(Number.isSafeInteger(seq) && seq > 0)) {
        return ctx.reply(req.id, fail("malformed-request", "seq must be a positive integer"));
      }
      if (role !== "leader") {
        return notLeader(req.id, leader === null ? "no leader known" : "not the leader");
      }
      if (seq !== undefined) {
        const done: Reply | undefined = cachedReply(kv, req.client, seq);
        if (done !== undefined) return ctx.reply(req.id, done);
      }
      const id = seq !== undefined ? `c${req.client}:${seq}` : `${ctx.id}.${nonce}.${req.id}`;
      const p = pending.get(id);
      if (p !== undefined) {
        p.requests.push(req.id); // a retry of a command already in flight
        return;
      }
      pending.set(id, { requests: [req.id], deadline: null });
      const { seq: _seq, ...kvOp } = op;
      const cmd: PaxosCommand = seq !== undefined
        ? { id, client: req.client, seq, op: kvOp as PaxosCommand["op"] }
        : { id, client: req.client, op: kvOp as PaxosCommand["op"] };
      propose(cmd);
    },
    status: () => ({
      role,
      leader,
      ballot: formatBallot(role === "follower" ? leaderBallot : ballot),
      term: (role === "follower" ? leaderBallot : ballot)[0],
      promised: formatBallot(acceptor.promised),
      commitIndex: applied,
      applied,
      nextInstance: role === "leader" ? nextInstance : undefined,
      inflight: inflight.size,
      retained: log.size + acceptor.accepted.size,
      forgotten: Math.max(0, acceptor.floor),
      elections,
      keys: kv.data.size,
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
  create: createNode,
};
