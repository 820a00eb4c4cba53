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

import type { ClientRequest, NodeContext, NodeId, NodeStatus, ProtocolNode } from "../node.ts";
import type { KvOp } from "../kv.ts";
import { jsonEqual } from "../kv.ts";
import { moves } from "../../partitioning/partitioner.ts";
import { type RingPartitioner, ringPartitioner } from "../../partitioning/ring.ts";
import type { VectorClock } from "../../clocks/vector.ts";
import { createAntiEntropy } from "./anti_entropy.ts";
import { createHintedHandoff } from "./hinted_handoff.ts";
import { createKeyTransfers } from "./key_transfers.ts";
import { byNodeIndex, type Membership, planRebalance, supersedes } from "./membership.ts";
import type { QuorumMessage } from "./message.ts";
import { parseQuorumOptions } from "./options.ts";
import { createPeerMonitor } from "./peer_monitor.ts";
import { placeRequest } from "./placement.ts";
import { createReplicaStore } from "./replica_store.ts";
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
  const o = parseQuorumOptions(ctx.options);
  const self = ctx.id;
  const store = createReplicaStore(ctx.storage, o.conflict);
  // The boot number makes request ids unique across restarts, so a late reply to a
  // request of a previous life is never taken for one of this life.
  const boot = Number(ctx.storage.get("boot") ?? 0) + 1;
  ctx.storage.set("boot", boot);
  let counter = Number(ctx.storage.get("counter") ?? 0);
  let members = (ctx.storage.get("members") as Membership | undefined) ??
    { epoch: 0, nodes: [self, ...ctx.peers].sort(byNodeIndex) };
  let ring = ringPartitioner(members.nodes, { vnodes: o.vnodes });

  const start = ctx.now();
  const others = () => members.nodes.filter((x) => x !== self);
  const monitor = createPeerMonitor(others(), start, o);
  let nextPing = start + ctx.random() * o.pingMs;
  let nextHandoff = start + ctx.random() * o.handoffMs;
  let nextAe = start + ctx.random() * o.antiEntropyMs;
  let aeCursor = 0;
  let nextRid = 0;
  const pending = new Map<string, Pending>();
  const counters = {
    readRepairs: 0,
    hintsStored: 0,
    failedFast: 0,
  };
  let lastRebalance: Record<string, unknown> | undefined;

  const replicasOf = (key: string): NodeId[] => ring.preferenceList(key, o.n);
  const transfers = createKeyTransfers(
    ctx.storage,
    store,
    (key) => replicasOf(key).includes(self),
    (to, m) => ctx.send(to, m),
  );
  const ae = createAntiEntropy({
    self,
    store,
    depth: o.merkleDepth,
    replicas: replicasOf,
    epoch: () => members.epoch,
    send: (to, m) => ctx.send(to, m),
  });

  // ---- failure detection -------------------------------------------------------------

  const review = (now: number): void =>
    monitor.review(now, (peer, suspected) => ctx.emit(suspected ? "suspect" : "trust", { peer }));
  const healthy = (x: NodeId) => x === self || !monitor.suspected(x);
  const handoff = createHintedHandoff({
    self,
    store,
    isMember: (x) => members.nodes.includes(x),
    healthy,
    replicas: replicasOf,
    send: (to, m) => ctx.send(to, m),
    handedIn: (from, owner, keys) => ctx.emit("handoff", { from, owner, keys }),
  });

  // ---- local data --------------------------------------------------------------------

  /** What this node answers for a key: its replica's siblings plus any hints for it. */
  const localVersions = (key: string): Version[] =>
    mergeVersions(store.get(key), store.hintedVersions(key), o.conflict).versions;
  const merged = (lists: Iterable<readonly Version[]>): Version[] => {
    let acc: Version[] = [];
    for (const l of lists) acc = mergeVersions(acc, l, o.conflict).versions;
    return acc;
  };

  // ---- placement ---------------------------------------------------------------------

  const placement = (key: string) => {
    if (o.sloppy) review(ctx.now());
    return placeRequest(ring, key, o.n, o.sloppy, healthy);
  };

  // ---- coordinator -------------------------------------------------------------------

  const rid = () => `${boot}.${++nextRid}`;

  const startWrite = (
    reqId: number,
    key: string,
    value: unknown,
    deleted: boolean,
    context: VectorClock | undefined,
    w: number,
  ): void => {
    const { targets, hintFor, kept } = placement(key);
    if (targets.length < w) {
      counters.failedFast++;
      ctx.reply(
        reqId,
        fail(
          "quorum-unavailable",
          `only ${targets.length} healthy replicas for W=${w}; nothing written`,
        ),
      );
      return;
    }
    const base = context ?? contextOf(localVersions(key));
    const clock = writeClock(base, self, counter);
    counter = clock[self]!;
    ctx.storage.set("counter", counter);
    const version: Version = deleted
      ? { value: null, clock, deleted: true, time: ctx.now(), node: self }
      : { value, clock, time: ctx.now(), node: self };
    const id = rid();
    const p: Pending = {
      kind: "write",
      reqId,
      key,
      targets,
      need: w,
      deadline: ctx.now() + o.timeoutMs,
      answered: false,
      acks: [],
      replies: new Map(),
      version,
    };
    pending.set(id, p);
    for (const owner of kept) {
      store.addHint(owner, key, [version]);
      counters.hintsStored++;
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
          store.addHint(owner, key, [version]);
          counters.hintsStored++;
        } else store.merge(key, [version]);
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
    progressWrite(id, p);
  };

  const progressWrite = (id: string, p: Pending): void => {
    if (!p.answered && p.acks.length >= p.need) {
      p.answered = true;
      ctx.reply(p.reqId, { type: "ok", value: { clock: p.version!.clock, acks: [...p.acks] } });
    }
    if (p.acks.length === p.targets.length) pending.delete(id);
  };

  const startRead = (
    reqId: number,
    key: string,
    r: number,
    cas?: Pending["cas"],
  ): void => {
    const { targets } = placement(key);
    if (targets.length < r) {
      counters.failedFast++;
      ctx.reply(
        reqId,
        fail("quorum-unavailable", `only ${targets.length} healthy replicas for R=${r}`),
      );
      return;
    }
    const id = rid();
    const p: Pending = {
      kind: cas === undefined ? "read" : "cas",
      reqId,
      key,
      targets,
      need: r,
      deadline: ctx.now() + o.timeoutMs,
      answered: false,
      acks: [],
      replies: new Map(),
      ...(cas !== undefined ? { cas } : {}),
    };
    pending.set(id, p);
    for (const t of targets) {
      if (t === self) p.replies.set(self, localVersions(key));
      else ctx.send(t, { type: "get", rid: id, key });
    }
    progressRead(id, p);
  };

  const progressRead = (id: string, p: Pending): void => {
    if (!p.answered && p.replies.size >= p.need) {
      p.answered = true;
      const m = merged(p.replies.values());
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
          startWrite(p.reqId, p.key, p.cas.next, false, contextOf(m), p.cas.w);
        }
      }
    }
    if (p.replies.size === p.targets.length) finishRead(id, p);
  };

  /** Read repair: every replica that answered something older gets the merged siblings. */
  const finishRead = (id: string, p: Pending): void => {
    pending.delete(id);
    if (!o.readRepair || p.replies.size === 0) return;
    const m = merged(p.replies.values());
    const want = versionsKey(m);
    const replicas = replicasOf(p.key);
    for (const [node, versions] of p.replies) {
      if (!replicas.includes(node) || versionsKey(versions) === want) continue;
      counters.readRepairs++;
      ctx.emit("read-repair", { key: p.key, replica: node });
      if (node === self) store.merge(p.key, m);
      else ctx.send(node, { type: "repair", key: p.key, versions: m });
    }
  };

  const expire = (now: number): void => {
    for (const [id, p] of [...pending]) {
      if (now < p.deadline) continue;
      if (p.kind === "write") {
        pending.delete(id);
        if (!p.answered) {
          ctx.reply(
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
          ctx.reply(
            p.reqId,
            fail("quorum-unavailable", `timeout: ${p.replies.size} of R=${p.need} replies`),
          );
        }
        finishRead(id, p);
      }
    }
  };

  // ---- membership --------------------------------------------------------------------

  const adopt = (next: Membership): void => {
    const before = ring;
    members = next;
    ctx.storage.set("members", next);
    ring = ringPartitioner(next.nodes, { vnodes: o.vnodes });
    const now = ctx.now();
    monitor.watch(others(), now);
    const keys = store.keys();
    const plan = planRebalance(before, ring, self, keys, o.n);
    transfers.apply(plan);
    lastRebalance = {
      epoch: next.epoch,
      keys: keys.length,
      ownerMoves: before.nodes.length > 0 && ring.nodes.length > 0
        ? moves(before, ring, keys).moved.length
        : 0,
      sending: plan.send.size,
      dropped: plan.dropNow.length + plan.dropAfterSend.length,
    };
    ctx.emit("membership", { nodes: [...next.nodes], ...lastRebalance });
    transfers.send();
  };

  const changeMembership = (reqId: number, f: "add-node" | "remove-node", node: NodeId) => {
    const has = members.nodes.includes(node);
    if ((f === "add-node") === has) {
      return ctx.reply(reqId, {
        type: "ok",
        value: { epoch: members.epoch, nodes: members.nodes },
      });
    }
    const nodes = f === "add-node"
      ? [...members.nodes, node].sort(byNodeIndex)
      : members.nodes.filter((x) => x !== node);
    const old = members.nodes;
    const next: Membership = { epoch: members.epoch + 1, nodes };
    adopt(next);
    for (const x of new Set([...old, ...nodes])) {
      if (x !== self) ctx.send(x, { type: "members", members: next });
    }
    ctx.reply(reqId, { type: "ok", value: { epoch: next.epoch, nodes } });
  };

  const maybeAdopt = (m: unknown): void => {
    if (m === null || typeof m !== "object") return;
    const next = m as Membership;
    if (typeof next.epoch !== "number" || !Array.isArray(next.nodes)) return;
    if (supersedes(members, next)) adopt(next);
  };

  // ---- message handling --------------------------------------------------------------

  const receive = (from: NodeId, m: QuorumMessage): void => {
    switch (m.type) {
      case "ping": {
        const now = ctx.now();
        monitor.heartbeat(from, now);
        if (monitor.suspected(from)) review(now);
        maybeAdopt(m.members);
        return;
      }
      case "members":
        return maybeAdopt(m.members);
      case "put":
        if (typeof m.key !== "string" || !isVersionList(m.versions)) return;
        if (typeof m.hintFor === "string") {
          store.addHint(m.hintFor, m.key, m.versions);
          counters.hintsStored++;
        } else store.merge(m.key, m.versions);
        return ctx.send(from, { type: "put-ack", rid: m.rid });
      case "put-ack": {
        const p = pending.get(m.rid);
        if (p?.kind !== "write" || !p.targets.includes(from) || p.acks.includes(from)) return;
        p.acks.push(from);
        return progressWrite(m.rid, p);
      }
      case "get":
        if (typeof m.key !== "string") return;
        return ctx.send(from, { type: "get-reply", rid: m.rid, versions: localVersions(m.key) });
      case "get-reply": {
        const p = pending.get(m.rid);
        if (p === undefined || p.kind === "write" || !isVersionList(m.versions)) return;
        if (!p.targets.includes(from) || p.replies.has(from)) return;
        p.replies.set(from, m.versions);
        return progressRead(m.rid, p);
      }
      case "repair":
        if (typeof m.key === "string" && isVersionList(m.versions)) store.merge(m.key, m.versions);
        return;
      case "handoff":
      case "handoff-ack":
        return handoff.receive(from, m);
      case "transfer":
      case "transfer-ack":
        return transfers.receive(from, m);
      case "ae-nodes":
      case "ae-push":
        return ae.receive(from, m);
    }
  };

  // ---- client requests ---------------------------------------------------------------

  const request = (req: ClientRequest<KvOp | QuorumOp>): void => {
    const bad = validateQuorumOp(req.op);
    if (bad !== null) return ctx.reply(req.id, fail("malformed-request", bad));
    const op = req.op as QuorumOp;
    if (op.f === "add-node" || op.f === "remove-node") {
      return changeMembership(req.id, op.f, op.node);
    }
    const kv = op as QuorumKvOp;
    const n = Math.min(o.n, ring.nodes.length);
    if (n === 0) return ctx.reply(req.id, fail("temporarily-unavailable", "the ring has no nodes"));
    const sizes = quorumSizes(kv, n, o);
    if ("error" in sizes) {
      return ctx.reply(req.id, fail("invalid-argument", sizes.error, { field: sizes.field }));
    }
    switch (kv.f) {
      case "read":
        return startRead(req.id, kv.key, sizes.r);
      case "write":
        return startWrite(req.id, kv.key, kv.value, false, kv.context, sizes.w);
      case "delete":
        return startWrite(req.id, kv.key, null, true, kv.context, sizes.w);
      case "cas":
        return startRead(req.id, kv.key, sizes.r, {
          expected: kv.value[0],
          next: kv.value[1],
          w: sizes.w,
        });
    }
  };

  // ---- the node ----------------------------------------------------------------------

  return {
    tick() {
      const now = ctx.now();
      if (now >= nextPing) {
        nextPing = Math.max(nextPing + o.pingMs, now); // after a pause: no burst
        for (const p of others()) ctx.send(p, { type: "ping", members });
      }
      review(now);
      expire(now);
      if (now >= nextHandoff) {
        nextHandoff = Math.max(nextHandoff + o.handoffMs, now);
        if (o.sloppy) handoff.handOff();
        if (transfers.pending() > 0) transfers.send();
      }
      if (o.antiEntropyMs > 0 && now >= nextAe) {
        nextAe = Math.max(nextAe + o.antiEntropyMs, now);
        const peers = others().filter((p) => !monitor.suspected(p));
        if (peers.length > 0) ae.start(peers[aeCursor++ % peers.length]!);
      }
    },
    message: receive,
    request,
    status(): NodeStatus {
      const ownership: Record<NodeId, number> = {};
      for (const [node, share] of ring.ownership()) {
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
        suspects: monitor.suspects().sort(byNodeIndex),
        epoch: members.epoch,
        members: [...members.nodes],
        ownership,
        n: o.n,
        r: o.r,
        w: o.w,
        sloppy: o.sloppy,
        conflict: o.conflict,
        pending: pending.size,
        failedFast: counters.failedFast,
        lostWrites: store.lostWrites,
        readRepairs: counters.readRepairs,
        hintsStored: counters.hintsStored,
        handedOff: handoff.handedOff(),
        antiEntropy: { ...ae.stats },
        movedOut: transfers.movedOut.size,
        movedIn: transfers.movedIn.size,
        transfersPending: transfers.pending(),
        ...(lastRebalance !== undefined ? { lastRebalance } : {}),
        vnodes: o.vnodes,
        holdings,
        ...(held.length > 128 ? { holdingsTruncated: true } : {}),
      };
    },
    dump() {
      const out: Record<string, unknown> = {};
      for (const k of store.keys()) {
        const v = dumpValue(store.get(k));
        if (v !== undefined) out[k] = v;
      }
      return out;
    },
    inspect(key) {
      const hints: Record<NodeId, readonly Version[]> = {};
      for (const owner of store.hintOwners()) {
        const h = store.hintsFor(owner).find(([k]) => k === key);
        if (h !== undefined) hints[owner] = h[1];
      }
      return { versions: store.get(key), hints, preferenceList: replicasOf(key) };
    },
    owns: (key) => replicasOf(key).includes(self),
    ring: () => ring,
    membership: () => members,
  };
}
