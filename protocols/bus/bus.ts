/**
 * The `bus` protocol (chapter §8): a Kafka-like partitioned, replicated log. Every
 * broker node (option `brokers`, default all) runs a {@link createBroker} broker. Each
 * partition elects its leader among its replicas, one per leader epoch, and fails over
 * when it dies (`election.ts`).
 *
 * Client operations (see `BusOp`), sent to the partition's leader (others answer
 * `fail` `not-leader` with a `leader` hint when they know it; a client tries the hint,
 * or the next replica):
 *
 * - `{ f: "produce", topic, key, value, producer?, seq? }` → `{ partition, offset, epoch }`
 *   once a majority of replicas holds it; `info` if that takes longer than
 *   `produceTimeoutMs` or the leader steps down first (it may still be acknowledged
 *   later);
 * - `{ f: "poll", topic, partition, group?, offset?, max? }` → records up to the
 *   high watermark, from `offset` or else from the group's committed offset — a consumer
 *   that crashed and polls again from the committed offset gets everything it had not
 *   committed once more (at-least-once delivery);
 * - `{ f: "commit", topic, partition, group, offset }`;
 * - `{ f: "metadata" }` → topics, each partition's replicas (preferred leader first),
 *   and the leader the answering broker knows of for the partitions it holds.
 *
 * Options: `topics`, `brokers`, `acks` (`config.ts`) and `replicateMs`,
 * `produceTimeoutMs`, `isrLagMs`, `batch`, `electionMs` (`slot.ts`).
 *
 * @module
 */

import { busMessages } from "./message.ts";
import type { NodeContext, Protocol, ProtocolNode } from "../node.ts";
import { type Broker, brokerOptions, createBroker } from "./broker.ts";
import { busConfig } from "./config.ts";
import { createBusChecker, liveReplicaViews } from "./invariants.ts";
import { type BusMessage, type BusOp, validateBusOp } from "./message.ts";
import { fail } from "../reply.ts";
import type { Arg, ClientOperation } from "../operations.ts";

const TOPIC: Arg = { type: "string", summary: "the topic" };
const PARTITION: Arg = { type: "integer", summary: "the partition, from 0" };
const BUS_OPERATIONS: readonly ClientOperation[] = [
  {
    f: "produce",
    summary: "append a record to a topic (its key picks the partition)",
    kind: "write",
    idempotent: false,
    args: {
      topic: TOPIC,
      key: { type: "string", summary: "the record's key" },
      value: { type: "json", summary: "the record" },
      partition: { ...PARTITION, optional: true },
    },
  },
  {
    f: "poll",
    summary: "records of a partition from an offset",
    kind: "read",
    idempotent: true,
    args: {
      topic: TOPIC,
      partition: PARTITION,
      offset: { type: "integer", summary: "the first offset", optional: true },
      waitMs: { type: "number", summary: "how long to wait for records", optional: true },
    },
  },
  {
    f: "commit",
    summary: "commit a consumer group's offset",
    kind: "write",
    idempotent: true,
    args: {
      topic: TOPIC,
      partition: PARTITION,
      group: { type: "string", summary: "the consumer group" },
      offset: { type: "integer", summary: "the next offset to read" },
    },
  },
  {
    f: "metadata",
    summary: "topics, each partition's replicas, and the leaders this broker knows of",
    kind: "read",
    idempotent: true,
    args: {},
  },
];

/**
 * The trace event kinds a broker emits: the high watermark moved, a replica stood for
 * election, one took the lead of an epoch, a leader that heard from no majority stepped
 * down. A protocol that embeds brokers declares them too.
 *
 * @example
 * ```ts
 * import { BUS_EVENTS } from "./bus.ts";
 * BUS_EVENTS.includes("bus-leader"); // true
 * ```
 */
export const BUS_EVENTS: readonly string[] = [
  "bus-campaign",
  "bus-hw",
  "bus-leader",
  "bus-step-down",
];

/**
 * A bus node, with white-box access to its broker (null on a node that is no broker).
 *
 * @example
 * ```ts
 * import type { BusNode } from "./bus.ts";
 * function isBroker(n: BusNode): boolean {
 *   return n.broker !== null;
 * }
 * ```
 */
export interface BusNode extends ProtocolNode<BusMessage, BusOp> {
  readonly broker: Broker | null;
}

/**
 * Creates a bus node: a broker with client requests and `bus/request` messages routed
 * to it.
 *
 * @example
 * ```ts
 * import { createBusNode } from "./bus.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { BusMessage } from "./message.ts";
 * declare const ctx: NodeContext<BusMessage>;
 * createBusNode(ctx).broker?.partitions().length;
 * ```
 */
export function createBusNode(ctx: NodeContext<BusMessage>): BusNode {
  const config = busConfig([ctx.id, ...ctx.peers], ctx.options);
  const broker = config.brokers.includes(ctx.id)
    ? createBroker(
      {
        id: ctx.id,
        now: ctx.now,
        random: ctx.random,
        storage: ctx.storage,
        send: ctx.send,
        emit: ctx.emit,
      },
      config,
      brokerOptions(ctx.options),
    )
    : null;
  return {
    broker,
    tick() {
      broker?.tick();
    },
    message(from, m) {
      if (broker === null) return;
      if (m.type === "bus/request") {
        const bad = validateBusOp(m.op);
        if (bad !== null) {
          return ctx.send(from, {
            type: "bus/reply",
            rid: m.rid,
            reply: fail("malformed-request", bad),
          });
        }
        return broker.handle(
          m.op,
          (reply) => ctx.send(from, { type: "bus/reply", rid: m.rid, reply }),
        );
      }
      broker.message(from, m);
    },
    request(req) {
      const bad = validateBusOp(req.op);
      if (bad !== null) return ctx.reply(req.id, fail("malformed-request", bad));
      if (broker === null) {
        return ctx.reply(req.id, fail("wrong-node", `${ctx.id} is not a broker`));
      }
      broker.handle(req.op, (reply) => ctx.reply(req.id, reply));
    },
    status: () => broker?.status() ?? { role: "client" },
  };
}

/**
 * The message bus: partitioned, replicated, with consumer groups and idempotent producers.
 *
 * @example
 * ```ts
 * import { bus } from "./bus.ts";
 * bus.name; // "bus"
 * ```
 */
export const bus: Protocol<BusMessage, BusOp> = {
  name: "bus",
  operations: BUS_OPERATIONS,
  description: "Kafka-like partitioned, replicated log with consumer groups (at-least-once)",
  tickMs: 10,
  liveOptions: { isrLagMs: 2000, produceTimeoutMs: 5000, electionMs: 1000 },
  events: BUS_EVENTS,
  display: {
    // Every partition has a leader of its own: the LEADS column says which this broker has.
    headline: { kind: "leaderless", fields: ["acks"] },
    columns: [
      { header: "ROLE", field: "role" },
      { header: "LEADS", field: "status.leads", format: "list" },
      { header: "LEADERS", field: "status.leaders", format: "pairs" },
      { header: "EPOCHS", field: "status.epochs", format: "pairs" },
      { header: "HW/LEN", field: "status.hw", format: "pairs", with: "status.length" },
    ],
  },
  messages: busMessages,
  // The replica checks of `invariants.ts` over the live brokers, after every step.
  invariants: () => {
    const checker = createBusChecker();
    return (nodes) => {
      const brokers = [...nodes].map(([id, n]) => [id, (n as BusNode).broker ?? null] as const);
      const bad = checker.observe(liveReplicaViews(brokers));
      return bad === null ? [] : [bad];
    };
  },
  create: createBusNode,
};
