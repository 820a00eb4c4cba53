/**
 * The bus client library, for protocols that talk to the bus from their own nodes (the
 * choreographed saga's services): a transactional outbox with an idempotent producer,
 * and consumers that commit offsets after handling.
 *
 * - {@link BusClient.publish} writes the event to a durable outbox in the same input as
 *   the state change that caused it, so the two survive a crash together; the outbox is
 *   sent in order, one record at a time, retried with backoff until a leader
 *   acknowledges it. The producer id changes with every restart (`<node>#<incarnation>`)
 *   and each record keeps its `seq` within one incarnation, so a retry is stored once;
 *   a record re-sent after a restart may be stored twice — consumers must be idempotent.
 * - {@link BusClient.subscribe} polls every partition of a topic from the group's
 *   committed offset, hands each record to the handler in partition order and then
 *   commits. The commit leaves the node only after the handler's writes are durable, so
 *   a crash between the two means the record is delivered again (at-least-once).
 *
 * Requests go to the broker the client takes for the partition's leader (at first the
 * preferred leader); a `not-leader` answer moves it to the hinted leader, or to the next
 * replica when there is no hint, as does a request left unanswered (the leader may be
 * down). Control records (a new leader's marker) are skipped, not handed to handlers.
 *
 * Retries use the resilience module's backoff formulas with the node's seeded random.
 *
 * @module
 */

import type { NodeId, Reply } from "../node.ts";
import { type Backoff, backoffDelay } from "../../resilience/backoff.ts";
import { type BusConfig, partitionOf, replicasOf, topicOf } from "./config.ts";
import type { BusMessage, BusOp, Delivered, PollResult } from "./message.ts";
import { info } from "../reply.ts";
import { ERROR } from "../errors.ts";
import type { BrokerHost } from "./slot.ts";

/**
 * What the client needs from its node: the same as a broker does.
 *
 * @example
 * ```ts
 * import type { BusClientHost } from "./client.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { BusMessage } from "./message.ts";
 * declare const ctx: NodeContext<BusMessage>;
 * const host: BusClientHost = ctx; // a node context is a client host
 * ```
 */
export type BusClientHost = BrokerHost;

/**
 * Client timing.
 *
 * @example
 * ```ts
 * import { type BusClientOptions, DEFAULT_CLIENT_OPTIONS } from "./client.ts";
 * const patient: BusClientOptions = { ...DEFAULT_CLIENT_OPTIONS, requestTimeoutMs: 2000 };
 * ```
 */
export interface BusClientOptions {
  readonly retry: Backoff;
  /** A request unanswered for this long is given up and retried. */
  readonly requestTimeoutMs: number;
  /** How long a poll waits at the broker for new records (long polling). */
  readonly pollWaitMs: number;
  /** Records per poll. */
  readonly maxRecords: number;
}

/**
 * Default client timing: exponential backoff 20 ms … 1 s with full jitter.
 *
 * @example
 * ```ts
 * import { DEFAULT_CLIENT_OPTIONS } from "./client.ts";
 * DEFAULT_CLIENT_OPTIONS.pollWaitMs; // 200
 * ```
 */
export const DEFAULT_CLIENT_OPTIONS: BusClientOptions = {
  retry: { type: "exponential", baseMs: 20, capMs: 1000, jitter: "full" },
  requestTimeoutMs: 300,
  pollWaitMs: 200,
  maxRecords: 50,
};

/**
 * An embedded bus client.
 *
 * @example
 * ```ts
 * import type { BusClient } from "./client.ts";
 * function relay(client: BusClient): void {
 *   client.subscribe("orders", "billing", (r) => client.publish("invoices", r.key, r.value));
 * }
 * ```
 */
export interface BusClient {
  /** Queues a record in the durable outbox; it is produced in order, at least once. */
  publish(topic: string, key: string, value: unknown): void;
  /** Consumes every partition of `topic` as `group`, calling `handler` per record. */
  subscribe(topic: string, group: string, handler: (record: Delivered) => void): void;
  /** Handles a `bus/reply`; false for any other message. */
  message(from: NodeId, m: BusMessage): boolean;
  tick(): void;
  status(): { outbox: number; positions: Record<string, number | null> };
}

interface Pending {
  readonly rid: number;
  readonly sentAt: number;
  /** How long the broker may hold the request on purpose (long poll). */
  readonly waitMs: number;
  readonly onReply: (r: Reply) => void;
}

interface Retry {
  attempt: number;
  previous: number | undefined;
  nextTry: number;
}

interface Consumer {
  readonly topic: string;
  readonly group: string;
  readonly partition: number;
  readonly handler: (record: Delivered) => void;
  position: number | null;
  committed: number;
  pending: Pending | null;
  readonly retry: Retry;
}

const OUTBOX = "busout/";
const pad = (n: number) => String(n).padStart(10, "0");

/**
 * Creates a client; reloads the outbox and starts a new producer incarnation.
 *
 * @example
 * ```ts
 * import { createBusClient, DEFAULT_CLIENT_OPTIONS } from "./client.ts";
 * import { busConfig } from "./config.ts";
 * import type { BusClientHost } from "./client.ts";
 * declare const host: BusClientHost;
 * const client = createBusClient(host, busConfig(["n5"], {}), DEFAULT_CLIENT_OPTIONS);
 * client.publish("events", "order-1", { type: "OrderCreated" });
 * ```
 */
export function createBusClient(
  host: BusClientHost,
  config: BusConfig,
  o: BusClientOptions,
): BusClient {
  const incarnation = Number(host.storage.get("busclient/incarnation") ?? 0) + 1;
  host.storage.set("busclient/incarnation", incarnation);
  const producer = `${host.id}#${incarnation}`;
  // Request ids are unique across incarnations, so a late reply to the previous one
  // cannot be mistaken for a reply to this one.
  let nextRid = incarnation * 1_000_000;
  const pending = new Map<number, Pending>();
  const outbox: { slot: string; seq: number; topic: string; key: string; value: unknown }[] = [];
  let nextSeq = 0;
  for (const slot of host.storage.keys(OUTBOX)) {
    const e = host.storage.get(slot) as { topic: string; key: string; value: unknown };
    outbox.push({ slot, seq: nextSeq++, ...e });
  }
  let nextSlot = outbox.length === 0 ? 0 : Number(outbox.at(-1)!.slot.slice(OUTBOX.length)) + 1;
  let producing: Pending | null = null;
  const produceRetry: Retry = { attempt: 0, previous: undefined, nextTry: host.now() };
  const consumers: Consumer[] = [];
  const leaders = new Map<string, NodeId>(); // topic/partition → whom we take for its leader

  const leaderFor = (topic: string, partition: number): NodeId =>
    leaders.get(`${topic}/${partition}`) ?? replicasOf(config, topic, partition)[0]!;

  /** Learns from a failed or unanswered request where to send the next one. */
  const follow = (topic: string, partition: number, reply: Reply) => {
    if (reply.type === "ok") return;
    if (reply.type === "fail" && reply.code !== ERROR["not-leader"]) return;
    const hint = reply.type === "fail" ? (reply as { leader?: NodeId }).leader : undefined;
    const replicas = replicasOf(config, topic, partition);
    const now = leaderFor(topic, partition);
    const next = hint !== undefined && replicas.includes(hint)
      ? hint
      : replicas[(replicas.indexOf(now) + 1) % replicas.length]!;
    leaders.set(`${topic}/${partition}`, next);
  };

  const request = (to: NodeId, op: BusOp, onReply: (r: Reply) => void): Pending => {
    const waitMs = op.f === "poll" ? op.waitMs ?? 0 : 0;
    const p: Pending = { rid: nextRid++, sentAt: host.now(), waitMs, onReply };
    pending.set(p.rid, p);
    host.send(to, { type: "bus/request", rid: p.rid, op });
    return p;
  };

  const backoff = (r: Retry) => {
    const delay = backoffDelay(o.retry, r.attempt, r.previous, host.random);
    r.attempt++;
    r.previous = delay;
    r.nextTry = host.now() + delay;
  };

  const succeeded = (r: Retry) => {
    r.attempt = 0;
    r.previous = undefined;
    r.nextTry = host.now();
  };

  const produceNext = () => {
    const head = outbox[0];
    if (head === undefined || producing !== null || host.now() < produceRetry.nextTry) return;
    const partition = partitionOf(config, head.topic, head.key);
    producing = request(
      leaderFor(head.topic, partition),
      {
        f: "produce",
        topic: head.topic,
        key: head.key,
        value: head.value,
        partition,
        producer,
        seq: head.seq,
      },
      (reply) => {
        producing = null;
        if (reply.type !== "ok") {
          follow(head.topic, partition, reply);
          return backoff(produceRetry);
        }
        succeeded(produceRetry);
        outbox.shift();
        host.storage.delete(head.slot);
        produceNext();
      },
    );
  };

  const pollNext = (c: Consumer) => {
    if (c.pending !== null || host.now() < c.retry.nextTry) return;
    const op: BusOp = {
      f: "poll",
      topic: c.topic,
      partition: c.partition,
      group: c.group,
      max: o.maxRecords,
      waitMs: o.pollWaitMs,
      ...(c.position === null ? {} : { offset: c.position }),
    };
    c.pending = request(leaderFor(c.topic, c.partition), op, (reply) => {
      c.pending = null;
      if (reply.type !== "ok") {
        follow(c.topic, c.partition, reply);
        return backoff(c.retry);
      }
      const result = reply.value as PollResult;
      c.committed = Math.max(c.committed, result.committed);
      c.position ??= result.committed;
      for (const rec of result.records) {
        if (rec.offset !== c.position) continue; // a duplicate or stale reply
        if (rec.control !== true) c.handler(rec);
        c.position = rec.offset + 1;
      }
      succeeded(c.retry);
      if (c.position > c.committed) commit(c, c.position);
    });
  };

  const commit = (c: Consumer, offset: number) => {
    request(
      leaderFor(c.topic, c.partition),
      { f: "commit", topic: c.topic, partition: c.partition, group: c.group, offset },
      (reply) => {
        if (reply.type === "ok") c.committed = Math.max(c.committed, offset);
      },
    );
  };

  return {
    publish(topic, key, value) {
      topicOf(config, topic);
      const slot = OUTBOX + pad(nextSlot++);
      host.storage.set(slot, { topic, key, value });
      outbox.push({ slot, seq: nextSeq++, topic, key, value });
      produceNext();
    },
    subscribe(topic, group, handler) {
      const partitions = topicOf(config, topic).partitions;
      for (let partition = 0; partition < partitions; partition++) {
        consumers.push({
          topic,
          group,
          partition,
          handler,
          position: null,
          committed: 0,
          pending: null,
          retry: { attempt: 0, previous: undefined, nextTry: host.now() },
        });
      }
    },
    message(_from, m) {
      if (m.type !== "bus/reply") return false;
      const p = pending.get(m.rid);
      if (p === undefined) return true; // duplicate, or given up on
      pending.delete(m.rid);
      p.onReply(m.reply);
      return true;
    },
    tick() {
      const now = host.now();
      for (const [rid, p] of pending) {
        if (now - p.sentAt < o.requestTimeoutMs + p.waitMs) continue;
        pending.delete(rid);
        p.onReply(info("timeout", "no answer"));
      }
      produceNext();
      for (const c of consumers) pollNext(c);
    },
    status: () => ({
      outbox: outbox.length,
      positions: Object.fromEntries(
        consumers.map((c) => [`${c.topic}/${c.partition}@${c.group}`, c.position]),
      ),
    }),
  };
}
