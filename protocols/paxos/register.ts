/**
 * The `paxos-register` protocol: single-decree Paxos. Every node plays all three roles
 * of the chapter's figure — proposer, acceptor, learner — and the cluster agrees on
 * exactly one value, however many proposers compete.
 *
 * A client asks any node to `propose` a value. That node, as proposer, picks a ballot
 * above every one it has seen (`[round, its index]`, unique per proposer), sends
 * Prepare(n) to every acceptor, and on Promise(n, accepted) from a majority sends
 * Accept(n, v) — with `v` the highest-ballot value already accepted, if any, else its
 * own. Acceptors persist their promise or acceptance before answering and broadcast
 * Accepted(n, v) to every learner; a learner learns `v` when a majority accepted it in
 * the same ballot. The client's answer is the value chosen, which may be another's.
 *
 * A beaten proposer (a Nack, or no progress for `retryMs`) retries with a higher
 * ballot. With `backoff: false` it retries at once, and competing proposers can
 * pre-empt one another round after round (duelling proposers: a livelock that
 * `status().rounds` counts); with `backoff: true` (default) it first waits a random,
 * exponentially growing time, which breaks the symmetry.
 *
 * @module
 */

import { paxosRegisterMessages } from "./register_message.ts";
import type { NodeContext, NodeId, Protocol, ProtocolNode } from "../node.ts";
import { accept, type AcceptedValue, loadAcceptor, promise } from "./acceptor.ts";
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
import { createLearner, recordAccepted } from "./learner.ts";
import { createLearnJournal, journalLearned, type LearnJournal } from "./learn_journal.ts";
import { parsePaxosRegisterOptions } from "./options.ts";
import { majority } from "./quorum.ts";
import type { PaxosRegisterMessage, PaxosRegisterOp } from "./register_message.ts";
import { fail } from "../reply.ts";
import { agreementInvariants } from "./agreement.ts";

/** The proposer's phase. */
type Phase = "idle" | "prepare" | "accept" | "backoff";

/**
 * A `paxos-register` node, with white-box access for checkers.
 *
 * @example
 * ```ts
 * import type { PaxosRegisterNode } from "./register.ts";
 * function learned(n: PaxosRegisterNode): unknown {
 *   return n.learnJournal().entries[0]?.[1];
 * }
 * ```
 */
export interface PaxosRegisterNode extends ProtocolNode<PaxosRegisterMessage, PaxosRegisterOp> {
  /** What this node learned (instance 0), for the agreement checker. */
  learnJournal(): LearnJournal;
}

function createNode(ctx: NodeContext<PaxosRegisterMessage>): PaxosRegisterNode {
  const o = parsePaxosRegisterOptions(ctx.options);
  const me = memberIndex(ctx.id, ctx.peers);
  const everyone: NodeId[] = [ctx.id, ...ctx.peers];
  const quorum = majority(everyone.length);
  const acceptor = loadAcceptor<unknown>(ctx.storage, "px/");
  const learner = createLearner<unknown>(quorum);
  const journal = createLearnJournal(16);
  let learned = ctx.storage.get("px/learned") as { value: unknown } | undefined;
  if (learned !== undefined) journalLearned(journal, 0, learned.value);

  // Proposer state (volatile: a restarted proposer simply starts a fresh ballot).
  let phase: Phase = "idle";
  let ballot: Ballot = ZERO_BALLOT;
  let highest: Ballot = acceptor.promised;
  let ownValue: unknown = undefined;
  let promises = new Map<NodeId, AcceptedValue<unknown> | null>();
  let deadline = 0;
  let retryAt = 0;
  let failures = 0;
  let rounds = 0;
  const waiters: number[] = [];

  // Messages to this node itself are handled after the current one, in order, as if
  // they had crossed a perfect loopback link.
  const loopback: PaxosRegisterMessage[] = [];
  const send = (to: NodeId, m: PaxosRegisterMessage) => {
    if (to === ctx.id) loopback.push(m);
    else ctx.send(to, m);
  };
  const broadcast = (m: PaxosRegisterMessage) => {
    for (const n of everyone) send(n, m);
  };
  const drain = () => {
    for (let m = loopback.shift(); m !== undefined; m = loopback.shift()) handle(ctx.id, m);
  };

  const see = (b: Ballot) => {
    if (compareBallots(b, highest) > 0) highest = b;
  };

  const learn = (value: unknown) => {
    if (learned !== undefined) return;
    learned = { value };
    ctx.storage.set("px/learned", learned);
    journalLearned(journal, 0, value);
    ctx.emit("learn", { value, ballots: rounds });
    phase = "idle";
    for (const id of waiters.splice(0)) ctx.reply(id, { type: "ok", value });
  };

  const startRound = () => {
    rounds++;
    ballot = nextBallot(highest, me);
    highest = ballot;
    phase = "prepare";
    promises = new Map();
    deadline = ctx.now() + o.retryMs;
    ctx.emit("prepare", { ballot: formatBallot(ballot) });
    broadcast({ type: "prepare", ballot });
  };

  // The round failed: try again, at once or after a random backoff.
  const retry = () => {
    failures++;
    if (!o.backoff) return startRound();
    const window = Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** (failures - 1));
    phase = "backoff";
    retryAt = ctx.now() + ctx.random() * window;
  };

  const handle = (from: NodeId, m: PaxosRegisterMessage): void => {
    switch (m.type) {
      // --- acceptor ---
      case "prepare": {
        if (!isBallot(m.ballot)) return;
        see(m.ballot);
        if (learned !== undefined) return send(from, { type: "decided", value: learned.value });
        if (promise(acceptor, ctx.storage, m.ballot)) {
          send(from, {
            type: "promise",
            ballot: m.ballot,
            accepted: acceptor.accepted.get(0) ?? null,
          });
        } else {
          send(from, { type: "nack", ballot: m.ballot, promised: acceptor.promised });
        }
        return;
      }
      case "accept": {
        if (!isBallot(m.ballot)) return;
        see(m.ballot);
        if (learned !== undefined) return send(from, { type: "decided", value: learned.value });
        if (accept(acceptor, ctx.storage, m.ballot, 0, m.value)) {
          // To every learner, the proposer included.
          broadcast({ type: "accepted", ballot: m.ballot, value: m.value });
        } else {
          send(from, { type: "nack", ballot: m.ballot, promised: acceptor.promised });
        }
        return;
      }
      // --- proposer ---
      case "promise": {
        if (phase !== "prepare" || !isBallot(m.ballot) || !sameBallot(m.ballot, ballot)) return;
        promises.set(from, m.accepted);
        if (promises.size < quorum) return;
        // The value of the highest ballot any promiser accepted, else our own.
        let best: AcceptedValue<unknown> | null = null;
        for (const a of promises.values()) {
          if (a !== null && (best === null || compareBallots(a.ballot, best.ballot) > 0)) best = a;
        }
        phase = "accept";
        deadline = ctx.now() + o.retryMs;
        broadcast({ type: "accept", ballot, value: best === null ? ownValue : best.value });
        return;
      }
      case "nack": {
        if (!isBallot(m.promised)) return;
        see(m.promised);
        if ((phase === "prepare" || phase === "accept") && sameBallot(m.ballot, ballot)) retry();
        return;
      }
      // --- learner ---
      case "accepted": {
        if (learned !== undefined || !isBallot(m.ballot)) return;
        const chosen = recordAccepted(learner, 0, from, m.ballot, m.value);
        if (chosen !== undefined) learn(chosen.value);
        return;
      }
      case "decided":
        learn(m.value);
        return;
    }
  };

  return {
    learnJournal: () => journal,
    tick() {
      const now = ctx.now();
      if ((phase === "prepare" || phase === "accept") && now >= deadline) retry();
      else if (phase === "backoff" && now >= retryAt) startRound();
      drain();
    },
    message(from, m) {
      handle(from, m);
      drain();
    },
    request(req) {
      const op = req.op as Partial<{ f: string; value: unknown }> | null;
      if (op?.f === "read") {
        return ctx.reply(req.id, { type: "ok", value: learned?.value ?? null });
      }
      if (op?.f !== "propose" || op.value === undefined) {
        return ctx.reply(
          req.id,
          fail("malformed-request", "paxos-register accepts {f:'propose', value} or {f:'read'}"),
        );
      }
      if (learned !== undefined) return ctx.reply(req.id, { type: "ok", value: learned.value });
      waiters.push(req.id);
      if (phase === "idle") {
        ownValue = op.value;
        failures = 0;
        startRound();
      }
      drain();
    },
    status: () => ({
      role: phase === "idle" ? "acceptor" : "proposer",
      phase,
      ballot: formatBallot(ballot),
      promised: formatBallot(acceptor.promised),
      accepted: acceptor.accepted.get(0)?.value ?? null,
      learned: learned?.value ?? null,
      decided: learned !== undefined,
      rounds,
    }),
  };
}

/**
 * Single-decree Paxos: competing proposers agree on one value.
 *
 * @example
 * ```ts
 * import { paxosRegister } from "./register.ts";
 * paxosRegister.name; // "paxos-register"
 * ```
 */
export const paxosRegister: Protocol<PaxosRegisterMessage, PaxosRegisterOp> = {
  name: "paxos-register",
  operations: [
    {
      f: "propose",
      summary: "propose a value; the answer is the value chosen (maybe another's)",
      kind: "write",
      idempotent: true,
      args: { value: { type: "json", summary: "the value to propose" } },
    },
    { f: "read", summary: "the chosen value, if any", kind: "read", idempotent: true, args: {} },
  ],
  description: "single-decree Paxos: proposers, acceptors, learners agree on one value",
  tickMs: 5,
  events: ["learn", "prepare"],
  invariants: agreementInvariants,
  messages: paxosRegisterMessages,
  create: createNode,
};
