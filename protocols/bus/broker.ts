/**
 * A broker of the message bus, written to be embedded: the `bus` protocol runs one on
 * every node, and the choreographed saga runs them on its broker nodes. It holds the
 * replicas placed on it (see `config.ts`), and for each takes its part in the
 * partition's leadership:
 *
 * - every partition has one **leader** per leader epoch, elected by a majority of its
 *   replicas (`election.ts`; epoch 1 is its first replica's). The leader appends
 *   produced records, replicates them (`leader.ts`) and acknowledges a record once a
 *   majority holds it and it is committed — the high watermark (`acks: "all"` waits for
 *   every replica too); it serves polls up to the high watermark only, and keeps the
 *   consumer groups' committed offsets, replicated the same way;
 * - a **follower** applies its leader's appends, cutting off an uncommitted tail its
 *   leader does not have (`follower.ts`), and stands for election when its leader falls
 *   silent; a new leader is elected within an election timeout or two, and only a
 *   replica holding every committed record can win, so nothing acknowledged is lost.
 *
 * Any other replica answers a client `not-leader`, with the leader it knows of as a
 * hint. The in-sync replica set (followers caught up within `isrLagMs`) is shown in the
 * status.
 *
 * A produce carrying `producer` and `seq` is idempotent: a retry of one already
 * appended returns the original offset instead of appending it again.
 *
 * @module
 */

import type { NodeId, Reply } from "../node.ts";
import { type BusConfig, partitionOf, replicasOf } from "./config.ts";
import type { BusMessage, BusOp, Delivered, PollResult } from "./message.ts";
import {
  appendRecord,
  commitOffset,
  duplicateOffset,
  loadReplica,
  type PartitionReplica,
  saveEpoch,
} from "./partition.ts";
import { fail } from "../reply.ts";
import { FIRST_EPOCH, firstLeader } from "./leader_epoch.ts";
import {
  advance,
  becomeLeader,
  inSync,
  leaderTick,
  notLeader,
  onAppended,
  replicateAll,
} from "./leader.ts";
import { adoptEpoch, campaign, onVote, onVoted, preCampaign } from "./election.ts";
import { onAppend } from "./follower.ts";
import {
  type BrokerCore,
  type BrokerHost,
  type BrokerOptions,
  electionDeadline,
  type PartitionSlot,
  slotKey,
} from "./slot.ts";

export { type BrokerHost, type BrokerOptions, brokerOptions } from "./slot.ts";

/**
 * A partition as its replica on this broker sees it (for status and invariant checks).
 *
 * @example
 * ```ts
 * import type { PartitionView } from "./broker.ts";
 * function acknowledged(v: PartitionView): number {
 *   return v.leader ? v.replica.hw : 0;
 * }
 * ```
 */
export interface PartitionView {
  readonly topic: string;
  readonly partition: number;
  /** Whether this broker leads the partition now (in `replica.epoch`). */
  readonly leader: boolean;
  readonly replica: PartitionReplica;
}

/**
 * An embedded broker.
 *
 * @example
 * ```ts
 * import type { Broker } from "./broker.ts";
 * function logLengths(b: Broker): number[] {
 *   return b.partitions().map((v) => v.replica.log.length);
 * }
 * ```
 */
export interface Broker {
  /** Handles a client operation; `respond` is called once, now or later. */
  handle(op: BusOp, respond: (reply: Reply) => void): void;
  /** Handles a replication or election message; false if it is not one. */
  message(from: NodeId, m: BusMessage): boolean;
  tick(): void;
  status(): Record<string, unknown>;
  /** Every partition replica on this broker. */
  partitions(): readonly PartitionView[];
}

type PollOp = Extract<BusOp, { f: "poll" }>;

/**
 * Creates a broker for the replicas `config` places on `host.id`, recovering them from
 * storage. A recovered replica starts as a follower (its leadership, if it had one, is
 * over); a partition with a single replica is led by it at once.
 *
 * @example
 * ```ts
 * import { brokerOptions, createBroker } from "./broker.ts";
 * import { busConfig } from "./config.ts";
 * import type { BrokerHost } from "./broker.ts";
 * declare const host: BrokerHost;
 * const broker = createBroker(host, busConfig(["n1", "n2", "n3"], {}), brokerOptions({}));
 * ```
 */
export function createBroker(host: BrokerHost, config: BusConfig, o: BrokerOptions): Broker {
  const core: BrokerCore = { host, config, o };
  const slots = new Map<string, PartitionSlot>();

  const poll = (slot: PartitionSlot, op: PollOp, respond: (r: Reply) => void, until: number) => {
    const l = slot.led;
    if (l === null) return respond(notLeader(core, slot));
    const r = slot.replica;
    const committed = op.group === undefined ? 0 : r.offsets.get(op.group) ?? 0;
    const from = Math.max(0, op.offset ?? committed);
    const to = Math.min(r.hw, from + (op.max ?? 100));
    // Long poll: nothing new yet, so answer when the high watermark moves or time is up.
    if (to <= from && until > host.now()) {
      l.pollWaiters.push({ at: { ...op, offset: from }, deadline: until, respond });
      return;
    }
    const records: Delivered[] = [];
    for (let offset = from; offset < to; offset++) {
      records.push({ ...r.log[offset]!, topic: op.topic, partition: op.partition, offset });
    }
    const result: PollResult = { records, next: Math.max(from, to), committed, hw: r.hw };
    respond({ type: "ok", value: result });
  };

  const answerPolls = (slot: PartitionSlot, expiredOnly = false) => {
    const l = slot.led;
    if (l === null) return;
    const now = host.now();
    const waiting = l.pollWaiters;
    l.pollWaiters = expiredOnly ? waiting.filter((w) => w.deadline > now) : [];
    for (const w of waiting) {
      if (!expiredOnly || w.deadline <= now) {
        poll(slot, w.at, w.respond, expiredOnly ? now : w.deadline);
      }
    }
  };

  for (const [topic, t] of Object.entries(config.topics)) {
    for (let p = 0; p < t.partitions; p++) {
      const replicas = replicasOf(config, topic, p);
      if (!replicas.includes(host.id)) continue;
      const replica = loadReplica(host.storage, topic, p);
      const slot: PartitionSlot = {
        topic,
        partition: p,
        replicas,
        replica,
        role: "follower",
        leader: null,
        electionAt: 0,
        votes: new Set(),
        preVotes: new Set(),
        prevoting: false,
        heardAt: -Infinity,
        led: null,
      };
      slot.electionAt = electionDeadline(core);
      slots.set(slotKey(topic, p), slot);
      if (replica.epoch === 0) {
        // A fresh partition: epoch 1 belongs to its first replica, without an election.
        saveEpoch(host.storage, replica, FIRST_EPOCH, firstLeader(replicas));
        slot.leader = firstLeader(replicas);
        if (slot.leader === host.id) becomeLeader(core, slot, answerPolls);
      } else if (replicas.length === 1) {
        campaign(core, slot, answerPolls);
      }
    }
  }

  // One view per slot for the broker's life: `leader` is read from the slot when asked.
  const views: readonly PartitionView[] = [...slots.values()].map((s) => ({
    topic: s.topic,
    partition: s.partition,
    get leader() {
      return s.role === "leader";
    },
    replica: s.replica,
  }));

  const slotOr = (topic: string, p: number, respond: (r: Reply) => void) => {
    const slot = slots.get(slotKey(topic, p));
    if (slot !== undefined) return slot;
    const hint = replicasOf(config, topic, p)[0];
    respond(fail("not-leader", `${host.id} holds no replica of ${topic}/${p}`, { leader: hint }));
    return null;
  };

  const produce = (op: Extract<BusOp, { f: "produce" }>, respond: (r: Reply) => void) => {
    const p = op.partition ?? partitionOf(config, op.topic, op.key);
    const slot = slotOr(op.topic, p, respond);
    if (slot === null) return;
    const l = slot.led;
    if (l === null) return respond(notLeader(core, slot));
    const r = slot.replica;
    let offset = duplicateOffset(r, op.producer, op.seq);
    if (offset === undefined) {
      offset = appendRecord(host.storage, r, {
        key: op.key,
        value: op.value,
        producer: op.producer,
        seq: op.seq,
        at: host.now(),
        epoch: r.epoch,
      });
      replicateAll(core, slot);
    }
    if (config.acks === "leader") {
      // Acknowledged once the leader holds it: a failover may lose it (Kafka's acks=1).
      return respond({ type: "ok", value: { partition: p, offset, epoch: r.epoch } });
    }
    l.produceWaiters.push({ at: offset, deadline: host.now() + o.produceTimeoutMs, respond });
    advance(core, slot, answerPolls);
  };

  const commit = (op: Extract<BusOp, { f: "commit" }>, respond: (r: Reply) => void) => {
    const slot = slotOr(op.topic, op.partition, respond);
    if (slot === null) return;
    const l = slot.led;
    if (l === null) return respond(notLeader(core, slot));
    const r = slot.replica;
    if (commitOffset(host.storage, r, op.group, op.offset)) replicateAll(core, slot);
    l.commitWaiters.push({
      at: r.offsetsVersion,
      deadline: host.now() + o.produceTimeoutMs,
      respond,
    });
    advance(core, slot, answerPolls);
  };

  const metadata = (respond: (r: Reply) => void) => {
    const partitions: Record<string, NodeId[]> = {};
    const leaders: Record<string, NodeId | null> = {};
    for (const [topic, t] of Object.entries(config.topics)) {
      for (let p = 0; p < t.partitions; p++) {
        partitions[slotKey(topic, p)] = replicasOf(config, topic, p);
        const s = slots.get(slotKey(topic, p));
        if (s !== undefined) leaders[slotKey(topic, p)] = s.leader;
      }
    }
    respond({ type: "ok", value: { topics: config.topics, partitions, leaders } });
  };

  return {
    handle(op, respond) {
      try {
        switch (op.f) {
          case "produce":
            return produce(op, respond);
          case "poll": {
            const slot = slotOr(op.topic, op.partition, respond);
            if (slot === null) return;
            return poll(slot, op, respond, host.now() + (op.waitMs ?? 0));
          }
          case "commit":
            return commit(op, respond);
          case "metadata":
            return metadata(respond);
          default:
            return respond(fail("not-supported", "unknown bus operation"));
        }
      } catch (e) {
        respond(fail("malformed-request", e instanceof Error ? e.message : String(e)));
      }
    },
    message(from, m) {
      if (m.type === "bus/request" || m.type === "bus/reply") return false;
      const slot = slots.get(slotKey(m.topic, m.partition));
      if (slot === undefined || !slot.replicas.includes(from)) return true;
      switch (m.type) {
        case "bus/append":
          adoptEpoch(core, slot, m.epoch, from);
          onAppend(core, slot, from, m);
          break;
        case "bus/appended":
          if (m.epoch > slot.replica.epoch) adoptEpoch(core, slot, m.epoch, null);
          else onAppended(core, slot, from, m, answerPolls);
          break;
        case "bus/vote":
          onVote(core, slot, from, m);
          break;
        case "bus/voted":
          onVoted(core, slot, from, m, answerPolls);
          break;
      }
      return true;
    },
    tick() {
      const now = host.now();
      for (const slot of slots.values()) {
        if (slot.role === "leader") leaderTick(core, slot, answerPolls);
        else if (now >= slot.electionAt) preCampaign(core, slot, answerPolls);
      }
    },
    status() {
      const now = host.now();
      const parts: Record<string, unknown> = {};
      for (const [k, s] of slots) {
        const r = s.replica;
        const l = s.led;
        parts[k] = l === null
          ? {
            leader: false,
            role: s.role,
            epoch: r.epoch,
            follows: s.leader,
            length: r.log.length,
            hw: r.hw,
          }
          : {
            leader: true,
            role: s.role,
            epoch: r.epoch,
            length: r.log.length,
            hw: r.hw,
            isr: [
              host.id,
              ...[...l.followers].filter(([, f]) => inSync(core, s, f, now)).map(([n]) => n),
            ],
            lag: Object.fromEntries([...l.followers].map(([n, f]) => [n, r.log.length - f.match])),
            offsets: Object.fromEntries(r.offsets),
          };
      }
      const leads = [...slots].filter(([, s]) => s.role === "leader").map(([k]) => k);
      const each = <T>(f: (s: PartitionSlot) => T) =>
        Object.fromEntries([...slots].map(([k, s]) => [k, f(s)]));
      return {
        role: "broker",
        acks: config.acks,
        leads,
        leaders: each((s) => s.leader ?? "-"),
        epochs: each((s) => s.replica.epoch),
        hw: each((s) => s.replica.hw),
        length: each((s) => s.replica.log.length),
        partitions: parts,
      };
    },
    partitions: () => views,
  };
}
