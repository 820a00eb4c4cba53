/**
 * The `primary-backup` protocol: one primary takes every write, applies it, and ships
 * the change to its backups in order. What it waits for before answering the client is
 * the replication mode (see `mode.ts`): every live backup (`sync`), nobody (`async`), or
 * the first backup (`semi-sync`, falling back to async after `semiSyncTimeoutMs` without
 * an acknowledgement and returning once a backup has caught up, as MySQL does). The
 * mode can be changed live with `{f:"set-mode", mode}`.
 *
 * **Failover.** Backups watch the primary with a failure detector. When they suspect it,
 * they exchange their positions (probe); if a majority of the cluster answered and none
 * still hears the primary, the most up-to-date backup (ties: lowest node number)
 * promotes itself in a higher epoch and announces the new view; nodes of an older epoch
 * are told about it, step down and resynchronise from a snapshot. A restarted primary first asks around
 * before taking writes again. `{f:"failover", to?}` hands over by hand: the primary stops
 * taking writes, lets the target catch up, and the target takes over.
 *
 * Primary-backup has no consensus: a partition that separates the primary from backups
 * that still hear each other can produce two primaries, and async (or fallen-back
 * semi-sync) loses the writes a crashed primary had not shipped. Those losses are the
 * point of the chapter's comparison.
 *
 * `status()` shows each backup's replication lag (changes behind, and ms behind).
 *
 * @module
 */

import { primaryBackupMessages } from "./message.ts";
import type { KvOp } from "../kv.ts";
import { applyKvOp, validateKvOp } from "../kv_store.ts";
import type { NodeContext, NodeId, Protocol, ProtocolNode, Reply } from "../node.ts";
import { memberIndex, sortMembers } from "../paxos/ballot.ts";
import { chooseSuccessor } from "./succession.ts";
import { mayAcknowledge, shouldFallBack, someBackupCaughtUp } from "./ack_policy.ts";
import { createPeerDetector } from "./detector.ts";
import type { Change, PrimaryBackupMessage, PrimaryBackupOp } from "./message.ts";
import { isReplicationMode, type ReplicationMode } from "./mode.ts";
import { parsePrimaryBackupOptions, type PrimaryBackupOptions } from "./options.ts";
import { fail, info } from "../reply.ts";
import { KV_OPERATIONS } from "../operations.ts";

/**
 * A node's role. `electing`: suspects the primary and collects positions; `recovering`: a
 * restarted primary checking whether it still is one.
 *
 * @example
 * ```ts
 * import type { PrimaryBackupRole } from "./primary_backup.ts";
 * const r: PrimaryBackupRole = "electing";
 * ```
 */
export type PrimaryBackupRole = "primary" | "backup" | "electing" | "recovering";

type Msg<T extends PrimaryBackupMessage["type"]> = Extract<PrimaryBackupMessage, { type: T }>;

interface WaitingWrite {
  readonly seq: number;
  readonly request: number;
  readonly since: number;
}

interface Handover {
  readonly to: NodeId;
  readonly epoch: number;
  readonly request: number;
  readonly deadline: number;
}

const P = "pb/";

/**
 * A primary-backup node's whole state: what it keeps durable (view, mode, position,
 * data) and what it holds while running. The functions below each take it first — one
 * shape for every protocol node: state plus plain functions, no closure.
 */
interface PbState {
  readonly ctx: NodeContext<PrimaryBackupMessage>;
  readonly o: PrimaryBackupOptions;
  readonly storage: NodeContext<PrimaryBackupMessage>["storage"];
  readonly members: readonly NodeId[];
  // Durable.
  epoch: number;
  primary: NodeId;
  mode: ReplicationMode;
  seq: number;
  readonly data: Map<string, unknown>;
  // Volatile.
  role: PrimaryBackupRole;
  /** Recent changes with the time this node applied them (for catch-up and lag). */
  log: { change: Change; at: number }[];
  readonly detector: ReturnType<typeof createPeerDetector>;
  // Primary.
  readonly acked: Map<NodeId, number>;
  /** When each backup last made progress (or was last sent its missing changes). */
  readonly lastProgress: Map<NodeId, number>;
  waiting: WaitingWrite[];
  fallback: boolean;
  handover: Handover | null;
  nextHeartbeat: number;
  /** Async: acknowledged changes not yet shipped, and when the next batch leaves. */
  unshipped: Change[];
  nextShip: number;
  // Backup.
  takeOver: { epoch: number; seq: number } | null;
  probes: Map<NodeId, Msg<"probe-reply">>;
  probeDeadline: number;
  nextProbeAt: number;
  failovers: number;
  /**
   * Waiting for a snapshot: this node's state may hold changes the primary never made,
   * so it applies and acknowledges nothing until the snapshot replaces it.
   */
  awaitingSnapshot: boolean;
  readonly waitingFailover: number[];
}

/** A node's state, recovered from its storage (a node that has some is restarting). */
function createState(ctx: NodeContext<PrimaryBackupMessage>): PbState {
  const o = parsePrimaryBackupOptions(ctx.options);
  const storage = ctx.storage;
  const members = sortMembers([ctx.id, ...ctx.peers]);
  const restarted = storage.get(P + "epoch") !== undefined;
  const epoch = (storage.get(P + "epoch") as number | undefined) ?? 0;
  const primary = (storage.get(P + "primary") as NodeId | undefined) ?? o.primary ?? members[0]!;
  const mode = (storage.get(P + "mode") as ReplicationMode | undefined) ?? o.mode;
  const seq = (storage.get(P + "seq") as number | undefined) ?? 0;
  const data = new Map<string, unknown>();
  for (const k of storage.keys(P + "kv/")) data.set(k.slice(P.length + 3), storage.get(k));
  if (!restarted) {
    storage.set(P + "epoch", epoch);
    storage.set(P + "primary", primary);
  }
  return {
    ctx,
    o,
    storage,
    members,
    epoch,
    primary,
    mode,
    seq,
    data,
    role: primary !== ctx.id ? "backup" : restarted ? "recovering" : "primary",
    log: [],
    detector: createPeerDetector(o.detector, ctx.peers, ctx.now(), {
      timeoutMs: o.failureTimeoutMs,
      intervalMs: o.heartbeatMs,
      phiThreshold: o.phiThreshold,
    }),
    acked: new Map(),
    lastProgress: new Map(),
    waiting: [],
    fallback: false,
    handover: null,
    nextHeartbeat: 0,
    unshipped: [],
    nextShip: 0,
    takeOver: null,
    probes: new Map(),
    probeDeadline: 0,
    nextProbeAt: 0,
    failovers: 0,
    awaitingSnapshot: false,
    waitingFailover: [],
  };
}

function backups(pb: PbState) {
  return pb.ctx.peers;
}
function effectiveMode(pb: PbState): ReplicationMode {
  return pb.mode === "semi-sync" && pb.fallback ? "async" : pb.mode;
}

function persistView(pb: PbState) {
  pb.storage.set(P + "epoch", pb.epoch);
  pb.storage.set(P + "primary", pb.primary);
}

function applyChange(pb: PbState, c: Change) {
  const [s, key, value, deleted] = c;
  if (deleted) {
    pb.data.delete(key);
    pb.storage.delete(P + "kv/" + key);
  } else {
    pb.data.set(key, value);
    pb.storage.set(P + "kv/" + key, value);
  }
  pb.seq = s;
  pb.storage.set(P + "seq", pb.seq);
  pb.log.push({ change: c, at: pb.ctx.now() });
  if (pb.log.length > 2 * pb.o.maxLog) pb.log = pb.log.slice(-pb.o.maxLog);
  if (pb.takeOver !== null && pb.seq >= pb.takeOver.seq) becomePrimary(pb, pb.takeOver.epoch);
}

function changesFrom(pb: PbState, from: number, limit: number): Change[] | null {
  const first = pb.log[0]?.change[0];
  if (from > pb.seq) return [];
  if (first === undefined || from < first) return null; // trimmed: needs a snapshot
  return pb.log.slice(from - first, from - first + limit).map((e) => e.change);
}

function sendSnapshot(pb: PbState, to: NodeId) {
  pb.ctx.send(to, { type: "snapshot", epoch: pb.epoch, seq: pb.seq, data: [...pb.data] });
}

// --- primary: acknowledging writes ---

function inSync(pb: PbState): NodeId[] {
  return backups(pb).filter((b) => !pb.detector.suspects(b, pb.ctx.now()));
}

function release(pb: PbState) {
  const m = effectiveMode(pb);
  const set = inSync(pb);
  while (pb.waiting.length > 0 && mayAcknowledge(m, pb.waiting[0]!.seq, pb.acked, set)) {
    pb.ctx.reply(pb.waiting.shift()!.request, { type: "ok" });
  }
}

function demote(pb: PbState, reason: string) {
  for (const w of pb.waiting) pb.ctx.reply(w.request, info("crash", `demoted: ${reason}`));
  pb.waiting = [];
  pb.unshipped = [];
  if (pb.handover !== null) {
    pb.ctx.reply(pb.handover.request, { type: "ok", value: { primary: pb.primary } });
    pb.handover = null;
  }
  pb.fallback = false;
  pb.role = "backup";
  pb.detector.reset(pb.primary, pb.ctx.now());
  pb.ctx.emit("role", { role: pb.role, epoch: pb.epoch, primary: pb.primary, reason });
}

function becomePrimary(pb: PbState, newEpoch: number) {
  pb.takeOver = null;
  pb.epoch = newEpoch;
  pb.primary = pb.ctx.id;
  persistView(pb);
  pb.role = "primary";
  pb.failovers++;
  pb.fallback = false;
  pb.waiting = [];
  pb.acked.clear();
  for (const [n, r] of pb.probes) {
    if (n !== pb.ctx.id && r.epoch === pb.epoch - 1) pb.acked.set(n, r.seq);
  }
  // Backups answer the view with their position; wait for that before resending,
  // and trust them until then (they had no reason to talk to this node before).
  for (const b of backups(pb)) {
    pb.lastProgress.set(b, pb.ctx.now());
    pb.detector.reset(b, pb.ctx.now());
  }
  pb.probes = new Map();
  pb.nextHeartbeat = 0;
  pb.ctx.emit("failover", { primary: pb.ctx.id, epoch: pb.epoch, seq: pb.seq });
  for (const b of backups(pb)) sendView(pb, b);
  for (const id of pb.waitingFailover.splice(0)) {
    pb.ctx.reply(id, { type: "ok", value: { primary: pb.ctx.id } });
  }
}

// A node learns of a newer epoch: follow its primary; a node whose state may contain
// changes the new primary never saw (it was primary, or it is ahead) starts afresh
// from a snapshot.
function adoptView(pb: PbState, newEpoch: number, newPrimary: NodeId, baseSeq: number | null) {
  const wasPrimary = pb.role === "primary" || pb.role === "recovering";
  pb.epoch = newEpoch;
  pb.primary = newPrimary;
  persistView(pb);
  pb.takeOver = null;
  if (wasPrimary) demote(pb, `epoch ${newEpoch} has primary ${newPrimary}`);
  else {
    pb.role = "backup";
    pb.detector.reset(pb.primary, pb.ctx.now());
  }
  pb.probes = new Map();
  if (wasPrimary || baseSeq === null || pb.seq > baseSeq) {
    pb.awaitingSnapshot = true;
    pb.ctx.send(pb.primary, { type: "snapshot-request", epoch: pb.epoch });
  } else {
    pb.ctx.send(pb.primary, { type: "ack", epoch: pb.epoch, seq: pb.seq });
  }
}

// --- backup: failover ---

function startProbe(pb: PbState) {
  pb.role = pb.role === "recovering" ? "recovering" : "electing";
  pb.probes = new Map([[pb.ctx.id, {
    type: "probe-reply",
    epoch: pb.epoch,
    primary: pb.primary,
    seq: pb.awaitingSnapshot ? -1 : pb.seq,
    trusts: false,
  }]]);
  pb.probeDeadline = pb.ctx.now() + pb.o.probeWaitMs;
  for (const p of pb.ctx.peers) pb.ctx.send(p, { type: "probe", epoch: pb.epoch });
}

function finishProbe(pb: PbState) {
  if (pb.role === "recovering") {
    // Nobody knows a newer epoch: this node is still the primary.
    for (const [n, r] of pb.probes) if (n !== pb.ctx.id) pb.acked.set(n, r.seq);
    for (const b of backups(pb)) pb.detector.reset(b, pb.ctx.now());
    pb.probes = new Map();
    pb.role = "primary";
    pb.nextHeartbeat = 0;
    pb.ctx.emit("role", { role: pb.role, epoch: pb.epoch, reason: "recovered" });
    return;
  }
  const next = chooseSuccessor(pb.probes, {
    primary: pb.primary,
    epoch: pb.epoch,
    members: pb.members,
  });
  pb.role = "backup";
  if (next.decision === "primary-alive") return pb.detector.reset(pb.primary, pb.ctx.now());
  // Ask again shortly: heartbeats may only be slower to reach another backup.
  if (next.decision === "wait") pb.nextProbeAt = pb.ctx.now() + pb.o.probeWaitMs;
  else if (next.node === pb.ctx.id) becomePrimary(pb, pb.epoch + 1);
  // Give the chosen node a detector timeout to announce itself; the old primary stays
  // suspected, so this node does not vouch for it meanwhile.
  else pb.nextProbeAt = pb.ctx.now() + pb.o.failureTimeoutMs;
}

// --- message handling ---

/** Tells a node which primary it follows in this node's epoch. */
function sendView(pb: PbState, to: NodeId): void {
  pb.ctx.send(to, {
    type: "view",
    epoch: pb.epoch,
    primary: pb.primary,
    seq: pb.seq,
    mode: pb.mode,
  });
}

function fromCurrentPrimary(pb: PbState, from: NodeId, e: number): boolean {
  if (e < pb.epoch) {
    // A primary from an older epoch: tell it who the primary is now.
    sendView(pb, from);
    return false;
  }
  if (e > pb.epoch) adoptView(pb, e, from, null);
  if (e === pb.epoch && pb.role === "primary" && from !== pb.ctx.id) {
    // Two primaries in one epoch (electors that saw different positions): the lower
    // node number keeps it.
    if (memberIndex(from, pb.members) < memberIndex(pb.ctx.id, pb.members)) {
      adoptView(pb, pb.epoch, from, null);
    } else return false;
  }
  if (from !== pb.primary || pb.role === "primary") return false;
  if (pb.role === "electing") pb.role = "backup";
  pb.detector.heard(from, pb.ctx.now());
  return true;
}

function onPrimaryMessage(pb: PbState, from: NodeId, m: PrimaryBackupMessage) {
  switch (m.type) {
    case "replicate": {
      if (!fromCurrentPrimary(pb, from, m.epoch)) return;
      setMode(pb, m.mode);
      if (pb.awaitingSnapshot) return;
      for (const c of m.changes) if (c[0] === pb.seq + 1) applyChange(pb, c);
      pb.ctx.send(from, { type: "ack", epoch: pb.epoch, seq: pb.seq });
      return;
    }
    case "heartbeat": {
      if (!fromCurrentPrimary(pb, from, m.epoch)) return;
      setMode(pb, m.mode);
      // A lost snapshot request or snapshot: ask again, once per heartbeat.
      if (pb.awaitingSnapshot) pb.ctx.send(from, { type: "snapshot-request", epoch: pb.epoch });
      else pb.ctx.send(from, { type: "ack", epoch: pb.epoch, seq: pb.seq });
      return;
    }
    case "snapshot": {
      if (!fromCurrentPrimary(pb, from, m.epoch)) return;
      for (const k of [...pb.data.keys()]) pb.storage.delete(P + "kv/" + k);
      pb.data.clear();
      for (const [k, v] of m.data) {
        pb.data.set(k, v);
        pb.storage.set(P + "kv/" + k, v);
      }
      pb.seq = m.seq;
      pb.storage.set(P + "seq", pb.seq);
      pb.log = [];
      pb.awaitingSnapshot = false;
      pb.ctx.send(from, { type: "ack", epoch: pb.epoch, seq: pb.seq });
      return;
    }
    case "handover": {
      if (m.epoch !== pb.epoch + 1 || from !== pb.primary || pb.awaitingSnapshot) return;
      pb.detector.heard(from, pb.ctx.now());
      pb.takeOver = { epoch: m.epoch, seq: m.seq };
      if (pb.seq >= m.seq) becomePrimary(pb, m.epoch);
      return;
    }
  }
}

function setMode(pb: PbState, m: ReplicationMode) {
  if (m === pb.mode || !isReplicationMode(m)) return;
  pb.mode = m;
  pb.storage.set(P + "mode", pb.mode);
}

function onAck(pb: PbState, from: NodeId, m: Msg<"ack">) {
  if (pb.role !== "primary" || m.epoch !== pb.epoch) return;
  pb.detector.heard(from, pb.ctx.now());
  // A backup that reports more than we have holds changes we never made (it followed
  // a primary we do not know of): it must start afresh.
  if (m.seq > pb.seq) {
    pb.acked.set(from, 0);
    return sendSnapshot(pb, from);
  }
  if (m.seq > (pb.acked.get(from) ?? -1)) {
    pb.acked.set(from, m.seq);
    pb.lastProgress.set(from, pb.ctx.now());
  }
  if (pb.fallback && someBackupCaughtUp(pb.acked, pb.seq)) {
    pb.fallback = false;
    pb.ctx.emit("semi-sync", { restored: true, seq: pb.seq });
  }
  release(pb);
}

function handle(pb: PbState, from: NodeId, m: PrimaryBackupMessage) {
  switch (m.type) {
    case "replicate":
    case "heartbeat":
    case "snapshot":
    case "handover":
      return onPrimaryMessage(pb, from, m);
    case "ack":
      return onAck(pb, from, m);
    case "snapshot-request":
      if (pb.role === "primary" && m.epoch === pb.epoch) sendSnapshot(pb, from);
      return;
    case "probe":
      if (m.epoch > pb.epoch) return; // it will hear about its own epoch from its primary
      pb.ctx.send(from, {
        type: "probe-reply",
        epoch: pb.epoch,
        primary: pb.primary,
        seq: pb.awaitingSnapshot ? -1 : pb.seq, // a diverged state must not win an election
        trusts: pb.role === "primary" ||
          (from !== pb.primary && !pb.detector.suspects(pb.primary, pb.ctx.now())),
      });
      return;
    case "probe-reply":
      if (m.epoch > pb.epoch) return adoptView(pb, m.epoch, m.primary, null);
      if (pb.role === "electing" || pb.role === "recovering") pb.probes.set(from, m);
      return;
    case "view":
      if (m.epoch > pb.epoch) {
        adoptView(pb, m.epoch, m.primary, m.seq);
        setMode(pb, m.mode);
      } else if (m.epoch < pb.epoch && pb.role === "primary") {
        sendView(pb, from);
      }
      return;
  }
}

// --- primary duties on tick ---

function primaryTick(pb: PbState, now: number) {
  if (now >= pb.nextShip) {
    pb.nextShip = now + pb.o.asyncShipMs;
    ship(pb);
  }
  if (now >= pb.nextHeartbeat) {
    pb.nextHeartbeat = now + pb.o.heartbeatMs;
    for (const b of backups(pb)) {
      pb.ctx.send(b, { type: "heartbeat", epoch: pb.epoch, mode: pb.mode, seq: pb.seq });
    }
  }
  for (const b of backups(pb)) {
    const at = pb.acked.get(b) ?? 0;
    if (at >= pb.seq || now - (pb.lastProgress.get(b) ?? -Infinity) < pb.o.retransmitMs) continue;
    if (pb.detector.suspects(b, now)) continue;
    pb.lastProgress.set(b, now);
    const changes = changesFrom(pb, at + 1, 500);
    if (changes === null) sendSnapshot(pb, b);
    else if (changes.length > 0) {
      pb.ctx.send(b, { type: "replicate", epoch: pb.epoch, mode: pb.mode, changes });
    }
  }
  if (
    pb.mode === "semi-sync" && !pb.fallback &&
    shouldFallBack(pb.waiting[0]?.since, now, pb.o.semiSyncTimeoutMs)
  ) {
    pb.fallback = true;
    pb.ctx.emit("semi-sync", { restored: false, waitedMs: now - pb.waiting[0]!.since });
  }
  release(pb);
  if (pb.handover !== null && now >= pb.handover.deadline) {
    pb.ctx.reply(
      pb.handover.request,
      fail("temporarily-unavailable", `${pb.handover.to} did not take over`),
    );
    pb.handover = null;
  }
  // Keep only what some backup may still need.
  let min = pb.seq;
  for (const b of backups(pb)) min = Math.min(min, pb.acked.get(b) ?? 0);
  const first = pb.log[0]?.change[0];
  if (first !== undefined && min >= first) pb.log = pb.log.slice(min - first + 1);
}

// --- client requests ---

function write(pb: PbState, id: number, op: KvOp) {
  // Decide the operation on a copy of its key, so a failed `cas` changes nothing and a
  // successful one ships as a plain change.
  const scratch = new Map<string, unknown>(
    pb.data.has(op.key) ? [[op.key, pb.data.get(op.key)]] : [],
  );
  const reply: Reply = applyKvOp(scratch, op);
  if (reply.type !== "ok") return pb.ctx.reply(id, reply);
  const change: Change = scratch.has(op.key)
    ? [pb.seq + 1, op.key, scratch.get(op.key), false]
    : [pb.seq + 1, op.key, null, true];
  applyChange(pb, change);
  pb.unshipped.push(change);
  if (effectiveMode(pb) !== "async") ship(pb);
  pb.waiting.push({ seq: pb.seq, request: id, since: pb.ctx.now() });
  release(pb);
}

function ship(pb: PbState) {
  if (pb.unshipped.length === 0) return;
  for (const b of backups(pb)) {
    pb.ctx.send(b, { type: "replicate", epoch: pb.epoch, mode: pb.mode, changes: pb.unshipped });
  }
  pb.unshipped = [];
}

function admin(pb: PbState, id: number, op: Exclude<PrimaryBackupOp, KvOp>) {
  if (op.f === "set-mode") {
    if (!isReplicationMode(op.mode)) {
      return pb.ctx.reply(id, fail("malformed-request", "mode must be sync, async or semi-sync"));
    }
    const was = pb.mode;
    ship(pb);
    setMode(pb, op.mode);
    pb.fallback = false;
    for (const b of backups(pb)) {
      pb.ctx.send(b, { type: "heartbeat", epoch: pb.epoch, mode: pb.mode, seq: pb.seq });
    }
    release(pb);
    pb.ctx.emit("mode", { mode: pb.mode, was });
    return pb.ctx.reply(id, { type: "ok", value: { mode: pb.mode, was } });
  }
  // Manual failover: to the named backup, else the most up-to-date one.
  let to = op.to;
  if (to === undefined) {
    for (const b of backups(pb)) {
      if (to === undefined || (pb.acked.get(b) ?? 0) > (pb.acked.get(to) ?? 0)) to = b;
    }
  }
  if (to === undefined || !pb.ctx.peers.includes(to)) {
    return pb.ctx.reply(id, fail("precondition-failed", `no backup ${to ?? ""} to fail over to`));
  }
  pb.handover = {
    to,
    epoch: pb.epoch + 1,
    request: id,
    deadline: pb.ctx.now() + 10 * pb.o.failureTimeoutMs,
  };
  pb.ctx.emit("handover", { to, epoch: pb.epoch + 1, seq: pb.seq });
  pb.ctx.send(to, { type: "handover", epoch: pb.epoch + 1, seq: pb.seq });
}

function createNode(
  ctx: NodeContext<PrimaryBackupMessage>,
): ProtocolNode<PrimaryBackupMessage, PrimaryBackupOp> {
  const pb = createState(ctx);
  return {
    tick() {
      const now = pb.ctx.now();
      if (pb.role === "primary") return primaryTick(pb, now);
      if (pb.role === "electing" || pb.role === "recovering") {
        if (pb.probes.size === 0) startProbe(pb);
        else if (now >= pb.probeDeadline) finishProbe(pb);
        return;
      }
      if (
        pb.o.autoFailover && pb.takeOver === null && now >= pb.nextProbeAt &&
        pb.detector.suspects(pb.primary, now)
      ) {
        pb.ctx.emit("suspect", { primary: pb.primary, epoch: pb.epoch });
        startProbe(pb);
      }
    },
    message(from, m) {
      handle(pb, from, m);
    },
    request(req) {
      const op = req.op;
      if (op.f === "set-mode" || op.f === "failover") {
        if (pb.role !== "primary") return pb.ctx.reply(req.id, notPrimary(pb));
        if (pb.handover !== null) return pb.ctx.reply(req.id, failingOver(pb));
        return admin(pb, req.id, op);
      }
      const bad = validateKvOp(op);
      if (bad !== null) return pb.ctx.reply(req.id, fail("malformed-request", bad));
      if (pb.role !== "primary") return pb.ctx.reply(req.id, notPrimary(pb));
      if (op.f === "read") {
        return pb.ctx.reply(req.id, { type: "ok", value: pb.data.get(op.key) ?? null });
      }
      if (pb.handover !== null) return pb.ctx.reply(req.id, failingOver(pb));
      write(pb, req.id, op);
    },
    status() {
      const now = pb.ctx.now();
      const lag: Record<NodeId, number> = {};
      const lagMs: Record<NodeId, number> = {};
      if (pb.role === "primary") {
        const first = pb.log[0]?.change[0];
        for (const b of backups(pb)) {
          const at = pb.acked.get(b) ?? 0;
          lag[b] = Math.max(0, pb.seq - at);
          const e = first !== undefined && at + 1 >= first ? pb.log[at + 1 - first] : undefined;
          lagMs[b] = at >= pb.seq || e === undefined ? 0 : Math.round(now - e.at);
        }
      }
      return {
        role: pb.role,
        epoch: pb.epoch,
        term: pb.epoch,
        primary: pb.primary,
        mode: pb.mode,
        effectiveMode: effectiveMode(pb),
        seq: pb.seq,
        commitIndex: pb.seq,
        lag,
        lagMs,
        waiting: pb.waiting.length,
        suspects: pb.ctx.peers.filter((p) => pb.detector.suspects(p, now)),
        failovers: pb.failovers,
        handover: pb.handover?.to ?? null,
        keys: pb.data.size,
      };
    },
    dump: () => Object.fromEntries(pb.data),
  };
}

function notPrimary(pb: PbState): Reply {
  return pb.primary !== pb.ctx.id
    ? fail("not-leader", "not the primary", { leader: pb.primary })
    : fail("not-leader", "not the primary yet");
}

function failingOver(pb: PbState): Reply {
  return fail("temporarily-unavailable", "failover in progress", { leader: pb.handover!.to });
}

/**
 * Primary-backup replication with sync, async and semi-sync modes and failover.
 *
 * @example
 * ```ts
 * import { primaryBackup } from "./primary_backup.ts";
 * primaryBackup.name; // "primary-backup"
 * ```
 */
export const primaryBackup: Protocol<PrimaryBackupMessage, PrimaryBackupOp> = {
  name: "primary-backup",
  operations: [
    ...KV_OPERATIONS,
    {
      f: "set-mode",
      summary: "switch replication: sync, async or semi-sync",
      kind: "write",
      idempotent: true,
      args: { mode: { type: "string", summary: "sync, async or semi-sync" } },
    },
    {
      f: "failover",
      summary: "hand the primary's part to a backup (the most up to date by default)",
      kind: "write",
      idempotent: false,
      args: { to: { type: "string", summary: "the backup to promote", optional: true } },
    },
  ],
  description: "primary-backup replication: sync / async / semi-sync, failover",
  tickMs: 5,
  liveOptions: { heartbeatMs: 100, failureTimeoutMs: 1000, semiSyncTimeoutMs: 1000 },
  display: {
    headline: { kind: "leader", noun: "primary", term: "epoch" },
    columns: [
      { header: "ROLE", field: "role" },
      { header: "EPOCH", field: "status.epoch" },
      { header: "MODE", field: "status.mode", alt: "status.effectiveMode" },
      { header: "SEQ", field: "status.seq" },
      // Changes each backup is behind, and for how long (known at the primary only).
      { header: "LAG", field: "status.lag", format: "pairs", with: "status.lagMs", suffix: "ms" },
      { header: "SUSPECTS", field: "status.suspects", format: "list" },
    ],
  },
  events: ["failover", "handover", "mode", "role", "semi-sync", "suspect"],
  messages: primaryBackupMessages,
  create: createNode,
};
