/**
 * What a broker does while it leads a partition: it takes office (stamping the
 * offsets with its epoch, and appending a control record when its log holds records
 * not yet known to be committed), replicates to its followers, moves the high
 * watermark (a majority holds the records, and the last of them is of its own epoch),
 * answers the requests waiting on it, and steps down — when it learns of a later epoch,
 * or when no majority has answered for 2 × `electionMs` (so a leader cut off from its
 * followers stops taking requests it could never acknowledge).
 *
 * @module
 */

import type { NodeId, Reply } from "../node.ts";
import { fail, info } from "../reply.ts";
import { committable, majority } from "./leader_epoch.ts";
import type { BusMessage } from "./message.ts";
import { appendRecord, raiseHw, stampOffsets } from "./partition.ts";
import {
  type BrokerCore,
  electionDeadline,
  type FollowerState,
  type PartitionSlot,
} from "./slot.ts";

/**
 * Makes this broker the leader of the slot's current epoch (which it has won).
 * `answerPolls` is called whenever the high watermark moves, to answer long polls.
 *
 * @example
 * ```ts
 * import { becomeLeader } from "./leader.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * becomeLeader(core, slot, () => {});
 * ```
 */
export function becomeLeader(
  core: BrokerCore,
  slot: PartitionSlot,
  answerPolls: (slot: PartitionSlot) => void,
): void {
  const { host } = core;
  const r = slot.replica;
  const followers = new Map<NodeId, FollowerState>();
  for (const f of slot.replicas) {
    if (f === host.id) continue;
    followers.set(f, {
      match: 0,
      next: r.log.length,
      offsetsVersion: 0,
      lastAck: -Infinity,
      caughtUp: -Infinity,
    });
  }
  slot.role = "leader";
  slot.leader = host.id;
  slot.votes.clear();
  slot.led = {
    since: host.now(),
    followers,
    produceWaiters: [],
    commitWaiters: [],
    pollWaiters: [],
    nextHeartbeat: host.now(),
  };
  stampOffsets(host.storage, r, r.epoch);
  if (r.hw < r.log.length) {
    // Records of earlier epochs count as committed only with one of ours after them.
    appendRecord(host.storage, r, {
      key: "",
      value: null,
      at: host.now(),
      epoch: r.epoch,
      control: true,
    });
  }
  host.emit("bus-leader", { topic: slot.topic, partition: slot.partition, epoch: r.epoch });
  replicateAll(core, slot);
  advance(core, slot, answerPolls);
}

/**
 * Stops leading: requests waiting on this leadership are answered (a produce or commit
 * indefinitely — the next leader may still commit it; a long poll with `not-leader`).
 *
 * @example
 * ```ts
 * import { resign } from "./leader.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * resign(core, slot, null);
 * ```
 */
export function resign(core: BrokerCore, slot: PartitionSlot, leader: NodeId | null): void {
  const l = slot.led;
  slot.role = "follower";
  slot.leader = leader;
  slot.led = null;
  slot.electionAt = electionDeadline(core);
  if (l === null) return;
  const why = "leadership lost before the record was acknowledged";
  for (const w of l.produceWaiters) w.respond(info("timeout", why));
  for (const w of l.commitWaiters) w.respond(info("timeout", why));
  for (const w of l.pollWaiters) w.respond(notLeader(core, slot));
}

/**
 * The `not-leader` failure, with the broker's hint of who leads.
 *
 * @example
 * ```ts
 * import { notLeader } from "./leader.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * notLeader(core, slot).code; // 1000
 * ```
 */
export function notLeader(core: BrokerCore, slot: PartitionSlot): Reply & { type: "fail" } {
  const me = core.host.id;
  const leader = slot.leader === me ? null : slot.leader;
  return fail("not-leader", `${me} does not lead ${slot.topic}/${slot.partition}`, { leader });
}

/**
 * Sends a follower the records it lacks (up to `batch`) with the high watermark and the
 * offsets; an empty append is the heartbeat.
 *
 * @example
 * ```ts
 * import { replicate } from "./leader.ts";
 * import type { BrokerCore, FollowerState, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot, f: FollowerState;
 * replicate(core, slot, "n2", f);
 * ```
 */
export function replicate(
  core: BrokerCore,
  slot: PartitionSlot,
  to: NodeId,
  f: FollowerState,
): void {
  const r = slot.replica;
  const from = Math.min(f.next, r.log.length);
  const entries = r.log.slice(from, from + core.o.batch);
  f.next = from + entries.length;
  core.host.send(to, {
    type: "bus/append",
    topic: r.topic,
    partition: r.partition,
    epoch: r.epoch,
    from,
    prevEpoch: from === 0 ? 0 : r.log[from - 1]!.epoch,
    entries,
    hw: r.hw,
    offsets: Object.fromEntries(r.offsets),
    offsetsVersion: r.offsetsVersion,
  });
}

/**
 * Replicates to every follower.
 *
 * @example
 * ```ts
 * import { replicateAll } from "./leader.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * replicateAll(core, slot);
 * ```
 */
export function replicateAll(core: BrokerCore, slot: PartitionSlot): void {
  for (const [to, f] of slot.led?.followers ?? []) replicate(core, slot, to, f);
}

/** The largest value a majority of replicas (leader included) has reached. */
function majorityValue(slot: PartitionSlot, own: number, of: (f: FollowerState) => number) {
  const l = slot.led!;
  const values = [own, ...[...l.followers.values()].map(of)].sort((a, b) => b - a);
  return values[majority(slot.replicas.length) - 1] ?? 0;
}

/**
 * Moves the high watermark as far as the replicas allow and answers what waited on it.
 *
 * @example
 * ```ts
 * import { advance } from "./leader.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * advance(core, slot, () => {});
 * ```
 */
export function advance(
  core: BrokerCore,
  slot: PartitionSlot,
  answerPolls: (slot: PartitionSlot) => void,
): void {
  const l = slot.led;
  if (l === null) return;
  const { host, config } = core;
  const r = slot.replica;
  const hw = committable(r.log, r.epoch, majorityValue(slot, r.log.length, (f) => f.match), r.hw);
  if (raiseHw(host.storage, r, hw)) {
    host.emit("bus-hw", { topic: r.topic, partition: r.partition, hw: r.hw });
  }
  // acks "all": a majority, and besides every follower still in sync (Kafka's acks=all
  // on the ISR); a follower that fell behind or silent leaves the set after isrLagMs.
  const now = host.now();
  const all = config.acks === "all";
  const acked = (offset: number) =>
    offset < r.hw &&
    (!all ||
      [...l.followers.values()].every((f) => f.match > offset || !inSync(core, slot, f, now)));
  if (l.produceWaiters.length > 0) {
    const ready = l.produceWaiters.filter((w) => acked(w.at));
    l.produceWaiters = l.produceWaiters.filter((w) => !acked(w.at));
    for (const w of ready) {
      w.respond({ type: "ok", value: { partition: r.partition, offset: w.at, epoch: r.epoch } });
    }
  }
  if (l.commitWaiters.length > 0) {
    const version = majorityValue(slot, r.offsetsVersion, (f) => f.offsetsVersion);
    const done = l.commitWaiters.filter((w) => w.at <= version);
    l.commitWaiters = l.commitWaiters.filter((w) => w.at > version);
    for (const w of done) w.respond({ type: "ok" });
  }
  if (l.pollWaiters.length > 0) answerPolls(slot);
}

/**
 * Whether a follower is in sync (in the ISR): heard from within `isrLagMs`, and caught
 * up with the leader's log end, or was within `isrLagMs`.
 *
 * @example
 * ```ts
 * import { inSync } from "./leader.ts";
 * import type { BrokerCore, FollowerState, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot, f: FollowerState;
 * inSync(core, slot, f, core.host.now());
 * ```
 */
export function inSync(
  core: BrokerCore,
  slot: PartitionSlot,
  f: FollowerState,
  now: number,
): boolean {
  const lag = core.o.isrLagMs;
  return now - f.lastAck <= lag &&
    (f.match >= slot.replica.log.length || now - f.caughtUp <= lag);
}

/**
 * A follower's answer to an append of this leader's epoch.
 *
 * @example
 * ```ts
 * import { onAppended } from "./leader.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * onAppended(core, slot, "n2", {
 *   type: "bus/appended", topic: "t", partition: 0, epoch: 1, success: true, length: 3,
 *   offsetsVersion: 0,
 * }, () => {});
 * ```
 */
export function onAppended(
  core: BrokerCore,
  slot: PartitionSlot,
  from: NodeId,
  m: Extract<BusMessage, { type: "bus/appended" }>,
  answerPolls: (slot: PartitionSlot) => void,
): void {
  const f = slot.led?.followers.get(from);
  if (f === undefined || m.epoch !== slot.replica.epoch) return;
  const now = core.host.now();
  const r = slot.replica;
  f.lastAck = now;
  if (m.success) {
    // Answers can arrive reordered or duplicated: only ever move forward.
    f.match = Math.max(f.match, Math.min(m.length, r.log.length));
    f.offsetsVersion = Math.max(f.offsetsVersion, m.offsetsVersion);
    if (f.match >= r.log.length) f.caughtUp = now;
  } else {
    // A gap or a disagreeing record: resend from where the follower says.
    f.next = Math.max(f.match, Math.min(m.length, r.log.length));
    replicate(core, slot, from, f);
  }
  advance(core, slot, answerPolls);
}

/**
 * A leader's tick: time out what waited too long, step down without a majority, and
 * send heartbeats (which also resend what was lost).
 *
 * @example
 * ```ts
 * import { leaderTick } from "./leader.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * leaderTick(core, slot, () => {});
 * ```
 */
export function leaderTick(
  core: BrokerCore,
  slot: PartitionSlot,
  answerPolls: (slot: PartitionSlot, expiredOnly?: boolean) => void,
): void {
  const l = slot.led;
  if (l === null) return;
  const { host, o } = core;
  const now = host.now();
  if (l.produceWaiters.some((w) => w.deadline <= now)) {
    for (const w of l.produceWaiters) {
      if (w.deadline <= now) w.respond(info("timeout", "not acknowledged by a quorum in time"));
    }
    l.produceWaiters = l.produceWaiters.filter((w) => w.deadline > now);
  }
  if (l.commitWaiters.some((w) => w.deadline <= now)) {
    for (const w of l.commitWaiters) {
      if (w.deadline <= now) {
        w.respond(info("timeout", "commit not acknowledged by a quorum in time"));
      }
    }
    l.commitWaiters = l.commitWaiters.filter((w) => w.deadline > now);
  }
  if (l.pollWaiters.some((w) => w.deadline <= now)) answerPolls(slot, true);
  // With acks "all", a follower leaving the in-sync set may be what a produce waits for.
  if (core.config.acks === "all" && l.produceWaiters.length > 0) advance(core, slot, answerPolls);
  const lease = 2 * o.electionMs;
  if (now - l.since >= lease) {
    let heard = 1;
    for (const f of l.followers.values()) if (now - f.lastAck < lease) heard++;
    if (heard < majority(slot.replicas.length)) {
      host.emit("bus-step-down", { topic: slot.topic, partition: slot.partition });
      return resign(core, slot, null);
    }
  }
  if (now < l.nextHeartbeat) return;
  l.nextHeartbeat = now + o.replicateMs;
  for (const [to, f] of l.followers) {
    f.next = f.match;
    replicate(core, slot, to, f);
  }
}
