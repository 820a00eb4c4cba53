/**
 * The choreographed saga: no orchestrator. Each service subscribes to the saga topic on
 * the message bus (`protocols/bus/`, used as a library: brokers on the broker nodes, a
 * bus client with a transactional outbox on every service) and reacts to the events of
 * the services around it:
 *
 * ```
 * order:      request  → OrderCreated           StockFailed | StockReturned → compensated
 *                                               DeliveryArranged            → done
 * inventory:  OrderCreated → StockReserved | StockFailed
 *             PaymentFailed | PaymentRefunded → StockReturned          (C1)
 * payment:    StockReserved → PaymentTaken | PaymentFailed
 *             DeliveryFailed | DeliveryCancelled → PaymentRefunded     (C2)
 * delivery:   PaymentTaken → DeliveryArranged | DeliveryFailed
 * ```
 *
 * A failure thus travels back up the chain and the compensations run in reverse order
 * without anyone holding the whole picture. Delivery is at-least-once, so every handler
 * is idempotent (the service's step records); an outcome event is published only when
 * the step was newly done, in the same input as the state change (the outbox), so it is
 * neither lost by a crash nor duplicated by a redelivery. The order service's record
 * reads `pending` until the saga ends (the semantic lock).
 *
 * @module
 */

import type { NodeContext, ProtocolNode, Reply } from "../node.ts";
import { type BusClient, createBusClient, DEFAULT_CLIENT_OPTIONS } from "../bus/client.ts";
import type { BusConfig } from "../bus/config.ts";
import type { Delivered } from "../bus/message.ts";
import { type Order, parseOrder, type Service } from "../txn/order.ts";
import type { SagaEvent, SagaEventType, SagaMessage } from "./message.ts";
import type { SagaOptions } from "./options.ts";
import { createSagaService } from "./service.ts";
import { ledgerValue } from "../txn/ledger.ts";
import { fail } from "../reply.ts";

/**
 * The events a service publishes for its step's outcome and its compensation.
 *
 * @example
 * ```ts
 * import { SERVICE_EVENTS } from "./choreography.ts";
 * SERVICE_EVENTS.payment.undone; // "PaymentRefunded"
 * ```
 */
export const SERVICE_EVENTS: Readonly<
  Record<Service, { ok: SagaEventType; failed: SagaEventType; undone: SagaEventType }>
> = {
  inventory: { ok: "StockReserved", failed: "StockFailed", undone: "StockReturned" },
  payment: { ok: "PaymentTaken", failed: "PaymentFailed", undone: "PaymentRefunded" },
  delivery: { ok: "DeliveryArranged", failed: "DeliveryFailed", undone: "DeliveryCancelled" },
};

/**
 * An order as the choreography's order service records it.
 *
 * @example
 * ```ts
 * import type { OrderRecord } from "./choreography.ts";
 * const r: OrderRecord = {
 *   order: { id: "o1", item: "item-1", qty: 2, amount: 30, account: "alice", region: "east" },
 *   state: "compensated",
 *   reason: "payment refused o1",
 *   at: 420,
 * };
 * ```
 */
export interface OrderRecord {
  readonly order: Order;
  readonly state: "pending" | "done" | "compensated";
  readonly reason?: string;
  readonly at: number;
}

function busClient(ctx: NodeContext<SagaMessage>, config: BusConfig, o: SagaOptions): BusClient {
  return createBusClient(ctx, config, { ...DEFAULT_CLIENT_OPTIONS, retry: o.retry });
}

/**
 * The order service of the choreography: takes orders, publishes `OrderCreated`, and
 * ends each order when the last event of its saga arrives.
 *
 * @example
 * ```ts
 * import { createChoreographyOrderService } from "./choreography.ts";
 * import { busConfig } from "../bus/config.ts";
 * import { sagaOptions } from "./options.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { SagaMessage } from "./message.ts";
 * declare const ctx: NodeContext<SagaMessage>;
 * const services = ["inventory", "payment", "delivery"] as const;
 * createChoreographyOrderService(ctx, services, busConfig(["n5"], {}), sagaOptions({}));
 * ```
 */
export function createChoreographyOrderService(
  ctx: NodeContext<SagaMessage>,
  services: readonly Service[],
  config: BusConfig,
  o: SagaOptions,
): ProtocolNode<SagaMessage, unknown> {
  const client = busClient(ctx, config, o);
  const orders = new Map<string, OrderRecord>();
  const waiters = new Map<string, number[]>();
  for (const k of ctx.storage.keys("order/")) {
    const r = ctx.storage.get(k) as OrderRecord;
    orders.set(r.order.id, r);
  }
  const first = services[0], last = services.at(-1);
  const reply = (r: OrderRecord): Reply =>
    r.state === "done"
      ? { type: "ok", value: { order: r.order.id, outcome: "done" } }
      : r.state === "compensated"
      ? fail("abort", `compensated: ${r.reason ?? "a step failed"}`)
      : { type: "ok", value: { order: r.order.id, outcome: "pending" } };
  const end = (id: string, state: "done" | "compensated", reason?: string) => {
    const r = orders.get(id);
    if (r === undefined || r.state !== "pending") return; // ended already: a redelivery
    const next: OrderRecord = { ...r, state, reason: reason ?? r.reason, at: ctx.now() };
    orders.set(id, next);
    ctx.storage.set("order/" + id, next);
    ctx.emit("saga-end", { order: id, state, reason: next.reason });
    for (const w of waiters.get(id) ?? []) ctx.reply(w, reply(next));
    waiters.delete(id);
  };

  client.subscribe(o.topic, "order", (rec: Delivered) => {
    const e = rec.value as SagaEvent;
    if (last !== undefined && e.type === SERVICE_EVENTS[last].ok) end(e.order.id, "done");
    if (first !== undefined && e.type === SERVICE_EVENTS[first].failed) {
      end(e.order.id, "compensated", e.reason);
    }
    if (first !== undefined && e.type === SERVICE_EVENTS[first].undone) {
      end(e.order.id, "compensated", e.reason);
    }
  });

  return {
    tick: () => client.tick(),
    message(from, m) {
      if (m.type.startsWith("bus/")) client.message(from, m as Parameters<BusClient["message"]>[1]);
    },
    request(req) {
      const op = req.op as { f?: unknown; id?: unknown } | null;
      if (op?.f === "read-order" && typeof op.id === "string") {
        const r = orders.get(op.id);
        return ctx.reply(req.id, {
          type: "ok",
          value: r === undefined ? null : { state: r.state, reason: r.reason },
        });
      }
      const order = parseOrder(req.op);
      if (typeof order === "string") return ctx.reply(req.id, fail("malformed-request", order));
      const r = orders.get(order.id);
      if (r?.state === "pending") {
        return void waiters.set(order.id, [...(waiters.get(order.id) ?? []), req.id]);
      }
      if (r !== undefined) return ctx.reply(req.id, reply(r));
      const rec: OrderRecord = { order, state: "pending", at: ctx.now() };
      orders.set(order.id, rec);
      // The order and its event are written in one input: both survive a crash or neither.
      ctx.storage.set("order/" + order.id, rec);
      waiters.set(order.id, [req.id]);
      ctx.emit("saga-begin", { order: order.id });
      if (services.length === 0) return end(order.id, "done");
      client.publish(o.topic, order.id, { type: "OrderCreated", order } satisfies SagaEvent);
    },
    status: () => {
      const all = [...orders.values()];
      return {
        role: "order-service",
        pending: all.filter((r) => r.state === "pending").map((r) => r.order.id),
        done: all.filter((r) => r.state === "done").length,
        compensated: all.filter((r) => r.state === "compensated").length,
        bus: client.status(),
      };
    },
  };
}

/**
 * A choreographed service: reacts to its neighbours' events with its step or its
 * compensation and publishes the outcome.
 *
 * @example
 * ```ts
 * import { createChoreographyService } from "./choreography.ts";
 * import { busConfig } from "../bus/config.ts";
 * import { sagaOptions } from "./options.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { SagaMessage } from "./message.ts";
 * declare const ctx: NodeContext<SagaMessage>;
 * const services = ["inventory", "payment", "delivery"] as const;
 * createChoreographyService(ctx, "payment", services, busConfig(["n5"], {}), sagaOptions({}));
 * ```
 */
export function createChoreographyService(
  ctx: NodeContext<SagaMessage>,
  service: Service,
  services: readonly Service[],
  config: BusConfig,
  o: SagaOptions,
): ProtocolNode<SagaMessage, unknown> {
  const svc = createSagaService(ctx.storage, service, ctx.options, ctx.random, ctx.now);
  const client = busClient(ctx, config, o);
  const i = services.indexOf(service);
  const before = services[i - 1], after = services[i + 1];
  const mine = SERVICE_EVENTS[service];
  const publish = (type: SagaEventType, order: Order, reason?: string) => {
    client.publish(o.topic, order.id, { type, order, reason } satisfies SagaEvent);
  };

  client.subscribe(o.topic, service, (rec: Delivered) => {
    const e = rec.value as SagaEvent;
    const trigger = before === undefined ? "OrderCreated" : SERVICE_EVENTS[before].ok;
    if (e.type === trigger) {
      const r = svc.doStep(e.order);
      if (!r.fresh) return; // redelivered: its outcome is already in the outbox
      ctx.emit("saga-step", { order: e.order.id, service, ok: r.ok, reason: r.reason });
      return publish(r.ok ? mine.ok : mine.failed, e.order, r.reason);
    }
    if (after !== undefined) {
      const next = SERVICE_EVENTS[after];
      if (e.type === next.failed || e.type === next.undone) {
        if (!svc.undoStep(e.order).fresh) return;
        ctx.emit("saga-undo", { order: e.order.id, service });
        publish(mine.undone, e.order, e.reason);
      }
    }
  });

  return {
    tick: () => client.tick(),
    message(from, m) {
      if (m.type.startsWith("bus/")) client.message(from, m as Parameters<BusClient["message"]>[1]);
    },
    request(req) {
      const op = req.op as { f?: unknown; key?: unknown } | null;
      if (op?.f === "read" && typeof op.key === "string") {
        return ctx.reply(req.id, { type: "ok", value: ledgerValue(svc.ledger, op.key) });
      }
      ctx.reply(req.id, fail("wrong-node", `${ctx.id} is the ${service} service`));
    },
    status: () => ({ ...svc.status(), bus: client.status() }),
    dump: () => svc.status().ledger as Record<string, number>,
  };
}
