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

import type { KvOp } from "../kv.ts";
import { applyKvOp, validateKvOp } from "../kv_store.ts";
import type { NodeContext, NodeId, Protocol, ProtocolNode, Reply } from "../node.ts";
import { memberIndex, sortMembers } from "../paxos/ballot.ts";
import { chooseSuccessor } from "./succession.ts";
import { mayAcknowledge, shouldFallBack, someBackupCaughtUp } from "./ack_policy.ts";
import { createPeerDetector } from "./detector.ts";
import type { Change, PrimaryBackupMessage, PrimaryBackupOp } from "./message.ts";
import { isReplicationMode, type ReplicationMode } from "./mode.ts";
import { parsePrimaryBackupOptions } from "./options.ts";
import { fail, info } from "../reply.ts";

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

function createNode(
  ctx: NodeContext<PrimaryBackupMessage>,
): ProtocolNode<PrimaryBackupMessage, PrimaryBackupOp> {
  const o = parsePrimaryBackupOptions(ctx.options);
  const storage = ctx.storage;
  const members = sortMembers([ctx.id, ...ctx.peers]);
  const restarted = storage.get(P + "epoch") !== undefined;

  // --- durable state ---
  let epoch = (storage.get(P + "epoch") as number | undefined) ?? 0;
  let primary = (storage.get(P + "primary") as NodeId | undefined) ?? o.primary ?? members[0]!;
  let mode = (storage.get(P + "mode") as ReplicationMode | undefined) ?? o.mode;
  let seq = (storage.get(P + "seq") as number | undefined) ?? 0;
  const data = new Map<string, unknown>();
  for (const k of storage.keys(P + "kv/")) data.set(k.slice(P.length + 3), storage.get(k));
  if (!restarted) {
    storage.set(P + "epoch", epoch);
    storage.set(P + "primary", primary);
  }

  // --- volatile state ---
  let role: PrimaryBackupRole = primary !== ctx.id
    ? "backup"
    : restarted
    ? "recovering"
    : "primary";
  // Recent changes with the time this node applied them (for catch-up and lag).
  let log: { change: Change; at: number }[] = [];
  const detector = createPeerDetector(o.detector, ctx.peers, ctx.now(), {
    timeoutMs: o.failureTimeoutMs,
    intervalMs: o.heartbeatMs,
    phiThreshold: o.phiThreshold,
  });
  // Primary.
  const acked = new Map<NodeId, number>();
  // When each backup last made progress (or was last sent its missing changes).
  const lastProgress = new Map<NodeId, number>();
  let waiting: WaitingWrite[] = [];
  let fallback = false;
  let handover: Handover | null = null;
  let nextHeartbeat = 0;
  // Async: acknowledged changes not yet shipped, and when the next batch leaves.
  let unshipped: Change[] = [];
  let nextShip = 0;
  // Backup.
  let takeOver: { epoch: number; seq: number } | null = null;
  let probes = new Map<NodeId, Msg<"probe-reply">>();
  let probeDeadline = 0;
  let nextProbeAt = 0;
  let failovers = 0;
  // Waiting for a snapshot: this node's state may hold changes the primary never made, so
  // it applies and acknowledges nothing until the snapshot replaces it.
  let awaitingSnapshot = false;
  const waitingFailover: number[] = [];

  const backups = () => ctx.peers;
  const effectiveMode = (): ReplicationMode => mode === "semi-sync" && fallback ? "async" : mode;

  const persistView = () => {
    storage.set(P + "epoch", epoch);
    storage.set(P + "primary", primary);
  };

  const applyChange = (c: Change) => {
    const [s, key, value, deleted] = c;
    if (deleted) {
      data.delete(key);
      storage.delete(P + "kv/" + key);
    } else {
      data.set(key, value);
      storage.set(P + "kv/" + key, value);
    }
    seq = s;
    storage.set(P + "seq", seq);
    log.push({ change: c, at: ctx.now() });
    if (log.length > 2 * o.maxLog) log = log.slice(-o.maxLog);
    if (takeOver !== null && seq >= takeOver.seq) becomePrimary(takeOver.epoch);
  };

  const changesFrom = (from: number, limit: number): Change[] | null => {
    const first = log[0]?.change[0];
    if (from > seq) return [];
    if (first === undefined || from < first) return null; // trimmed: needs a snapshot
    return log.slice(from - first, from - first + limit).map((e) => e.change);
  };

  const sendSnapshot = (to: NodeId) => {
    ctx.send(to, { type: "snapshot", epoch, seq, data: [...data] });
  };

  // --- primary: acknowledging writes ---

  const inSync = (): NodeId[] => backups().filter((b) => !detector.suspects(b, ctx.now()));

  const release = () => {
    const m = effectiveMode();
    const set = inSync();
    while (waiting.length > 0 && mayAcknowledge(m, waiting[0]!.seq, acked, set)) {
      ctx.reply(waiting.shift()!.request, { type: "ok" });
    }
  };

  const demote = (reason: string) => {
    for (const w of waiting) ctx.reply(w.request, info("crash", `demoted: ${reason}`));
    waiting = [];
    unshipped = [];
    if (handover !== null) {
      ctx.reply(handover.request, { type: "ok", value: { primary } });
      handover = null;
    }
    fallback = false;
    role = "backup";
    detector.reset(primary, ctx.now());
    ctx.emit("role", { role, epoch, primary, reason });
  };

  const becomePrimary = (newEpoch: number) => {
    takeOver = null;
    epoch = newEpoch;
    primary = ctx.id;
    persistView();
    role = "primary";
    failovers++;
    fallback = false;
    waiting = [];
    acked.clear();
    for (const [n, r] of probes) if (n !== ctx.id && r.epoch === epoch - 1) acked.set(n, r.seq);
    // Backups answer the view with their position; wait for that before resending,
    // and trust them until then (they had no reason to talk to this node before).
    for (const b of backups()) {
      lastProgress.set(b, ctx.now());
      detector.reset(b, ctx.now());
    }
    probes = new Map();
    nextHeartbeat = 0;
    ctx.emit("failover", { primary: ctx.id, epoch, seq });
    for (const b of backups()) ctx.send(b, { type: "view", epoch, primary: ctx.id, seq, mode });
    for (const id of waitingFailover.splice(0)) {
      ctx.reply(id, { type: "ok", value: { primary: ctx.id } });
    }
  };

  // A node learns of a newer epoch: follow its primary; a node whose state may contain
  // changes the new primary never saw (it was primary, or it is ahead) starts afresh
  // from a snapshot.
  const adoptView = (newEpoch: number, newPrimary: NodeId, baseSeq: number | null) => {
    const wasPrimary = role === "primary" || role === "recovering";
    epoch = newEpoch;
    primary = newPrimary;
    persistView();
    takeOver = null;
    if (wasPrimary) demote(`epoch ${newEpoch} has primary ${newPrimary}`);
    else {
      role = "backup";
      detector.reset(primary, ctx.now());
    }
    probes = new Map();
    if (wasPrimary || baseSeq === null || seq > baseSeq) {
      awaitingSnapshot = true;
      ctx.send(primary, { type: "snapshot-request", epoch });
    } else {
      ctx.send(primary, { type: "ack", epoch, seq });
    }
  };

  // --- backup: failover ---

  const startProbe = () => {
    role = role === "recovering" ? "recovering" : "electing";
    probes = new Map([[ctx.id, {
      type: "probe-reply",
      epoch,
      primary,
      seq: awaitingSnapshot ? -1 : seq,
      trusts: false,
    }]]);
    probeDeadline = ctx.now() + o.probeWaitMs;
    for (const p of ctx.peers) ctx.send(p, { type: "probe", epoch });
  };

  const finishProbe = () => {
    if (role === "recovering") {
      // Nobody knows a newer epoch: this node is still the primary.
      for (const [n, r] of probes) if (n !== ctx.id) acked.set(n, r.seq);
      for (const b of backups()) detector.reset(b, ctx.now());
      probes = new Map();
      role = "primary";
      nextHeartbeat = 0;
      ctx.emit("role", { role, epoch, reason: "recovered" });
      return;
    }
    const next = chooseSuccessor(probes, { primary, epoch, members });
    role = "backup";
    if (next.decision === "primary-alive") return detector.reset(primary, ctx.now());
    // Ask again shortly: heartbeats may only be slower to reach another backup.
    if (next.decision === "wait") nextProbeAt = ctx.now() + o.probeWaitMs;
    else if (next.node === ctx.id) becomePrimary(epoch + 1);
    // Give the chosen node a detector timeout to announce itself; the old primary stays
    // suspected, so this node does not vouch for it meanwhile.
    else nextProbeAt = ctx.now() + o.failureTimeoutMs;
  };

  // --- message handling ---

  const fromCurrentPrimary = (from: NodeId, e: number): boolean => {
    if (e < epoch) {
      // A primary from an older epoch: tell it who the primary is now.
      ctx.send(from, { type: "view", epoch, primary, seq, mode });
      return false;
    }
    if (e > epoch) adoptView(e, from, null);
    if (e === epoch && role === "primary" && from !== ctx.id) {
      // Two primaries in one epoch (electors that saw different positions): the lower
      // node number keeps it.
      if (memberIndex(from, members) < memberIndex(ctx.id, members)) adoptView(epoch, from, null);
      else return false;
    }
    if (from !== primary || role === "primary") return false;
    if (role === "electing") role = "backup";
    detector.heard(from, ctx.now());
    return true;
  };

  const onPrimaryMessage = (from: NodeId, m: PrimaryBackupMessage) => {
    switch (m.type) {
      case "replicate": {
        if (!fromCurrentPrimary(from, m.epoch)) return;
        setMode(m.mode);
        if (awaitingSnapshot) return;
        for (const c of m.changes) if (c[0] === seq + 1) applyChange(c);
        ctx.send(from, { type: "ack", epoch, seq });
        return;
      }
      case "heartbeat": {
        if (!fromCurrentPrimary(from, m.epoch)) return;
        setMode(m.mode);
        // A lost snapshot request or snapshot: ask again, once per heartbeat.
        if (awaitingSnapshot) ctx.send(from, { type: "snapshot-request", epoch });
        else ctx.send(from, { type: "ack", epoch, seq });
        return;
      }
      case "snapshot": {
        if (!fromCurrentPrimary(from, m.epoch)) return;
        for (const k of [...data.keys()]) storage.delete(P + "kv/" + k);
        data.clear();
        for (const [k, v] of m.data) {
          data.set(k, v);
          storage.set(P + "kv/" + k, v);
        }
        seq = m.seq;
        storage.set(P + "seq", seq);
        log = [];
        awaitingSnapshot = false;
        ctx.send(from, { type: "ack", epoch, seq });
        return;
      }
      case "handover": {
        if (m.epoch !== epoch + 1 || from !== primary || awaitingSnapshot) return;
        detector.heard(from, ctx.now());
        takeOver = { epoch: m.epoch, seq: m.seq };
        if (seq >= m.seq) becomePrimary(m.epoch);
        return;
      }
    }
  };

  const setMode = (m: ReplicationMode) => {
    if (m === mode || !isReplicationMode(m)) return;
    mode = m;
    storage.set(P + "mode", mode);
  };

  const onAck = (from: NodeId, m: Msg<"ack">) => {
    if (role !== "primary" || m.epoch !== epoch) return;
    detector.heard(from, ctx.now());
    // A backup that reports more than we have holds changes we never made (it followed
    // a primary we do not know of): it must start afresh.
    if (m.seq > seq) {
      acked.set(from, 0);
      return sendSnapshot(from);
    }
    if (m.seq > (acked.get(from) ?? -1)) {
      acked.set(from, m.seq);
      lastProgress.set(from, ctx.now());
    }
    if (fallback && someBackupCaughtUp(acked, seq)) {
      fallback = false;
      ctx.emit("semi-sync", { restored: true, seq });
    }
    release();
  };

  const handle = (from: NodeId, m: PrimaryBackupMessage) => {
    switch (m.type) {
      case "replicate":
      case "heartbeat":
      case "snapshot":
      case "handover":
        return onPrimaryMessage(from, m);
      case "ack":
        return onAck(from, m);
      case "snapshot-request":
        if (role === "primary" && m.epoch === epoch) sendSnapshot(from);
        return;
      case "probe":
        if (m.epoch > epoch) return; // it will hear about its own epoch from its primary
        ctx.send(from, {
          type: "probe-reply",
          epoch,
          primary,
          seq: awaitingSnapshot ? -1 : seq, // a diverged state must not win an election
          trusts: role === "primary" ||
            (from !== primary && !detector.suspects(primary, ctx.now())),
        });
        return;
      case "probe-reply":
        if (m.epoch > epoch) return adoptView(m.epoch, m.primary, null);
        if (role === "electing" || role === "recovering") probes.set(from, m);
        return;
      case "view":
        if (m.epoch > epoch) {
          adoptView(m.epoch, m.primary, m.seq);
          setMode(m.mode);
        } else if (m.epoch < epoch && role === "primary") {
          ctx.send(from, { type: "view", epoch, primary, seq, mode });
        }
        return;
    }
  };

  // --- primary duties on tick ---

  const primaryTick = (now: number) => {
    if (now >= nextShip) {
      nextShip = now + o.asyncShipMs;
      ship();
    }
    if (now >= nextHeartbeat) {
      nextHeartbeat = now + o.heartbeatMs;
      for (const b of backups()) ctx.send(b, { type: "heartbeat", epoch, mode, seq });
    }
    for (const b of backups()) {
      const at = acked.get(b) ?? 0;
      if (at >= seq || now - (lastProgress.get(b) ?? -Infinity) < o.retransmitMs) continue;
      if (detector.suspects(b, now)) continue;
      lastProgress.set(b, now);
      const changes = changesFrom(at + 1, 500);
      if (changes === null) sendSnapshot(b);
      else if (changes.length > 0) ctx.send(b, { type: "replicate", epoch, mode, changes });
    }
    if (
      mode === "semi-sync" && !fallback &&
      shouldFallBack(waiting[0]?.since, now, o.semiSyncTimeoutMs)
    ) {
      fallback = true;
      ctx.emit("semi-sync", { restored: false, waitedMs: now - waiting[0]!.since });
    }
    release();
    if (handover !== null && now >= handover.deadline) {
      ctx.reply(
        handover.request,
        fail("temporarily-unavailable", `${handover.to} did not take over`),
      );
      handover = null;
    }
    // Keep only what some backup may still need.
    let min = seq;
    for (const b of backups()) min = Math.min(min, acked.get(b) ?? 0);
    const first = log[0]?.change[0];
    if (first !== undefined && min >= first) log = log.slice(min - first + 1);
  };

  // --- client requests ---

  const write = (id: number, op: KvOp) => {
    // Decide the operation on a copy of its key, so a failed `cas` changes nothing and a
    // successful one ships as a plain change.
    const scratch = new Map<string, unknown>(data.has(op.key) ? [[op.key, data.get(op.key)]] : []);
    const reply: Reply = applyKvOp(scratch, op);
    if (reply.type !== "ok") return ctx.reply(id, reply);
    const change: Change = scratch.has(op.key)
      ? [seq + 1, op.key, scratch.get(op.key), false]
      : [seq + 1, op.key, null, true];
    applyChange(change);
    unshipped.push(change);
    if (effectiveMode() !== "async") ship();
    waiting.push({ seq, request: id, since: ctx.now() });
    release();
  };

  const ship = () => {
    if (unshipped.length === 0) return;
    for (const b of backups()) ctx.send(b, { type: "replicate", epoch, mode, changes: unshipped });
    unshipped = [];
  };

  const admin = (id: number, op: Exclude<PrimaryBackupOp, KvOp>) => {
    if (op.f === "set-mode") {
      if (!isReplicationMode(op.mode)) {
        return ctx.reply(id, fail("malformed-request", "mode must be sync, async or semi-sync"));
      }
      const was = mode;
      ship();
      setMode(op.mode);
      fallback = false;
      for (const b of backups()) ctx.send(b, { type: "heartbeat", epoch, mode, seq });
      release();
      ctx.emit("mode", { mode, was });
      return ctx.reply(id, { type: "ok", value: { mode, was } });
    }
    // Manual failover: to the named backup, else the most up-to-date one.
    let to = op.to;
    if (to === undefined) {
      for (const b of backups()) {
        if (to === undefined || (acked.get(b) ?? 0) > (acked.get(to) ?? 0)) to = b;
      }
    }
    if (to === undefined || !ctx.peers.includes(to)) {
      return ctx.reply(id, fail("precondition-failed", `no backup ${to ?? ""} to fail over to`));
    }
    handover = {
      to,
      epoch: epoch + 1,
      request: id,
      deadline: ctx.now() + 10 * o.failureTimeoutMs,
    };
    ctx.emit("handover", { to, epoch: epoch + 1, seq });
    ctx.send(to, { type: "handover", epoch: epoch + 1, seq });
  };

  return {
    tick() {
      const now = ctx.now();
      if (role === "primary") return primaryTick(now);
      if (role === "electing" || role === "recovering") {
        if (probes.size === 0) startProbe();
        else if (now >= probeDeadline) finishProbe();
        return;
      }
      if (
        o.autoFailover && takeOver === null && now >= nextProbeAt && detector.suspects(primary, now)
      ) {
        ctx.emit("suspect", { primary, epoch });
        startProbe();
      }
    },
    message(from, m) {
      handle(from, m);
    },
    request(req) {
      const op = req.op;
      if (op.f === "set-mode" || op.f === "failover") {
        if (role !== "primary") return ctx.reply(req.id, notPrimary());
        if (handover !== null) return ctx.reply(req.id, failingOver());
        return admin(req.id, op);
      }
      const bad = validateKvOp(op);
      if (bad !== null) return ctx.reply(req.id, fail("malformed-request", bad));
      if (role !== "primary") return ctx.reply(req.id, notPrimary());
      if (op.f === "read") {
        return ctx.reply(req.id, { type: "ok", value: data.get(op.key) ?? null });
      }
      if (handover !== null) return ctx.reply(req.id, failingOver());
      write(req.id, op);
    },
    status() {
      const now = ctx.now();
      const lag: Record<NodeId, number> = {};
      const lagMs: Record<NodeId, number> = {};
      if (role === "primary") {
        const first = log[0]?.change[0];
        for (const b of backups()) {
          const at = acked.get(b) ?? 0;
          lag[b] = Math.max(0, seq - at);
          const e = first !== undefined && at + 1 >= first ? log[at + 1 - first] : undefined;
          lagMs[b] = at >= seq || e === undefined ? 0 : Math.round(now - e.at);
        }
      }
      return {
        role,
        epoch,
        term: epoch,
        primary,
        mode,
        effectiveMode: effectiveMode(),
        seq,
        commitIndex: seq,
        lag,
        lagMs,
        waiting: waiting.length,
        suspects: ctx.peers.filter((p) => detector.suspects(p, now)),
        failovers,
        handover: handover?.to ?? null,
        keys: data.size,
      };
    },
    dump: () => Object.fromEntries(data),
  };

  function notPrimary(): Reply {
    return primary !== ctx.id
      ? fail("not-leader", "not the primary", { leader: primary })
      : fail("not-leader", "not the primary yet");
  }

  function failingOver(): Reply {
    return fail("temporarily-unavailable", "failover in progress", { leader: handover!.to });
  }
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
  create: createNode,
};
