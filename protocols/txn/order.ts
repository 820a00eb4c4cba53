/**
 * The running example of chapter §6/§8: an EC-site order that must reserve stock, take
 * payment and arrange delivery, each owned by a different service on its own node.
 * Two-phase commit (`protocols/txn/`) and the sagas (`protocols/saga/`) both use this
 * domain: the order, which node plays which role, what each service changes, and
 * which orders a service refuses (failure injection).
 *
 * Every service keeps a ledger of non-negative counters — `stock/<item>` at the
 * inventory, `balance/<account>` at the payment service, `slots/<region>` at the delivery
 * service — and an order changes exactly one counter per service by a negative
 * {@link Effect}. That uniform model makes "stock, money and deliveries balance" a
 * simple sum to check.
 *
 * Options (plain JSON): `roles` (`{ order, inventory, payment, delivery }`, default the
 * first four nodes in that order), `stock` (item → units, default 100 of `item-1` …
 * `item-3`), `balances` (account → money, default 1000 for `alice`, `bob`, `carol`),
 * `slots` (region → delivery capacity, default 1000 for `east`, `west`, `north`,
 * `south`), `refuse` (service → order ids or a probability: that service refuses those
 * orders, as a declined card would).
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { byNodeIndex } from "../node_order.ts";

/**
 * The three services an order passes through, in saga order.
 *
 * @example
 * ```ts
 * import type { Service } from "./order.ts";
 * const s: Service = "payment";
 * ```
 */
export type Service = "inventory" | "payment" | "delivery";

/**
 * The services in the order a saga runs them (compensations run in reverse).
 *
 * @example
 * ```ts
 * import { SERVICES } from "./order.ts";
 * SERVICES[0]; // "inventory"
 * ```
 */
export const SERVICES: readonly Service[] = ["inventory", "payment", "delivery"];

/**
 * One order, as every service sees it.
 *
 * @example
 * ```ts
 * import type { Order } from "./order.ts";
 * const o: Order = { id: "o1", item: "item-1", qty: 2, amount: 30, account: "alice", region: "east" };
 * ```
 */
export interface Order {
  readonly id: string;
  readonly item: string;
  readonly qty: number;
  readonly amount: number;
  readonly account: string;
  readonly region: string;
}

/**
 * The client operation that places an order (`account` defaults to `alice`, `region`
 * to `east`).
 *
 * @example
 * ```ts
 * import type { OrderOp } from "./order.ts";
 * const op: OrderOp = { f: "order", id: "o1", item: "item-1", qty: 2, amount: 30 };
 * ```
 */
export interface OrderOp {
  readonly f: "order";
  readonly id: string;
  readonly item: string;
  readonly qty: number;
  readonly amount: number;
  readonly account?: string;
  readonly region?: string;
}

/**
 * Checks a client operation and returns the {@link Order}, or an error message.
 *
 * @example
 * ```ts
 * import { parseOrder } from "./order.ts";
 * parseOrder({ f: "order", id: "o1", item: "item-1", qty: 1, amount: 10 }); // an Order
 * parseOrder({ f: "order", id: "o1" }); // "order needs a positive integer qty"
 * ```
 */
export function parseOrder(op: unknown): Order | string {
  if (op === null || typeof op !== "object") return "operation must be an object";
  const o = op as Record<string, unknown>;
  if (o.f !== "order") return `unknown operation '${String(o.f)}'`;
  if (typeof o.id !== "string" || o.id === "") return "order needs a non-empty string id";
  if (typeof o.item !== "string" || o.item === "") return "order needs a non-empty string item";
  if (!Number.isInteger(o.qty) || (o.qty as number) <= 0) {
    return "order needs a positive integer qty";
  }
  if (typeof o.amount !== "number" || !(o.amount >= 0)) {
    return "order needs a non-negative amount";
  }
  const account = o.account ?? "alice";
  if (typeof account !== "string" || account === "") return "order account must be a string";
  const region = o.region ?? "east";
  if (typeof region !== "string" || region === "") return "order region must be a string";
  return { id: o.id, item: o.item, qty: o.qty as number, amount: o.amount, account, region };
}

/**
 * Which node plays which part. `order` is the coordinator / orchestrator / order service.
 *
 * @example
 * ```ts
 * import { orderRoles } from "./order.ts";
 * const roles = orderRoles(["n1", "n2", "n3", "n4"], {});
 * roles.services.map((s) => s.node); // ["n2", "n3", "n4"]
 * ```
 */
export interface OrderRoles {
  readonly order: NodeId;
  /** The services present, in saga order, with their nodes. */
  readonly services: readonly { readonly service: Service; readonly node: NodeId }[];
  /** Nodes with no part in the order flow (brokers, spares). */
  readonly others: readonly NodeId[];
}

/**
 * Resolves the roles from the `roles` option, defaulting to the first nodes in order:
 * order service, inventory, payment, delivery. Services without a node are left out.
 *
 * @example
 * ```ts
 * import { orderRoles } from "./order.ts";
 * const r = orderRoles(["n1", "n2", "n3", "n4", "n5"], {});
 * r.order; // "n1"
 * r.services.map((s) => s.node); // ["n2", "n3", "n4"]
 * r.others; // ["n5"]
 * ```
 */
export function orderRoles(
  nodes: readonly NodeId[],
  options: Readonly<Record<string, unknown>>,
): OrderRoles {
  const all = [...nodes].sort(byNodeIndex);
  const raw = (options.roles ?? {}) as Record<string, unknown>;
  if (raw === null || typeof raw !== "object") throw new Error("option roles must be an object");
  const pick = (name: string, fallback: NodeId | undefined): NodeId | undefined => {
    const v = raw[name];
    if (v === undefined) return fallback;
    if (typeof v !== "string" || !all.includes(v)) {
      throw new Error(`option roles.${name} must be one of ${all.join(", ")}`);
    }
    return v;
  };
  const explicit = ["order", ...SERVICES].some((n) => raw[n] !== undefined);
  // With explicit roles, unnamed services are absent; otherwise take nodes in order.
  const order = pick("order", all[0])!;
  const services: { service: Service; node: NodeId }[] = [];
  SERVICES.forEach((service, i) => {
    const node = pick(service, explicit ? undefined : all[i + 1]);
    if (node !== undefined) services.push({ service, node });
  });
  const used = new Set([order, ...services.map((s) => s.node)]);
  if (used.size !== services.length + 1) throw new Error("option roles: one node per role");
  return { order, services, others: all.filter((n) => !used.has(n)) };
}

/**
 * A change to one counter of a service's ledger.
 *
 * @example
 * ```ts
 * import type { Effect } from "./order.ts";
 * const take: Effect = { key: "balance/alice", delta: -30 };
 * ```
 */
export interface Effect {
  readonly key: string;
  readonly delta: number;
}

/**
 * What an order changes at `service`: stock down by `qty`, balance down by `amount`,
 * one delivery slot of the region taken. The compensation is the same key with `-delta`.
 *
 * @example
 * ```ts
 * import { effectOf } from "./order.ts";
 * const o = { id: "o1", item: "item-1", qty: 2, amount: 30, account: "alice", region: "east" };
 * effectOf("inventory", o); // { key: "stock/item-1", delta: -2 }
 * effectOf("delivery", o); // { key: "slots/east", delta: -1 }
 * ```
 */
export function effectOf(service: Service, order: Order): Effect {
  switch (service) {
    case "inventory":
      return { key: `stock/${order.item}`, delta: -order.qty };
    case "payment":
      return { key: `balance/${order.account}`, delta: -order.amount };
    case "delivery":
      return { key: `slots/${order.region}`, delta: -1 };
  }
}

/**
 * The ledger a service starts with, from the options (see the module doc for defaults).
 *
 * @example
 * ```ts
 * import { initialLedger } from "./order.ts";
 * initialLedger("inventory", { stock: { apple: 3 } }); // { "stock/apple": 3 }
 * initialLedger("delivery", { slots: { east: 5 } }); // { "slots/east": 5 }
 * ```
 */
export function initialLedger(
  service: Service,
  options: Readonly<Record<string, unknown>>,
): Record<string, number> {
  const counters = (raw: unknown, fallback: Record<string, number>, prefix: string) => {
    const src = (raw ?? fallback) as Record<string, unknown>;
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(src)) {
      if (typeof v !== "number" || !(v >= 0)) throw new Error(`ledger value for ${k} must be >= 0`);
      out[prefix + k] = v;
    }
    return out;
  };
  switch (service) {
    case "inventory":
      return counters(options.stock, { "item-1": 100, "item-2": 100, "item-3": 100 }, "stock/");
    case "payment":
      return counters(options.balances, { alice: 1000, bob: 1000, carol: 1000 }, "balance/");
    case "delivery":
      return counters(
        options.slots,
        { east: 1000, west: 1000, north: 1000, south: 1000 },
        "slots/",
      );
  }
}

/**
 * Whether `service` is told (by the `refuse` option) to refuse order `orderId`: a list of
 * ids, or a probability drawn from `random`. Callers persist the answer, so a retried
 * request gets the same one.
 *
 * @example
 * ```ts
 * import { refuses } from "./order.ts";
 * refuses({ refuse: { payment: ["o2"] } }, "payment", "o2", () => 0.5); // true
 * refuses({ refuse: { payment: 0.2 } }, "payment", "o3", () => 0.5); // false
 * ```
 */
export function refuses(
  options: Readonly<Record<string, unknown>>,
  service: Service,
  orderId: string,
  random: () => number,
): boolean {
  const rule = ((options.refuse ?? {}) as Record<string, unknown>)[service];
  if (Array.isArray(rule)) return rule.includes(orderId);
  if (typeof rule === "number") return random() < rule;
  return false;
}

/**
 * Why an effect cannot be applied to a ledger value, or null when it can.
 *
 * @example
 * ```ts
 * import { shortfall } from "./order.ts";
 * shortfall(1, { key: "stock/apple", delta: -2 }); // "insufficient stock/apple: 1 < 2"
 * shortfall(5, { key: "stock/apple", delta: -2 }); // null
 * ```
 */
export function shortfall(current: number, effect: Effect): string | null {
  return current + effect.delta >= 0
    ? null
    : `insufficient ${effect.key}: ${current} < ${-effect.delta}`;
}
