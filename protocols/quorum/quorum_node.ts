/**
 * One `quorum-kv` node: a replica for the keys the ring gives it, and a coordinator for
 * any client request it receives (Dynamo, DeCandia et al. 2007).
 *
 * - **Placement.** A consistent-hash ring with virtual nodes; a key's preference list
 *   is the first N distinct nodes clockwise from its hash.
 * - **Writes.** The coordinator stamps a new version with a vector clock (the request's
 *   context, or what it holds of the key, ticked at itself), sends it to the key's
 *   replicas and answers `ok` after W acknowledgements; `info` if the timeout comes
 *   first (some replicas may have it).
 * - **Reads.** It asks the replicas and answers with the merged siblings after R
 *   replies (`fail` if fewer came before the timeout); it keeps listening, then sends
 *   the merged siblings to every replica that answered something older (read repair).
 * - **Sloppy quorum.** Each node pings every member and judges them with a phi-accrual
 *   (or fixed-timeout) detector. A suspected replica is replaced by the next healthy
 *   node on the ring, which stores the write as a hint for it and hands it back once
 *   the owner is trusted again. With no spare node, the coordinator keeps the hint.
 * - **Anti-entropy.** Every `antiEntropyMs` a node compares Merkle trees with one peer
 *   (round robin) and exchanges only the differing key ranges.
 * - **Membership.** `add-node` / `remove-node` take the next epoch; members gossip it
 *   with their pings; each node moves only the keys whose preference lists changed.
 *
 * @module
 */

import { type DurableStorage, StorageFault } from "../storage.ts";
import type { ClientRequest, NodeContext, NodeId, NodeStatus, ProtocolNode } from "../node.ts";
import type { KvOp } from "../kv.ts";
import { jsonEqual } from "../kv.ts";
import { moves } from "../../partitioning/partitioner.ts";
import { type RingPartitioner, ringPartitioner } from "../../partitioning/ring.ts";
import type { VectorClock } from "../../clocks/vector.ts";
import { type AntiEntropy, createAntiEntropy } from "./anti_entropy.ts";
import { createHintedHandoff, type HintedHandoff } from "./hinted_handoff.ts";
import { createKeyTransfers, type KeyTransfers } from "./key_transfers.ts";
import { byNodeIndex, type Membership, planRebalance, supersedes } from "./membership.ts";
import type { QuorumMessage } from "./message.ts";
import { parseQuorumOptions, type QuorumOptions } from "./options.ts";
import { createPeerMonitor, type PeerMonitor } from "./peer_monitor.ts";
import { createSwimMonitor, type SwimMonitor } from "./swim_monitor.ts";
import { placeRequest } from "./placement.ts";
import { createReplicaStore, type ReplicaStore } from "./replica_store.ts";
import { type QuorumKvOp, type QuorumOp, quorumSizes, validateQuorumOp } from "./request.ts";
import {
  contextOf,
  dumpValue,
  isVersionList,
  mergeVersions,
  readValue,
  type Version,
  versionsKey,
  writeClock,
} from "./versions.ts";
import { fail, info } from "../reply.ts";

/**
 * What a node holds for one key (white-box view for tests and scenarios).
 *
 * @example
 * ```ts
 * import type { KeyInspection } from "./quorum_node.ts";
 * const k: KeyInspection = { versions: [], hints: {}, preferenceList: ["n1", "n2", "n3"] };
 * ```
 */
export interface KeyInspection {
  /** The siblings this node stores as a replica. */
  readonly versions: readonly Version[];
  /** Hints it keeps for other nodes, by owner. */
  readonly hints: Readonly<Record<NodeId, readonly Version[]>>;
  /** The key's preference list on this node's ring. */
  readonly preferenceList: readonly NodeId[];
}

/**
 * A `quorum-kv` node: the protocol node plus white-box accessors.
 *
 * @example
 * ```ts
 * import type { QuorumNode } from "./quorum_node.ts";
 * function holds(node: QuorumNode, key: string): boolean {
 *   return node.inspect(key).versions.length > 0;
 * }
 * ```
 */
export interface QuorumNode extends ProtocolNode<QuorumMessage, KvOp | QuorumOp> {
  inspect(key: string): KeyInspection;
  /** The ring this node currently routes with. */
  ring(): RingPartitioner;
  membership(): Membership;
}

/** A damaged key being merged back from every other replica. */
interface Repair {
  readonly key: string;
  readonly targets: readonly NodeId[];
  readonly got: Set<NodeId>;
  readonly deadline: number;
}

interface Pending {
  readonly kind: "read" | "write" | "cas";
  readonly reqId: number;
  readonly key: string;
  readonly targets: readonly NodeId[];
  readonly need: number;
  readonly deadline: number;
  answered: boolean;
  readonly acks: NodeId[];
  readonly replies: Map<NodeId, readonly Version[]>;
  readonly version?: Version;
  readonly cas?: { readonly expected: unknown; readonly next: unknown; readonly w: number };
}

/**
 * A `quorum-kv` node's whole state: what it recovers from storage (boot number, clock
 * counter, membership, replica data, queued transfers) and what it holds while running.
 * The functions below each take it first — one shape for every protocol node: state
 * plus plain functions, no closure.
 */
interface QuorumState {
  readonly ctx: NodeContext<QuorumMessage>;
  readonly o: QuorumOptions;
  /** This node's id (`ctx.id`). */
  readonly self: NodeId;
  /** The replica's siblings per key, and the hints it keeps for other nodes. */
  readonly store: ReplicaStore;
  /**
   * The boot number makes request ids unique across restarts, so a late reply to a
   * request of a previous life is never taken for one of this life.
   */
  readonly boot: number;
  /** This node's entry in the vector clocks it stamps (durable). */
  counter: number;
  /** The current membership (durable) and the ring built from it. */
  members: Membership;
  ring: RingPartitioner;
  /** Pings and the failure detector judging every other member. */
  readonly monitor: PeerMonitor;
  /** The same monitor when it is SWIM (`detector=swim`): ticked, and fed its messages. */
  readonly swim: SwimMonitor | null;
  nextPing: number;
  nextHandoff: number;
  nextAe: number;
  /** Round robin over the healthy peers for anti-entropy. */
  aeCursor: number;
  /** Repairs of damaged keys in flight, by request id: whom it asked, who answered. */
  readonly repairs: Map<string, Repair>;
  nextRepair: number;
  /** The peers sharing a key with this node, as of a store revision and a ring. */
  aePeers: { revision: number; ring: RingPartitioner; peers: NodeId[] } | null;
  nextRid: number;
  /** Coordinations in flight, by request id (`boot.n`). */
  readonly pending: Map<string, Pending>;
  readonly counters: { readRepairs: number; hintsStored: number; failedFast: number };
  lastRebalance: Record<string, unknown> | undefined;
  /** Keys moving to their new owners after a membership change. */
  readonly transfers: KeyTransfers;
  readonly ae: AntiEntropy;
  /** Hinted handoff: hints go back to their owners once those are trusted again. */
  readonly handoff: HintedHandoff;
}

/**
 * The boot number and the clock counter must never go back (a reused clock entry would
 * make two writes look like one): each is kept in two records, as TigerBeetle keeps
 * copies of its superblock, and read back as the larger readable one — a disk that
 * damages one record (a flipped bit, a misdirected write) leaves the other.
 */
function readCounter(storage: DurableStorage, key: string): number {
  return readCopies(storage, key, (a: number, b: number) => Math.max(a, b), 0);
}

function writeCounter(storage: DurableStorage, key: string, value: number): void {
  writeCopies(storage, key, value);
}

/** Reads both copies of `key`, combining the readable ones; both damaged: throws. */
function readCopies<T>(
  storage: DurableStorage,
  key: string,
  pick: (a: T, b: T) => T,
  none: T,
): T {
  let out: T | undefined, fault: unknown = null;
  for (const k of [key, key + "~"]) {
    try {
      const v = (storage.get(k) ?? none) as T;
      out = out === undefined ? v : pick(out, v);
    } catch (e) {
      if (!(e instanceof StorageFault) || e.kind === "read-error") throw e;
      fault = e;
    }
  }
  if (out === undefined) throw fault; // both copies damaged: stop, loudly
  return out;
}

function writeCopies(storage: DurableStorage, key: string, value: unknown): void {
  storage.set(key, value);
  storage.set(key + "~", value);
}

/**
 * The boot number only makes request ids unique across lives: with both copies damaged,
 * a random one from a range no count reaches serves (a collision needs the same draw).
 */
function readBoot(ctx: NodeContext<QuorumMessage>): number {
  try {
    return readCounter(ctx.storage, "boot");
  } catch (e) {
    if (!(e instanceof StorageFault)) throw e;
    return 2 ** 32 + Math.floor(ctx.random() * 2 ** 40);
  }
}

/** A node's state, recovered from its storage (a node that has some is restarting). */
function createState(ctx: NodeContext<QuorumMessage>): QuorumState {
  const o = parseQuorumOptions(ctx.options);
  const self = ctx.id;
  const store = createReplicaStore(ctx.storage, o.conflict);
  // The boot number makes request ids unique across restarts, so a late reply to a
  // request of a previous life is never taken for one of this life.
  const boot = readBoot(ctx) + 1;
  writeCounter(ctx.storage, "boot", boot);
  const counter = readCounter(ctx.storage, "counter");
  const members = readCopies<Membership | null>(
    ctx.storage,
    "members",
    (a, b) => a === null ? b : b === null ? a : supersedes(a, b) ? b : a,
    null,
  ) ?? { epoch: 0, nodes: [self, ...ctx.peers].sort(byNodeIndex) };
  const ring = ringPartitioner(members.nodes, { vnodes: o.vnodes });

  const start = ctx.now();
  const swim = o.detector !== "swim" ? null : createSwimMonitor(
    self,
    members.nodes.filter((x) => x !== self),
    start,
    ctx.options,
    {
      send: (to, m) => ctx.send(to, { type: "swim", epoch: s.members.epoch, m }),
      emit: (kind, data) => ctx.emit(kind, data),
      random: () => ctx.random(),
      load: (key) => ctx.storage.get(key),
      save: (key, value) => ctx.storage.set(key, value),
    },
  );
  // The callbacks below read `s` only once the node runs, never while it is built.
  const s: QuorumState = {
    ctx,
    o,
    self,
    store,
    boot,
    counter,
    members,
    ring,
    monitor: swim ?? createPeerMonitor(members.nodes.filter((x) => x !== self), start, o),
    swim,
    nextPing: start + ctx.random() * o.pingMs,
    nextHandoff: start + ctx.random() * o.handoffMs,
    nextAe: start + ctx.random() * o.antiEntropyMs,
    aeCursor: 0,
    aePeers: null,
    repairs: new Map(),
    nextRepair: start,
    nextRid: 0,
    pending: new Map(),
    counters: {
      readRepairs: 0,
      hintsStored: 0,
      failedFast: 0,
    },
    lastRebalance: undefined,
    transfers: createKeyTransfers(
      ctx.storage,
      store,
      (key) => replicasOf(s, key).includes(self),
      (to, m) => ctx.send(to, m),
    ),
    ae: createAntiEntropy({
      self,
      store,
      depth: o.merkleDepth,
      replicas: (key) => replicasOf(s, key),
      epoch: () => s.members.epoch,
      send: (to, m) => ctx.send(to, m),
    }),
    handoff: createHintedHandoff({
      self,
      store,
      isMember: (x) => s.members.nodes.includes(x),
      healthy: (x) => healthy(s, x),
      replicas: (key) => replicasOf(s, key),
      send: (to, m) => ctx.send(to, m),
      handedIn: (from, owner, keys) => ctx.emit("handoff", { from, owner, keys }),
    }),
  };
  return s;
}

function others(s: QuorumState): NodeId[] {
  return s.members.nodes.filter((x) => x !== s.self);
}

function replicasOf(s: QuorumState, key: string): NodeId[] {
  return s.ring.preferenceList(key, s.o.n);
}

/**
 * The peers anti-entropy takes turns with: those that replicate a key this node holds.
 * On a large ring a peer drawn from the whole membership almost never shares a key, and
 * with many virtual nodes every node neighbours nearly every other on the ring.
 */
function aePeers(s: QuorumState): NodeId[] {
  const c = s.aePeers;
  if (c !== null && c.revision === s.store.revision && c.ring === s.ring) return c.peers;
  const peers = new Set<NodeId>();
  for (const k of s.store.keys()) {
    for (const r of replicasOf(s, k)) if (r !== s.self) peers.add(r);
  }
  const sorted = [...peers].sort(byNodeIndex);
  s.aePeers = { revision: s.store.revision, ring: s.ring, peers: sorted };
  return sorted;
}

// ---- failure detection -------------------------------------------------------------

function review(s: QuorumState, now: number): void {
  s.monitor.review(now, (peer, suspected) => s.ctx.emit(suspected ? "suspect" : "trust", { peer }));
}

function healthy(s: QuorumState, x: NodeId): boolean {
  return x === s.self || !s.monitor.suspected(x);
}

// ---- local data --------------------------------------------------------------------

/** What this node answers for a key: its replica's siblings plus any hints for it. */
function localVersions(s: QuorumState, key: string): Version[] {
  return mergeVersions(s.store.get(key), s.store.hintedVersions(key), s.o.conflict).versions;
}

function merged(s: QuorumState, lists: Iterable<readonly Version[]>): Version[] {
  let acc: Version[] = [];
  for (const l of lists) acc = mergeVersions(acc, l, s.o.conflict).versions;
  return acc;
}

// ---- placement ---------------------------------------------------------------------

function placement(s: QuorumState, key: string) {
  if (s.o.sloppy) review(s, s.ctx.now());
  return placeRequest(s.ring, key, s.o.n, s.o.sloppy, (x) => healthy(s, x));
}

// ---- coordinator -------------------------------------------------------------------

function rid(s: QuorumState): string {
  return `${s.boot}.${++s.nextRid}`;
}

function startWrite(
  s: QuorumState,
  reqId: number,
  key: string,
  value: unknown,
  deleted: boolean,
  context: VectorClock | undefined,
  w: number,
): void {
  const { ctx, self } = s;
  const { targets, hintFor, kept } = placement(s, key);
  if (targets.length < w) {
    s.counters.failedFast++;
    ctx.reply(
      reqId,
      fail(
        "quorum-unavailable",
        `only ${targets.length} healthy replicas for W=${w}; nothing written`,
      ),
    );
    return;
  }
  const base = context ?? contextOf(localVersions(s, key));
  const clock = writeClock(base, self, s.counter);
  s.counter = clock[self]!;
  writeCounter(ctx.storage, "counter", s.counter);
  const version: Version = deleted
    ? { value: null, clock, deleted: true, time: ctx.now(), node: self }
    : { value, clock, time: ctx.now(), node: self };
  const id = rid(s);
  const p: Pending = {
    kind: "write",
    reqId,
    key,
    targets,
    need: w,
    deadline: ctx.now() + s.o.timeoutMs,
    answered: false,
    acks: [],
    replies: new Map(),
    version,
  };
  s.pending.set(id, p);
  for (const owner of kept) {
    s.store.addHint(owner, key, [version]);
    s.counters.hintsStored++;
  }
  ctx.emit("write", {
    key,
    clock,
    targets,
    hints: Object.fromEntries(hintFor),
    ...(kept.length > 0 ? { kept } : {}),
  });
  for (const t of targets) {
    const owner = hintFor.get(t);
    if (t === self) {
      if (owner !== undefined) {
        s.store.addHint(owner, key, [version]);
        s.counters.hintsStored++;
      } else s.store.merge(key, [version]);
      p.acks.push(self);
    } else {
      ctx.send(t, {
        type: "put",
        rid: id,
        key,
        versions: [version],
        ...(owner !== undefined ? { hintFor: owner } : {}),
      });
    }
  }
  progressWrite(s, id, p);
}

function progressWrite(s: QuorumState, id: string, p: Pending): void {
  if (!p.answered && p.acks.length >= p.need) {
    p.answered = true;
    s.ctx.reply(p.reqId, { type: "ok", value: { clock: p.version!.clock, acks: [...p.acks] } });
  }
  if (p.acks.length === p.targets.length) s.pending.delete(id);
}

function startRead(
  s: QuorumState,
  reqId: number,
  key: string,
  r: number,
  cas?: Pending["cas"],
): void {
  const { ctx, self } = s;
  const { targets } = placement(s, key);
  if (targets.length < r) {
    s.counters.failedFast++;
    ctx.reply(
      reqId,
      fail("quorum-unavailable", `only ${targets.length} healthy replicas for R=${r}`),
    );
    return;
  }
  const id = rid(s);
  const p: Pending = {
    kind: cas === undefined ? "read" : "cas",
    reqId,
    key,
    targets,
    need: r,
    deadline: ctx.now() + s.o.timeoutMs,
    answered: false,
    acks: [],
    replies: new Map(),
    ...(cas !== undefined ? { cas } : {}),
  };
  s.pending.set(id, p);
  for (const t of targets) {
    if (t !== self) ctx.send(t, { type: "get", rid: id, key });
    else if (!s.store.isDamaged(key)) p.replies.set(self, localVersions(s, key));
  }
  progressRead(s, id, p);
}

function progressRead(s: QuorumState, id: string, p: Pending): void {
  const { ctx } = s;
  if (!p.answered && p.replies.size >= p.need) {
    p.answered = true;
    const m = merged(s, p.replies.values());
    ctx.emit("read", { key: p.key, replies: [...p.replies.keys()], context: contextOf(m) });
    if (p.cas === undefined) {
      ctx.reply(p.reqId, { type: "ok", value: readValue(m) });
    } else {
      const current = readValue(m);
      if (!jsonEqual(current, p.cas.expected)) {
        ctx.reply(
          p.reqId,
          fail(
            "precondition-failed",
            `cas mismatch: current value is ${JSON.stringify(current)}`,
          ),
        );
      } else {
        startWrite(s, p.reqId, p.key, p.cas.next, false, contextOf(m), p.cas.w);
      }
    }
  }
  if (p.replies.size === p.targets.length) finishRead(s, id, p);
}

/** Read repair: every replica that answered something older gets the merged siblings. */
function finishRead(s: QuorumState, id: string, p: Pending): void {
  s.pending.delete(id);
  if (!s.o.readRepair || p.replies.size === 0) return;
  const m = merged(s, p.replies.values());
  const want = versionsKey(m);
  const replicas = replicasOf(s, p.key);
  for (const [node, versions] of p.replies) {
    if (!replicas.includes(node) || versionsKey(versions) === want) continue;
    s.counters.readRepairs++;
    s.ctx.emit("read-repair", { key: p.key, replica: node });
    if (node === s.self) s.store.merge(p.key, m);
    else s.ctx.send(node, { type: "repair", key: p.key, versions: m });
  }
}

function expire(s: QuorumState, now: number): void {
  for (const [id, p] of [...s.pending]) {
    if (now < p.deadline) continue;
    if (p.kind === "write") {
      s.pending.delete(id);
      if (!p.answered) {
        s.ctx.reply(
          p.reqId,
          info(
            "timeout",
            `timeout: ${p.acks.length} of W=${p.need} acknowledgements; ` +
              `the write may have been applied on ${p.acks.join(", ") || "no replica"}`,
          ),
        );
      }
    } else {
      if (!p.answered) {
        p.answered = true;
        s.ctx.reply(
          p.reqId,
          fail("quorum-unavailable", `timeout: ${p.replies.size} of R=${p.need} replies`),
        );
      }
      finishRead(s, id, p);
    }
  }
}

// ---- membership --------------------------------------------------------------------

function adopt(s: QuorumState, next: Membership): void {
  const before = s.ring;
  s.members = next;
  writeCopies(s.ctx.storage, "members", next);
  s.ring = ringPartitioner(next.nodes, { vnodes: s.o.vnodes });
  const now = s.ctx.now();
  s.monitor.watch(others(s), now);
  const keys = s.store.keys();
  const plan = planRebalance(before, s.ring, s.self, keys, s.o.n);
  s.transfers.apply(plan);
  s.lastRebalance = {
    epoch: next.epoch,
    keys: keys.length,
    ownerMoves: before.nodes.length > 0 && s.ring.nodes.length > 0
      ? moves(before, s.ring, keys).moved.length
      : 0,
    sending: plan.send.size,
    dropped: plan.dropNow.length + plan.dropAfterSend.length,
  };
  s.ctx.emit("membership", { nodes: [...next.nodes], ...s.lastRebalance });
  s.transfers.send();
}

function changeMembership(
  s: QuorumState,
  reqId: number,
  f: "add-node" | "remove-node",
  node: NodeId,
): void {
  const has = s.members.nodes.includes(node);
  if ((f === "add-node") === has) {
    return s.ctx.reply(reqId, {
      type: "ok",
      value: { epoch: s.members.epoch, nodes: s.members.nodes },
    });
  }
  const nodes = f === "add-node"
    ? [...s.members.nodes, node].sort(byNodeIndex)
    : s.members.nodes.filter((x) => x !== node);
  const old = s.members.nodes;
  const next: Membership = { epoch: s.members.epoch + 1, nodes };
  adopt(s, next);
  for (const x of new Set([...old, ...nodes])) {
    if (x !== s.self) s.ctx.send(x, { type: "members", members: next });
  }
  s.ctx.reply(reqId, { type: "ok", value: { epoch: next.epoch, nodes } });
}

function maybeAdopt(s: QuorumState, m: unknown): void {
  if (m === null || typeof m !== "object") return;
  const next = m as Membership;
  if (typeof next.epoch !== "number" || !Array.isArray(next.nodes)) return;
  if (supersedes(s.members, next)) adopt(s, next);
}

// ---- message handling --------------------------------------------------------------

function receive(s: QuorumState, from: NodeId, m: QuorumMessage): void {
  const { ctx, store } = s;
  switch (m.type) {
    case "ping": {
      const now = ctx.now();
      s.monitor.heartbeat(from, now);
      if (s.monitor.suspected(from)) review(s, now);
      maybeAdopt(s, m.members);
      return;
    }
    case "members":
      return maybeAdopt(s, m.members);
    case "swim": {
      if (s.swim === null) return;
      const now = ctx.now();
      s.swim.message(from, m.m, now);
      review(s, now);
      // The sender's ring is older: it missed a change (it was down, or cut off).
      if (m.epoch < s.members.epoch) ctx.send(from, { type: "members", members: s.members });
      return;
    }
    case "put":
      if (typeof m.key !== "string" || !isVersionList(m.versions)) return;
      if (typeof m.hintFor === "string") {
        store.addHint(m.hintFor, m.key, m.versions);
        s.counters.hintsStored++;
      } else store.merge(m.key, m.versions);
      return ctx.send(from, { type: "put-ack", rid: m.rid });
    case "put-ack": {
      const p = s.pending.get(m.rid);
      if (p?.kind !== "write" || !p.targets.includes(from) || p.acks.includes(from)) return;
      p.acks.push(from);
      return progressWrite(s, m.rid, p);
    }
    case "get":
      if (typeof m.key !== "string") return;
      return ctx.send(from, {
        type: "get-reply",
        rid: m.rid,
        versions: localVersions(s, m.key),
        ...(store.isDamaged(m.key) ? { damaged: true } : {}),
      });
    case "get-reply": {
      if (s.repairs.has(m.rid)) return repairReply(s, from, m.rid, m.versions, m.damaged === true);
      // A damaged replica may lack acknowledged versions: its answer is no vote.
      if (m.damaged === true) return;
      const p = s.pending.get(m.rid);
      if (p === undefined || p.kind === "write" || !isVersionList(m.versions)) return;
      if (!p.targets.includes(from) || p.replies.has(from)) return;
      p.replies.set(from, m.versions);
      return progressRead(s, m.rid, p);
    }
    case "repair":
      if (typeof m.key === "string" && isVersionList(m.versions)) store.merge(m.key, m.versions);
      return;
    case "handoff":
    case "handoff-ack":
      return s.handoff.receive(from, m);
    case "transfer":
    case "transfer-ack":
      return s.transfers.receive(from, m);
    case "ae-nodes":
    case "ae-push":
      return s.ae.receive(from, m);
  }
}

// ---- client requests ---------------------------------------------------------------

function request(s: QuorumState, req: ClientRequest<KvOp | QuorumOp>): void {
  const { ctx, o } = s;
  const bad = validateQuorumOp(req.op);
  if (bad !== null) return ctx.reply(req.id, fail("malformed-request", bad));
  const op = req.op as QuorumOp;
  if (op.f === "add-node" || op.f === "remove-node") {
    return changeMembership(s, req.id, op.f, op.node);
  }
  const kv = op as QuorumKvOp;
  const n = Math.min(o.n, s.ring.nodes.length);
  if (n === 0) return ctx.reply(req.id, fail("temporarily-unavailable", "the ring has no nodes"));
  const sizes = quorumSizes(kv, n, o);
  if ("error" in sizes) {
    return ctx.reply(req.id, fail("invalid-argument", sizes.error, { field: sizes.field }));
  }
  switch (kv.f) {
    case "read":
      return startRead(s, req.id, kv.key, sizes.r);
    case "write":
      return startWrite(s, req.id, kv.key, kv.value, false, kv.context, sizes.w);
    case "delete":
      return startWrite(s, req.id, kv.key, null, true, kv.context, sizes.w);
    case "cas":
      return startRead(s, req.id, kv.key, sizes.r, {
        expected: kv.value[0],
        next: kv.value[1],
        w: sizes.w,
      });
  }
}

// ---- the node ----------------------------------------------------------------------

// ---- repair of damaged records ------------------------------------------------------

/**
 * Asks every other replica of each damaged key for its copy (again, for a repair whose
 * answers did not all come within the timeout).
 */
function startRepairs(s: QuorumState, now: number): void {
  if (now < s.nextRepair) return;
  s.nextRepair = now + s.o.timeoutMs;
  const busy = new Set<string>();
  for (const [id, r] of s.repairs) {
    if (now >= r.deadline) s.repairs.delete(id);
    else busy.add(r.key);
  }
  for (const key of s.store.damaged()) {
    if (busy.has(key)) continue;
    // With no other replica (N = 1) the lost versions are gone: the key stays damaged.
    const targets = replicasOf(s, key).filter((x) => x !== s.self);
    if (targets.length === 0) continue;
    const id = rid(s);
    s.repairs.set(id, { key, targets, got: new Set(), deadline: now + s.o.timeoutMs });
    for (const t of targets) s.ctx.send(t, { type: "get", rid: id, key });
  }
}

/**
 * A replica's copy for a repair: merged; once every other replica (each whole itself)
 * has answered, every version acknowledged by a write quorum is here again.
 */
function repairReply(
  s: QuorumState,
  from: NodeId,
  id: string,
  versions: unknown,
  damaged: boolean,
): void {
  const r = s.repairs.get(id)!;
  if (!r.targets.includes(from) || !isVersionList(versions)) return;
  s.store.merge(r.key, versions);
  if (damaged) return; // its copy may lack what ours lost
  r.got.add(from);
  if (r.got.size < r.targets.length) return;
  s.repairs.delete(id);
  s.store.repaired(r.key);
  s.ctx.emit("repaired", { key: r.key, from: r.targets });
}

function tick(s: QuorumState): void {
  const { o } = s;
  const now = s.ctx.now();
  startRepairs(s, now);
  if (s.swim !== null) s.swim.tick(now);
  else if (now >= s.nextPing) {
    s.nextPing = Math.max(s.nextPing + o.pingMs, now); // after a pause: no burst
    for (const p of others(s)) s.ctx.send(p, { type: "ping", members: s.members });
  }
  review(s, now);
  expire(s, now);
  if (now >= s.nextHandoff) {
    s.nextHandoff = Math.max(s.nextHandoff + o.handoffMs, now);
    if (o.sloppy) s.handoff.handOff();
    if (s.transfers.pending() > 0) s.transfers.send();
  }
  if (o.antiEntropyMs > 0 && now >= s.nextAe) {
    s.nextAe = Math.max(s.nextAe + o.antiEntropyMs, now);
    const peers = aePeers(s).filter((p) => !s.monitor.suspected(p));
    if (peers.length > 0) s.ae.start(peers[s.aeCursor++ % peers.length]!);
  }
}

function status(s: QuorumState): NodeStatus {
  const { o, store } = s;
  const ownership: Record<NodeId, number> = {};
  for (const [node, share] of s.ring.ownership()) {
    ownership[node] = Math.round(share * 1000) / 1000;
  }
  const keys = store.keys();
  // What this node holds per key (replica siblings and hints), for the API's ring
  // view: clocks always, values only when short, at most 128 keys to keep it small.
  const brief = (vs: readonly Version[]) =>
    vs.map((v) => {
      const text = JSON.stringify(v.value) ?? "null";
      return {
        clock: v.clock,
        node: v.node,
        ...(v.deleted ? { deleted: true } : {}),
        ...(text.length <= 96 ? { value: v.value } : { valueBytes: text.length }),
      };
    });
  const hintsByKey = new Map<string, Record<NodeId, unknown>>();
  for (const owner of store.hintOwners()) {
    for (const [k, vs] of store.hintsFor(owner)) {
      const h = hintsByKey.get(k) ?? {};
      h[owner] = brief(vs);
      hintsByKey.set(k, h);
    }
  }
  const held = [...new Set([...keys, ...hintsByKey.keys()])].sort();
  const holdings: Record<string, unknown> = {};
  for (const k of held.slice(0, 128)) {
    holdings[k] = { versions: brief(store.get(k)), hints: hintsByKey.get(k) ?? {} };
  }
  return {
    role: "replica",
    keys: keys.length,
    siblingKeys: keys.filter((k) => store.get(k).length > 1).length,
    hints: store.hintCount(),
    damaged: store.damaged().length,
    suspects: s.monitor.suspects().sort(byNodeIndex),
    ...(s.swim === null
      ? {}
      : { swim: { incarnation: s.swim.incarnation, sent: { ...s.swim.sent } } }),
    epoch: s.members.epoch,
    members: [...s.members.nodes],
    ownership,
    n: o.n,
    r: o.r,
    w: o.w,
    sloppy: o.sloppy,
    conflict: o.conflict,
    pending: s.pending.size,
    failedFast: s.counters.failedFast,
    lostWrites: store.lostWrites,
    readRepairs: s.counters.readRepairs,
    hintsStored: s.counters.hintsStored,
    handedOff: s.handoff.handedOff(),
    antiEntropy: { ...s.ae.stats },
    movedOut: s.transfers.movedOut.size,
    movedIn: s.transfers.movedIn.size,
    transfersPending: s.transfers.pending(),
    ...(s.lastRebalance !== undefined ? { lastRebalance: s.lastRebalance } : {}),
    vnodes: o.vnodes,
    holdings,
    ...(held.length > 128 ? { holdingsTruncated: true } : {}),
  };
}

function dump(s: QuorumState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of s.store.keys()) {
    const v = dumpValue(s.store.get(k));
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function inspect(s: QuorumState, key: string): KeyInspection {
  const hints: Record<NodeId, readonly Version[]> = {};
  for (const owner of s.store.hintOwners()) {
    const h = s.store.hintsFor(owner).find(([k]) => k === key);
    if (h !== undefined) hints[owner] = h[1];
  }
  return { versions: s.store.get(key), hints, preferenceList: replicasOf(s, key) };
}

/**
 * Creates a node (or re-creates it after a crash from its durable storage).
 *
 * @param ctx the host's context; options as in {@link import("./options.ts").QuorumOptions}
 * @returns the node
 *
 * @example
 * ```ts
 * import { createQuorumNode } from "./quorum_node.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { QuorumMessage } from "./message.ts";
 * function make(ctx: NodeContext<QuorumMessage>) {
 *   return createQuorumNode(ctx);
 * }
 * ```
 */
export function createQuorumNode(ctx: NodeContext<QuorumMessage>): QuorumNode {
  const s = createState(ctx);
  return {
    tick() {
      tick(s);
    },
    message(from, m) {
      receive(s, from, m);
    },
    request(req) {
      request(s, req);
    },
    status: () => status(s),
    dump: () => dump(s),
    inspect: (key) => inspect(s, key),
    owns: (key) => replicasOf(s, key).includes(s.self),
    ring: () => s.ring,
    membership: () => s.members,
  };
}
