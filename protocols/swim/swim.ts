/**
 * The `swim` protocol (chapter §9, failure detection at scale): SWIM, the Scalable
 * Weakly-consistent Infection-style process group Membership protocol of Das, Gupta and
 * Motivala (2002).
 *
 * Each protocol period a node probes one member, in round-robin order: a `ping`, and
 * if no `ack` comes within `pingTimeoutMs`, a `ping-req` to `k` other members, which
 * probe on its behalf and relay the ack. A member that answers neither way by the end of
 * the period is suspected; after the suspicion timeout it is declared dead, unless it refuted
 * first — a member that hears it is suspected raises its incarnation number and says
 * it is alive, which overrides the suspicion everywhere. Updates spread by riding on the
 * pings and acks themselves, each a bounded number of times. A member believed dead
 * keeps its turn in the round-robin for a bare ping that tells it so: one that was only
 * cut off (a partition) refutes when the network heals, and rejoins. So each node sends about
 * one probe and one ack per period whatever the group's size — where all-to-all
 * heartbeats send n − 1.
 *
 * The node's state is a plain record ({@link SwimState}) built by {@link createSwimState};
 * the steps are plain functions over it; {@link swim} wires them to the host.
 *
 * @module
 */

import type { InvariantChecker, NodeContext, NodeId, Protocol, ProtocolNode } from "../node.ts";
import {
  applyUpdate,
  createMembership,
  type Membership,
  membersIn,
  type MemberUpdate,
} from "./membership.ts";
import { createGossip, enqueue, type Gossip, piggyback, retransmitLimit } from "./dissemination.ts";
import { createProbeOrder, nextTarget, pickRandom, type ProbeOrder } from "./probe_order.ts";
import { type SwimMessage, swimMessages } from "./message.ts";
import { suspicionTimeout, type SwimOptions, swimOptions } from "./options.ts";

const INCARNATION_KEY = "swim/incarnation";

/** A message before its piggybacked updates are added. */
type Unsent = SwimMessage extends infer T ? T extends unknown ? Omit<T, "updates"> : never
  : never;

/**
 * The probe of the current period.
 *
 * @example
 * ```ts
 * import type { Probe } from "./swim.ts";
 * const p: Probe = {
 *   target: "n3", seq: 7, sentAt: 1000, acked: false, indirect: false, dead: false,
 * };
 * ```
 */
export interface Probe {
  readonly target: NodeId;
  readonly seq: number;
  readonly sentAt: number;
  acked: boolean;
  /** Whether the `ping-req`s went out. */
  indirect: boolean;
  /** A ping to a member believed dead: no `ping-req`s, no suspicion if unanswered. */
  readonly dead: boolean;
}

/**
 * Everything one SWIM node holds.
 *
 * @example
 * ```ts
 * import { createSwimState } from "./swim.ts";
 * import { swimOptions } from "./options.ts";
 * const s = createSwimState("n1", ["n2", "n3"], swimOptions({}), 0, 0);
 * s.members.size; // 2
 * ```
 */
export interface SwimState {
  readonly id: NodeId;
  readonly o: SwimOptions;
  /** The suspicion timeout for this group's size (see `suspicionTimeout`). */
  readonly suspicionMs: number;
  /** Every member but this node, in the order the node was started with. */
  readonly peers: NodeId[];
  readonly members: Membership;
  readonly gossip: Gossip;
  readonly order: ProbeOrder;
  /** This node's own incarnation number (durable: a restarted node never reuses one). */
  incarnation: number;
  seq: number;
  nextPeriod: number;
  probe: Probe | null;
  /** Pings this node sends for others (a `ping-req`): its seq → who asked, with their seq. */
  readonly relays: Map<number, { origin: NodeId; seq: number; until: number }>;
  /** Suspected members (a subset of `members`), to time their suspicion out. */
  readonly suspected: Set<NodeId>;
  /** Messages sent by kind. */
  readonly sent: { ping: number; ack: number; "ping-req": number };
}

/**
 * A fresh state for node `id` at local time `now`; the first period starts at a random
 * point within one period so that nodes started together do not probe in lockstep.
 *
 * @example
 * ```ts
 * import { createSwimState } from "./swim.ts";
 * import { swimOptions } from "./options.ts";
 * createSwimState("n1", ["n2"], swimOptions({}), 0, 3).incarnation; // 3
 * ```
 */
export function createSwimState(
  id: NodeId,
  peers: readonly NodeId[],
  o: SwimOptions,
  now: number,
  incarnation: number,
  firstPeriod = now,
): SwimState {
  return {
    id,
    o,
    suspicionMs: suspicionTimeout(o, peers.length + 1),
    peers: [...peers],
    members: createMembership(peers, now),
    gossip: createGossip(),
    order: createProbeOrder(),
    incarnation,
    seq: 0,
    nextPeriod: firstPeriod,
    probe: null,
    relays: new Map(),
    suspected: new Set(),
    sent: { ping: 0, ack: 0, "ping-req": 0 },
  };
}

/**
 * What a step asks of its host: send, emit, persist.
 *
 * @example
 * ```ts
 * import type { SwimEffects } from "./swim.ts";
 * const quiet: SwimEffects = { send() {}, emit() {}, persistIncarnation() {}, random: () => 0.5 };
 * ```
 */
export interface SwimEffects {
  send(to: NodeId, m: SwimMessage): void;
  emit(kind: "suspect" | "dead" | "trust" | "refute", data: Record<string, unknown>): void;
  persistIncarnation(incarnation: number): void;
  random(): number;
}

function send(
  s: SwimState,
  fx: SwimEffects,
  to: NodeId,
  m: Unsent,
): void {
  const updates = piggyback(
    s.gossip,
    s.o.piggyback,
    retransmitLimit(s.peers.length + 1, s.o.lambda),
  );
  // As memberlist does: a message to a member this node suspects (or believes dead)
  // always tells it so, whether or not that is still being gossiped, so it can refute.
  const target = s.members.get(to);
  if (
    target !== undefined && target.state !== "alive" && !updates.some((u) => u.node === to)
  ) {
    updates.unshift({ node: to, state: target.state, incarnation: target.incarnation });
  }
  s.sent[m.type]++;
  fx.send(to, { ...m, updates } as SwimMessage);
}

/**
 * Takes in one piggybacked update: about this node, a suspicion or death is refuted by a
 * higher incarnation; about another, it is applied if it overrides the list, and then
 * passed on.
 *
 * @example
 * ```ts
 * import { createSwimState, learn } from "./swim.ts";
 * import { swimOptions } from "./options.ts";
 * const s = createSwimState("n1", ["n2"], swimOptions({}), 0, 0);
 * const fx = { send() {}, emit() {}, persistIncarnation() {}, random: () => 0.5 };
 * learn(s, fx, { node: "n1", state: "suspect", incarnation: 0 }, 10);
 * s.incarnation; // 1: refuted
 * ```
 */
export function learn(s: SwimState, fx: SwimEffects, u: MemberUpdate, now: number): void {
  if (u.node === s.id) {
    if (u.state === "alive") return;
    if (u.incarnation < s.incarnation) {
      // Someone still holds a suspicion this node already refuted: say it again.
      if (!s.gossip.queue.has(s.id)) {
        enqueue(s.gossip, { node: s.id, state: "alive", incarnation: s.incarnation });
      }
      return;
    }
    s.incarnation = u.incarnation + 1;
    fx.persistIncarnation(s.incarnation);
    enqueue(s.gossip, { node: s.id, state: "alive", incarnation: s.incarnation });
    fx.emit("refute", { incarnation: s.incarnation, was: u.state });
    return;
  }
  const before = applyUpdate(s.members, u, now);
  if (before === null) return;
  enqueue(s.gossip, u);
  noteChange(s, fx, u, before);
}

function noteChange(
  s: SwimState,
  fx: SwimEffects,
  u: MemberUpdate,
  before: string,
): void {
  if (u.state === "suspect") s.suspected.add(u.node);
  else s.suspected.delete(u.node);
  if (before === u.state) return;
  if (u.state === "suspect") fx.emit("suspect", { peer: u.node, incarnation: u.incarnation });
  else if (u.state === "dead") fx.emit("dead", { peer: u.node, incarnation: u.incarnation });
  else if (before !== "unknown") fx.emit("trust", { peer: u.node, incarnation: u.incarnation });
}

/** Declares `peer` in `state` at its current incarnation, locally and to the group. */
function declare(
  s: SwimState,
  fx: SwimEffects,
  peer: NodeId,
  state: "suspect" | "dead",
  now: number,
): void {
  const m = s.members.get(peer);
  if (m === undefined) return;
  const u: MemberUpdate = { node: peer, state, incarnation: m.incarnation };
  const before = applyUpdate(s.members, u, now);
  if (before === null) return;
  enqueue(s.gossip, u);
  noteChange(s, fx, u, before);
}

/**
 * Time has passed: close the period (suspect an unanswered target), open the next one
 * (ping the next member in round-robin order), send the `ping-req`s of a ping that timed
 * out, and declare dead the members suspected for the suspicion timeout.
 *
 * @example
 * ```ts
 * import { createSwimState, onTick } from "./swim.ts";
 * import { swimOptions } from "./options.ts";
 * const s = createSwimState("n1", ["n2"], swimOptions({}), 0, 0);
 * const sent: string[] = [];
 * onTick(s, { send: (to, m) => sent.push(`${m.type}->${to}`), emit() {}, persistIncarnation() {}, random: () => 0.5 }, 0);
 * sent; // ["ping->n2"]
 * ```
 */
export function onTick(s: SwimState, fx: SwimEffects, now: number): void {
  const p = s.probe;
  if (
    p !== null && !p.acked && !p.indirect && !p.dead && now >= p.sentAt + s.o.pingTimeoutMs
  ) {
    p.indirect = true;
    const helpers = pickRandom(
      membersIn(s.members, "alive").filter((id) => id !== p.target),
      s.o.k,
      fx.random,
    );
    for (const h of helpers) send(s, fx, h, { type: "ping-req", seq: p.seq, target: p.target });
  }
  if (now >= s.nextPeriod) {
    if (p !== null && !p.acked && !p.dead) declare(s, fx, p.target, "suspect", now);
    s.probe = null;
    // Members believed dead keep their turn in the order, but only for a ping that tells
    // them so (no ping-req, no suspicion): after a partition heals, a member wrongly
    // declared dead hears it, refutes, and rejoins (Serf's reconnect, in SWIM's budget).
    const target = nextTarget(s.order, s.peers, () => true, fx.random);
    if (target !== null) {
      const seq = ++s.seq;
      const dead = s.members.get(target)?.state === "dead";
      s.probe = { target, seq, sentAt: now, acked: false, indirect: false, dead };
      send(s, fx, target, { type: "ping", seq });
    }
    s.nextPeriod += s.o.periodMs;
    if (s.nextPeriod <= now) s.nextPeriod = now + s.o.periodMs; // after a pause: no burst
  }
  // Most ticks have no suspect and no relay: then nothing is copied or iterated (a tick
  // of each of a thousand nodes allocated both, for the collector).
  if (s.suspected.size > 0) {
    for (const id of [...s.suspected]) {
      const m = s.members.get(id)!;
      if (now >= m.since + s.suspicionMs) declare(s, fx, id, "dead", now);
    }
  }
  if (s.relays.size > 0) {
    for (const [seq, r] of s.relays) if (now >= r.until) s.relays.delete(seq);
  }
}

/**
 * A message arrived: take in its updates, then answer a ping, probe for a `ping-req`,
 * or match an ack to this node's probe or to a probe it relays.
 *
 * @example
 * ```ts
 * import { createSwimState, onMessage } from "./swim.ts";
 * import { swimOptions } from "./options.ts";
 * const s = createSwimState("n1", ["n2"], swimOptions({}), 0, 0);
 * const sent: string[] = [];
 * const fx = { send: (to: string, m: { type: string }) => sent.push(`${m.type}->${to}`), emit() {}, persistIncarnation() {}, random: () => 0.5 };
 * onMessage(s, fx, "n2", { type: "ping", seq: 1, updates: [] }, 5);
 * sent; // ["ack->n2"]
 * ```
 */
export function onMessage(
  s: SwimState,
  fx: SwimEffects,
  from: NodeId,
  m: SwimMessage,
  now: number,
): void {
  for (const u of m.updates) learn(s, fx, u, now);
  switch (m.type) {
    case "ping":
      send(s, fx, from, { type: "ack", seq: m.seq });
      return;
    case "ping-req": {
      if (m.target === s.id) return;
      const seq = ++s.seq;
      s.relays.set(seq, { origin: from, seq: m.seq, until: now + s.o.periodMs });
      send(s, fx, m.target, { type: "ping", seq });
      return;
    }
    case "ack": {
      const p = s.probe;
      if (p !== null && p.seq === m.seq) {
        p.acked = true;
        return;
      }
      const r = s.relays.get(m.seq);
      if (r !== undefined) {
        s.relays.delete(m.seq);
        send(s, fx, r.origin, { type: "ack", seq: r.seq });
      }
      return;
    }
  }
}

/**
 * The node's view for the API and tests: whom it suspects, whom it has declared dead,
 * its incarnation, and what it has sent.
 *
 * @example
 * ```ts
 * import { createSwimState, swimStatus } from "./swim.ts";
 * import { swimOptions } from "./options.ts";
 * swimStatus(createSwimState("n1", ["n2"], swimOptions({}), 0, 0)).alive; // 2: n2 and itself
 * ```
 */
export function swimStatus(s: SwimState): {
  role: string;
  suspects: NodeId[];
  suspected: NodeId[];
  dead: NodeId[];
  alive: number;
  incarnation: number;
  incarnations: Record<NodeId, number>;
  gossip: number;
  sent: { ping: number; ack: number; "ping-req": number };
} {
  const incarnations: Record<NodeId, number> = {};
  for (const [id, m] of s.members) incarnations[id] = m.incarnation;
  const suspected = membersIn(s.members, "suspect").sort();
  const dead = membersIn(s.members, "dead").sort();
  return {
    role: "member",
    suspects: [...suspected, ...dead].sort(),
    suspected,
    dead,
    alive: membersIn(s.members, "alive").length + 1,
    incarnation: s.incarnation,
    incarnations,
    gossip: s.gossip.queue.size,
    sent: { ...s.sent },
  };
}

/**
 * A SWIM node as its host holds it; `incarnation` lets the invariant read it without
 * building the whole status (which walks every member) after every step.
 *
 * @example
 * ```ts ignore
 * const inc = (node as SwimNode).incarnation;
 * ```
 */
export interface SwimNode extends ProtocolNode<SwimMessage> {
  readonly incarnation: number;
}

function createNode(ctx: NodeContext<SwimMessage>): SwimNode {
  const o = swimOptions(ctx.options);
  const stored = ctx.storage.get(INCARNATION_KEY);
  // A restarted node comes back with a higher incarnation, so its "alive" overrides
  // any suspicion or death the group recorded while it was down.
  const incarnation = typeof stored === "number" ? stored + 1 : 0;
  if (typeof stored === "number") ctx.storage.set(INCARNATION_KEY, incarnation);
  const now = ctx.now();
  const s = createSwimState(
    ctx.id,
    ctx.peers,
    o,
    now,
    incarnation,
    now + ctx.random() * o.periodMs,
  );
  if (incarnation > 0) enqueue(s.gossip, { node: s.id, state: "alive", incarnation });
  const fx: SwimEffects = {
    send: (to, m) => ctx.send(to, m),
    emit: (kind, data) => ctx.emit(kind, data),
    persistIncarnation: (i) => ctx.storage.set(INCARNATION_KEY, i),
    random: () => ctx.random(),
  };
  if (stored === undefined) ctx.storage.set(INCARNATION_KEY, 0);
  return {
    tick: () => onTick(s, fx, ctx.now()),
    message: (from, m) => onMessage(s, fx, from, m, ctx.now()),
    request(req) {
      ctx.reply(req.id, { type: "ok", value: swimStatus(s) });
    },
    status: () => swimStatus(s),
    get incarnation() {
      return s.incarnation;
    },
  };
}

/**
 * SWIM's invariant: a node's own incarnation never goes down (it is durable, and only
 * the node raises it), so a refutation is never undone by an older one.
 *
 * @example
 * ```ts
 * import { swimInvariants } from "./swim.ts";
 * swimInvariants()(new Map()); // []
 * ```
 */
export function swimInvariants(): InvariantChecker {
  const seen = new Map<NodeId, number>();
  return (nodes) => {
    const out: string[] = [];
    for (const [id, n] of nodes) {
      const inc = (n as Partial<SwimNode>).incarnation ?? n.status().incarnation;
      if (typeof inc !== "number") continue;
      const before = seen.get(id);
      if (before !== undefined && inc < before) {
        out.push(`${id}: incarnation went down from ${before} to ${inc}`);
      }
      seen.set(id, inc);
    }
    return out;
  };
}

/**
 * The SWIM membership and failure-detection protocol.
 *
 * @example
 * ```ts
 * import { swim } from "./swim.ts";
 * swim.name; // "swim"
 * ```
 */
export const swim: Protocol<SwimMessage> = {
  name: "swim",
  description: "SWIM membership: round-robin probes, k indirect ping-reqs, suspicion " +
    "refuted by incarnation, updates piggybacked on probes",
  tickMs: 10,
  check: "none",
  display: {
    headline: { kind: "leaderless", fields: ["alive"] },
    columns: [
      { header: "ROLE", field: "role" },
      { header: "INC", field: "status.incarnation" },
      { header: "ALIVE", field: "status.alive" },
      { header: "SUSPECT", field: "status.suspected", format: "list" },
      { header: "DEAD", field: "status.dead", format: "list" },
      { header: "GOSSIP", field: "status.gossip" },
    ],
  },
  liveOptions: { periodMs: 1000, pingTimeoutMs: 500 },
  events: ["suspect", "dead", "trust", "refute"],
  invariants: swimInvariants,
  messages: swimMessages,
  create: createNode,
};
