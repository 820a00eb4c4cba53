/**
 * Messages of the orchestrated saga (the choreographed one talks only through the bus),
 * and the events of the choreographed one.
 *
 * @module
 */

import type { Order, Service } from "../txn/order.ts";
import { type BusMessage, busMessages } from "../bus/message.ts";
import { isOrder } from "../txn/message.ts";
import { isBool, isStr, type MessageSchema, opt } from "../message_schema.ts";

/**
 * A message between the orchestrator and a service, or a bus message (choreography).
 * A step's idempotency key is `<order.id>/<service>`.
 *
 * @example
 * ```ts
 * import type { SagaMessage } from "./message.ts";
 * const m: SagaMessage = { type: "saga/result", orderId: "o1", service: "payment", kind: "do", ok: true };
 * ```
 */
export type SagaMessage =
  | { readonly type: "saga/do"; readonly order: Order; readonly service: Service }
  | { readonly type: "saga/undo"; readonly order: Order; readonly service: Service }
  | {
    readonly type: "saga/result";
    readonly orderId: string;
    readonly service: Service;
    readonly kind: "do" | "undo";
    readonly ok: boolean;
    readonly reason?: string;
  }
  | BusMessage;

/**
 * The events of the choreographed saga, in the order the happy path and the
 * compensations produce them.
 *
 * @example
 * ```ts
 * import { SAGA_EVENTS } from "./message.ts";
 * SAGA_EVENTS.includes("PaymentRefunded"); // true
 * ```
 */
export const SAGA_EVENTS = [
  "OrderCreated",
  "StockReserved",
  "StockFailed",
  "PaymentTaken",
  "PaymentFailed",
  "DeliveryArranged",
  "DeliveryFailed",
  "DeliveryCancelled",
  "PaymentRefunded",
  "StockReturned",
] as const;

/**
 * One choreography event type.
 *
 * @example
 * ```ts
 * import type { SagaEventType } from "./message.ts";
 * const t: SagaEventType = "StockReserved";
 * ```
 */
export type SagaEventType = typeof SAGA_EVENTS[number];

/**
 * An event on the saga topic, keyed by order id (so one order's events stay in order).
 *
 * @example
 * ```ts
 * import type { SagaEvent } from "./message.ts";
 * const e: SagaEvent = {
 *   type: "StockFailed", order: { id: "o1", item: "x", qty: 1, amount: 1, account: "a", region: "east" },
 *   reason: "insufficient stock/x: 0 < 1",
 * };
 * ```
 */
export interface SagaEvent {
  readonly type: SagaEventType;
  readonly order: Order;
  readonly reason?: string;
}

function isService(x: unknown): boolean {
  return x === "inventory" || x === "payment" || x === "delivery";
}

/**
 * The schema of saga messages (orchestrated steps and results, and the bus's messages
 * the choreographed saga travels on).
 *
 * @example
 * ```ts
 * import { sagaMessages } from "./message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * const m = { type: "saga/result", orderId: "o1", service: "payment", kind: "do", ok: true };
 * checkMessage(sagaMessages, m); // true
 * checkMessage(sagaMessages, { ...m, service: "paymenu" }); // false
 * ```
 */
export const sagaMessages: MessageSchema = {
  ...busMessages,
  "saga/do": (m) => isOrder(m.order) && isService(m.service),
  "saga/undo": (m) => isOrder(m.order) && isService(m.service),
  "saga/result": (m) =>
    isStr(m.orderId) && isService(m.service) && (m.kind === "do" || m.kind === "undo") &&
    isBool(m.ok) && opt(m.reason, isStr),
};
