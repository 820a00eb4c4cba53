/**
 * The `saga` protocol (chapter §6/§8): the EC-site order as a saga — T1 reserve stock →
 * T2 take payment → T3 arrange delivery, each a local transaction at its own service,
 * with compensations C1 return stock, C2 refund, C3 cancel delivery run in reverse
 * when a step fails. Two styles (option `style`):
 *
 * - `orchestrated` (default): the order node is an orchestrator with a durable saga log
 *   that sends each step as a command and resumes after its own crash
 *   (`orchestrator.ts`);
 * - `choreographed`: no orchestrator; the services react to each other's events on the
 *   message bus, whose brokers run on the remaining nodes (`choreography.ts`).
 *
 * Roles (option `roles`, as for `2pc`): `n1` order service / orchestrator, `n2`
 * inventory, `n3` payment, `n4` delivery; other nodes are the brokers (choreography
 * needs at least one) or idle.
 *
 * Client operations: `{ f: "order", id, item, qty, amount, account?, region? }` at the
 * order node — `ok` when the saga is done, `fail` ("compensated: …") when it was
 * compensated; `{ f: "read-order", id }` at the order node (`pending` while it runs);
 * `{ f: "read", key }` at a service reads a ledger counter without any isolation.
 *
 * Options: those of `txn/order.ts` (`roles`, `stock`, `balances`, `slots`, `refuse`),
 * `options.ts` (`style`, `retry`, `replyTimeoutMs`, `stepAttempts`, `topic`), and for
 * the choreography's bus `partitions` (3), `replicas` (3), `acks` and the broker timing
 * options of `bus/broker.ts`.
 *
 * @module
 */

import { sagaMessages } from "./message.ts";
import type { NodeContext, NodeId, Protocol, ProtocolNode } from "../node.ts";
import { idleNode } from "../idle_node.ts";
import { orderRoles, type Service } from "../txn/order.ts";
import { ledgerValue } from "../txn/ledger.ts";
import { busConfig } from "../bus/config.ts";
import { BUS_EVENTS, createBusNode } from "../bus/bus.ts";
import type { BusMessage } from "../bus/message.ts";
import type { SagaMessage } from "./message.ts";
import { type SagaOptions, sagaOptions } from "./options.ts";
import { createSagaService } from "./service.ts";
import { createOrchestrator } from "./orchestrator.ts";
import { createChoreographyOrderService, createChoreographyService } from "./choreography.ts";
import { fail } from "../reply.ts";
import { PLAIN_ADMIN } from "../admin.ts";
import { orderOperation } from "../operations.ts";

const ORDER_ROLES = ["orchestrator", "order-service"];

/**
 * The bus options of a choreography: the saga topic on the broker nodes.
 *
 * @example
 * ```ts
 * import { choreographyBusOptions } from "./saga.ts";
 * choreographyBusOptions({}, ["n5"], "saga").brokers; // ["n5"]
 * ```
 */
export function choreographyBusOptions(
  options: Readonly<Record<string, unknown>>,
  brokers: readonly NodeId[],
  topic: string,
): Record<string, unknown> {
  return {
    ...options,
    brokers,
    topics: {
      [topic]: {
        partitions: Number(options.partitions ?? 3),
        replicas: Number(options.replicas ?? 3),
      },
    },
  };
}

/** A service of the orchestrated style: runs the commands it is sent. */
function createServiceNode(
  ctx: NodeContext<SagaMessage>,
  service: Service,
): ProtocolNode<SagaMessage, unknown> {
  const svc = createSagaService(ctx.storage, service, ctx.options, ctx.random, ctx.now);
  return {
    tick() {},
    message(from, m) {
      if (m.type === "saga/do") {
        const r = svc.doStep(m.order);
        if (r.fresh) {
          ctx.emit("saga-step", { order: m.order.id, service, ok: r.ok, reason: r.reason });
        } else ctx.emit("saga-repeat", { order: m.order.id, service, ok: r.ok });
        ctx.send(from, {
          type: "saga/result",
          orderId: m.order.id,
          service,
          kind: "do",
          ok: r.ok,
          reason: r.reason,
        });
      } else if (m.type === "saga/undo") {
        if (svc.undoStep(m.order).fresh) ctx.emit("saga-undo", { order: m.order.id, service });
        ctx.send(from, {
          type: "saga/result",
          orderId: m.order.id,
          service,
          kind: "undo",
          ok: true,
        });
      }
    },
    request(req) {
      const op = req.op as { f?: unknown; key?: unknown } | null;
      if (op?.f === "read" && typeof op.key === "string") {
        return ctx.reply(req.id, { type: "ok", value: ledgerValue(svc.ledger, op.key) });
      }
      ctx.reply(req.id, fail("wrong-node", `${ctx.id} is the ${service} service`));
    },
    status: () => svc.status(),
    dump: () => svc.status().ledger as Record<string, number>,
  };
}

function createNode(ctx: NodeContext<SagaMessage>): ProtocolNode<SagaMessage, unknown> {
  const all = [ctx.id, ...ctx.peers];
  const roles = orderRoles(all, ctx.options);
  const o: SagaOptions = sagaOptions(ctx.options);
  const mine = roles.services.find((s) => s.node === ctx.id);
  if (o.style === "orchestrated") {
    if (roles.order === ctx.id) return createOrchestrator(ctx, roles.services, o);
    return mine !== undefined ? createServiceNode(ctx, mine.service) : idleNode(ctx);
  }
  const brokers = (ctx.options.brokers as NodeId[] | undefined) ?? roles.others;
  if (brokers.length === 0) {
    throw new Error("a choreographed saga needs a broker node (add a node or set brokers)");
  }
  const busOptions = choreographyBusOptions(ctx.options, brokers, o.topic);
  const config = busConfig(all, busOptions);
  const services = roles.services.map((s) => s.service);
  if (roles.order === ctx.id) return createChoreographyOrderService(ctx, services, config, o);
  if (mine !== undefined) return createChoreographyService(ctx, mine.service, services, config, o);
  if (!brokers.includes(ctx.id)) return idleNode(ctx);
  const node = createBusNode({
    id: ctx.id,
    peers: ctx.peers,
    options: busOptions,
    now: ctx.now,
    random: ctx.random,
    storage: ctx.storage,
    send: (to: NodeId, m: BusMessage) => ctx.send(to, m),
    whenSynced: ctx.whenSynced,
    reply: ctx.reply,
    emit: ctx.emit,
  });
  return node as unknown as ProtocolNode<SagaMessage, unknown>;
}

/**
 * The order saga, orchestrated or choreographed.
 *
 * @example
 * ```ts
 * import { saga } from "./saga.ts";
 * saga.name; // "saga"
 * ```
 */
export const saga: Protocol<SagaMessage, unknown> = {
  name: "saga",
  description:
    "the order as a saga with compensations (orchestrated or choreographed over the bus)",
  tickMs: 10,
  liveOptions: { replyTimeoutMs: 1000 },
  admin: PLAIN_ADMIN,
  operations: [
    orderOperation(ORDER_ROLES),
    {
      f: "read-order",
      summary: "an order's saga: its state and steps",
      kind: "read",
      idempotent: true,
      roles: ORDER_ROLES,
      args: { id: { type: "string", summary: "the order's id" } },
    },
  ],
  events: [
    ...BUS_EVENTS,
    "saga-begin",
    "saga-compensate",
    "saga-end",
    "saga-recover",
    "saga-repeat",
    "saga-step",
    "saga-undo",
  ],
  messages: sagaMessages,
  create: createNode,
};
