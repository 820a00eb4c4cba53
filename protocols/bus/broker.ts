/**
 * A broker of the message bus, written to be embedded: the `bus` protocol runs one on
 * every node, and the choreographed saga runs them on its broker nodes. It owns the
 * replicas placed on it (see `config.ts`):
 *
 * - as a partition's **leader** it appends produced records, replicates them to the
 *   followers and acknowledges a record once `ackQuorum` replicas (itself included)
 *   hold it — the high watermark; it serves polls up to the high watermark and keeps
 *   the consumer groups' committed offsets, replicated the same way;
 * - as a **follower** it applies the leader's appends and reports its length.
 *
 * Leadership is static (the first replica leads), so a follower's log is always a
 * prefix of its leader's and nothing acknowledged can be lost; the price is that a
 * partition whose leader is down accepts no writes until the leader restarts from its
 * durable log — there is no unclean leader election to trade durability for
 * availability. The in-sync replica set (followers caught up within `isrLagMs`) is
 * shown in the status.
 *
 * A produce carrying `producer` and `seq` is idempotent: a retry of one already
 * appended returns the original offset instead of appending it again.
 *
 * @module
 */

import type { NodeId, Reply } from "../node.ts";
import type { DurableStorage } from "../storage.ts";
import { ackQuorum, type BusConfig, partitionOf, replicasOf } from "./config.ts";
import type { BusMessage, BusOp, Delivered, PollResult } from "./message.ts";
import {
  appendRecord,
  applyAppend,
  commitOffset,
  duplicateOffset,
  loadReplica,
  type PartitionReplica,
  raiseHw,
} from "./partition.ts";
import { positiveOption } from "../options.ts";
import { fail, info } from "../reply.ts";

/**
 * What a broker needs from the node that hosts it.
 *
 * @example
 * ```ts
 * import type { BrokerHost } from "./broker.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { BusMessage } from "./message.ts";
 * declare const ctx: NodeContext<BusMessage>;
 * const host: BrokerHost = ctx; // a node context is a broker host
 * ```
 */
export interface BrokerHost {
  readonly id: NodeId;
  now(): number;
  readonly storage: DurableStorage;
  send(to: NodeId, message: BusMessage): void;
  emit(kind: string, data?: Record<string, unknown>): void;
}

/**
 * Timing options of a broker.
 *
 * @example
 * ```ts
 * import type { BrokerOptions } from "./broker.ts";
 * const o: BrokerOptions = { replicateMs: 20, produceTimeoutMs: 1000, isrLagMs: 200, batch: 50 };
 * ```
 */
export interface BrokerOptions {
  /** Replication heartbeat and resend period (default 50 ms). */
  readonly replicateMs: number;
  /** A produce not acknowledged by a quorum by then gets an indefinite answer (default 2000 ms). */
  readonly produceTimeoutMs: number;
  /** A follower lagging longer than this leaves the in-sync set (default 500 ms). */
  readonly isrLagMs: number;
  /** At most this many records per append message (default 100). */
  readonly batch: number;
}

/**
 * Reads broker options, filling in defaults.
 *
 * @example
 * ```ts
 * import { brokerOptions } from "./broker.ts";
 * brokerOptions({}).replicateMs; // 50
 * ```
 */
export function brokerOptions(raw: Readonly<Record<string, unknown>>): BrokerOptions {
  const num = (k: string, d: number): number => positiveOption(raw, k, d);
  return {
    replicateMs: num("replicateMs", 50),
    produceTimeoutMs: num("produceTimeoutMs", 2000),
    isrLagMs: num("isrLagMs", 500),
    batch: num("batch", 100),
  };
}

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
  /** Handles a replication message; false if it is not one (so the host can route it). */
  message(from: NodeId, m: BusMessage): boolean;
  tick(): void;
  status(): Record<string, unknown>;
  /** Every partition replica on this broker. */
  partitions(): readonly PartitionView[];
}

type PollOp = Extract<BusOp, { f: "poll" }>;

interface FollowerState {
  match: number;
  next: number;
  offsetsVersion: number;
  lastAck: number;
  caughtUp: number;
}

interface Led {
  readonly replica: PartitionReplica;
  readonly followers: Map<NodeId, FollowerState>;
  readonly quorum: number;
  produceWaiters: { offset: number; deadline: number; respond: (r: Reply) => void }[];
  commitWaiters: { version: number; deadline: number; respond: (r: Reply) => void }[];
  /** Long polls waiting for records past the high watermark. */
  pollWaiters: { op: PollOp; deadline: number; respond: (r: Reply) => void }[];
  nextHeartbeat: number;
}

/**
 * Creates a broker for the replicas `config` places on `host.id`, recovering them from
 * storage.
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
  const led = new Map<string, Led>();
  const followed = new Map<string, PartitionReplica>();
  const views: PartitionView[] = [];
  const key = (topic: string, p: number) => `${topic}/${p}`;

  for (const [topic, t] of Object.entries(config.topics)) {
    for (let p = 0; p < t.partitions; p++) {
      const replicas = replicasOf(config, topic, p);
      if (!replicas.includes(host.id)) continue;
      const replica = loadReplica(host.storage, topic, p);
      const leader = replicas[0] === host.id;
      views.push({ topic, partition: p, leader, replica });
      if (!leader) {
        followed.set(key(topic, p), replica);
        continue;
      }
      const followers = new Map<NodeId, FollowerState>();
      for (const f of replicas.slice(1)) {
        // After a restart the leader knows nothing of its followers: it learns their
        // lengths from their first answers.
        followers.set(f, {
          match: 0,
          next: 0,
          offsetsVersion: 0,
          lastAck: -Infinity,
          caughtUp: -Infinity,
        });
      }
      led.set(key(topic, p), {
        replica,
        followers,
        quorum: ackQuorum(config, topic),
        produceWaiters: [],
        commitWaiters: [],
        pollWaiters: [],
        nextHeartbeat: host.now(),
      });
    }
  }

  const replicate = (l: Led, to: NodeId, f: FollowerState) => {
    const r = l.replica;
    const from = Math.min(f.next, r.log.length);
    const entries = r.log.slice(from, from + o.batch);
    f.next = from + entries.length;
    host.send(to, {
      type: "bus/append",
      topic: r.topic,
      partition: r.partition,
      from,
      entries,
      hw: r.hw,
      offsets: Object.fromEntries(r.offsets),
      offsetsVersion: r.offsetsVersion,
    });
  };

  /** The largest value that at least `quorum` replicas (leader included) have reached. */
  const quorumValue = (l: Led, own: number, of: (f: FollowerState) => number) => {
    const values = [own, ...[...l.followers.values()].map(of)].sort((a, b) => b - a);
    return values[l.quorum - 1] ?? 0;
  };

  const advance = (l: Led) => {
    const r = l.replica;
    if (raiseHw(host.storage, r, quorumValue(l, r.log.length, (f) => f.match))) {
      host.emit("bus-hw", { topic: r.topic, partition: r.partition, hw: r.hw });
    }
    const ready = l.produceWaiters.filter((w) => w.offset < r.hw);
    l.produceWaiters = l.produceWaiters.filter((w) => w.offset >= r.hw);
    for (const w of ready) {
      w.respond({ type: "ok", value: { partition: r.partition, offset: w.offset } });
    }
    const version = quorumValue(l, r.offsetsVersion, (f) => f.offsetsVersion);
    const done = l.commitWaiters.filter((w) => w.version <= version);
    l.commitWaiters = l.commitWaiters.filter((w) => w.version > version);
    for (const w of done) w.respond({ type: "ok" });
    if (l.pollWaiters.length > 0) {
      const waiting = l.pollWaiters;
      l.pollWaiters = [];
      for (const w of waiting) poll(w.op, w.respond, w.deadline);
    }
  };

  const leaderOr = (topic: string, p: number, respond: (r: Reply) => void): Led | null => {
    const l = led.get(key(topic, p));
    if (l !== undefined) return l;
    const replicas = replicasOf(config, topic, p);
    respond(fail("not-leader", `${host.id} does not lead ${topic}/${p}`, { leader: replicas[0] }));
    return null;
  };

  const produce = (op: Extract<BusOp, { f: "produce" }>, respond: (r: Reply) => void) => {
    const p = op.partition ?? partitionOf(config, op.topic, op.key);
    const l = leaderOr(op.topic, p, respond);
    if (l === null) return;
    const r = l.replica;
    let offset = duplicateOffset(r, op.producer, op.seq);
    if (offset === undefined) {
      offset = appendRecord(host.storage, r, {
        key: op.key,
        value: op.value,
        producer: op.producer,
        seq: op.seq,
        at: host.now(),
      });
      for (const [to, f] of l.followers) replicate(l, to, f);
    }
    l.produceWaiters.push({ offset, deadline: host.now() + o.produceTimeoutMs, respond });
    advance(l);
  };

  const poll = (op: PollOp, respond: (r: Reply) => void, deadline?: number) => {
    const l = leaderOr(op.topic, op.partition, respond);
    if (l === null) return;
    const r = l.replica;
    const committed = op.group === undefined ? 0 : r.offsets.get(op.group) ?? 0;
    const from = Math.max(0, Math.min(op.offset ?? committed, r.hw));
    const to = Math.min(r.hw, from + (op.max ?? 100));
    // Long poll: nothing new yet, so answer when the high watermark moves or time is up.
    const until = deadline ?? host.now() + (op.waitMs ?? 0);
    if (to === from && until > host.now()) {
      l.pollWaiters.push({ op: { ...op, offset: from }, deadline: until, respond });
      return;
    }
    const records: Delivered[] = [];
    for (let offset = from; offset < to; offset++) {
      records.push({ ...r.log[offset]!, topic: op.topic, partition: op.partition, offset });
    }
    const result: PollResult = { records, next: to, committed, hw: r.hw };
    respond({ type: "ok", value: result });
  };

  const commit = (op: Extract<BusOp, { f: "commit" }>, respond: (r: Reply) => void) => {
    const l = leaderOr(op.topic, op.partition, respond);
    if (l === null) return;
    const r = l.replica;
    if (commitOffset(host.storage, r, op.group, op.offset)) {
      for (const [to, f] of l.followers) replicate(l, to, f);
    }
    l.commitWaiters.push({
      version: r.offsetsVersion,
      deadline: host.now() + o.produceTimeoutMs,
      respond,
    });
    advance(l);
  };

  return {
    handle(op, respond) {
      try {
        switch (op.f) {
          case "produce":
            return produce(op, respond);
          case "poll":
            return poll(op, respond);
          case "commit":
            return commit(op, respond);
          case "metadata": {
            const partitions: Record<string, NodeId[]> = {};
            for (const [topic, t] of Object.entries(config.topics)) {
              for (let p = 0; p < t.partitions; p++) {
                partitions[key(topic, p)] = replicasOf(config, topic, p);
              }
            }
            return respond({ type: "ok", value: { topics: config.topics, partitions } });
          }
          default:
            return respond(fail("not-supported", "unknown bus operation"));
        }
      } catch (e) {
        respond(fail("malformed-request", e instanceof Error ? e.message : String(e)));
      }
    },
    message(from, m) {
      if (m.type === "bus/append") {
        const r = followed.get(key(m.topic, m.partition));
        if (r === undefined) return true;
        applyAppend(host.storage, r, m.from, m.entries, m.hw, m.offsets, m.offsetsVersion);
        host.send(from, {
          type: "bus/appended",
          topic: m.topic,
          partition: m.partition,
          length: r.log.length,
          offsetsVersion: r.offsetsVersion,
        });
        return true;
      }
      if (m.type === "bus/appended") {
        const l = led.get(key(m.topic, m.partition));
        const f = l?.followers.get(from);
        if (l === undefined || f === undefined) return true;
        const now = host.now();
        // Answers can arrive reordered or duplicated: only ever move forward.
        f.match = Math.max(f.match, Math.min(m.length, l.replica.log.length));
        if (m.length < f.next) f.next = Math.max(f.match, m.length);
        f.offsetsVersion = Math.max(f.offsetsVersion, m.offsetsVersion);
        f.lastAck = now;
        if (f.match >= l.replica.log.length) f.caughtUp = now;
        advance(l);
        return true;
      }
      return false;
    },
    tick() {
      const now = host.now();
      for (const l of led.values()) {
        for (const w of l.produceWaiters) {
          if (w.deadline <= now) {
            w.respond(info("timeout", "not acknowledged by a quorum in time"));
          }
        }
        l.produceWaiters = l.produceWaiters.filter((w) => w.deadline > now);
        for (const w of l.commitWaiters) {
          if (w.deadline <= now) {
            w.respond(info("timeout", "commit not acknowledged by a quorum in time"));
          }
        }
        l.commitWaiters = l.commitWaiters.filter((w) => w.deadline > now);
        if (l.pollWaiters.some((w) => w.deadline <= now)) {
          const expired = l.pollWaiters.filter((w) => w.deadline <= now);
          l.pollWaiters = l.pollWaiters.filter((w) => w.deadline > now);
          for (const w of expired) poll(w.op, w.respond, now);
        }
        if (now < l.nextHeartbeat) continue;
        l.nextHeartbeat = now + o.replicateMs;
        // Heartbeat and resend: from what each follower has confirmed, so lost appends
        // are repaired; empty appends carry the high watermark and the offsets.
        for (const [to, f] of l.followers) {
          f.next = f.match;
          replicate(l, to, f);
        }
      }
    },
    status() {
      const now = host.now();
      const parts: Record<string, unknown> = {};
      for (const v of views) {
        const r = v.replica;
        const l = led.get(key(v.topic, v.partition));
        parts[key(v.topic, v.partition)] = l === undefined
          ? { leader: false, length: r.log.length, hw: r.hw }
          : {
            leader: true,
            length: r.log.length,
            hw: r.hw,
            isr: [
              host.id,
              ...[...l.followers].filter(([, f]) =>
                now - f.lastAck <= o.isrLagMs &&
                (f.match >= r.log.length || now - f.caughtUp <= o.isrLagMs)
              ).map(([n]) => n),
            ],
            lag: Object.fromEntries([...l.followers].map(([n, f]) => [n, r.log.length - f.match])),
            offsets: Object.fromEntries(r.offsets),
          };
      }
      return { role: "broker", leads: [...led.keys()], partitions: parts };
    },
    partitions: () => views,
  };
}
