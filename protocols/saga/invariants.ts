/**
 * What a saga run must keep, checked over the services' and the order node's durable
 * records, exhaustively (`checkSaga`) or per change from running expectations
 * (`runningSagaLedger`, `applySagaStepChange`, `checkSagaLedgerKeys`,
 * `checkSagaOutcome`) for checks after every simulated step:
 *
 * - **Ledgers balance**: each service counter equals its initial value plus the changes
 *   of its steps that are done (a compensated step's change was given back), and none
 *   is negative.
 * - **No half-ended saga**: an order that is done has every step done; an order that
 *   is compensated has no step left done (each failed, was compensated, or never ran).
 * - **Every saga ends** (after faults heal and the cluster settles): no order is still
 *   pending, no service holds a step for an order nobody knows, and stock, money and
 *   deliveries balance against the orders that were done.
 *
 * The anomalies a saga allows — a read seeing stock reserved for an order that is later
 * compensated — are not violations: they are the price of having no isolation.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { effectOf, initialLedger, type Order, orderRoles, type Service } from "../txn/order.ts";
import type { RecordReader } from "../txn/invariants.ts";
import type { StepRecord } from "./service.ts";
import type { SagaRecord } from "./orchestrator.ts";
import type { OrderRecord } from "./choreography.ts";

/**
 * What the checks see of one service.
 *
 * @example
 * ```ts
 * import type { SagaServiceView } from "./invariants.ts";
 * const v: SagaServiceView = {
 *   node: "n2",
 *   service: "inventory",
 *   records: {},
 *   ledger: { "stock/item-1": 100 },
 *   initial: { "stock/item-1": 100 },
 * };
 * ```
 */
export interface SagaServiceView {
  readonly node: NodeId;
  readonly service: Service;
  readonly records: Readonly<Record<string, StepRecord>>;
  readonly ledger: Readonly<Record<string, number>>;
  readonly initial: Readonly<Record<string, number>>;
}

/**
 * An order's saga as the orchestrator or order service records it.
 *
 * @example
 * ```ts
 * import type { SagaOrderView } from "./invariants.ts";
 * const o: SagaOrderView = {
 *   order: { id: "o1", item: "item-1", qty: 2, amount: 30, account: "alice", region: "east" },
 *   state: "done",
 * };
 * ```
 */
export interface SagaOrderView {
  readonly order: Order;
  readonly state: "pending" | "done" | "compensated";
}

/**
 * What the checks see of the whole cluster.
 *
 * @example
 * ```ts
 * import { checkSagaSettled, type SagaClusterView } from "./invariants.ts";
 * const empty: SagaClusterView = { orders: {}, services: [] };
 * checkSagaSettled(empty); // null
 * ```
 */
export interface SagaClusterView {
  readonly orders: Readonly<Record<string, SagaOrderView>>;
  readonly services: readonly SagaServiceView[];
}

/**
 * Builds the checks' view of a saga cluster from what each node has on disk (`read`):
 * the orchestrator's saga log or the choreography's order records (running sagas read
 * as `pending`), and each service's step records and ledger.
 *
 * @example
 * ```ts
 * import { sagaView } from "./invariants.ts";
 * sagaView(["n1", "n2", "n3", "n4"], {}, () => ({})).services.length; // 3
 * ```
 */
export function sagaView(
  nodes: readonly NodeId[],
  options: Readonly<Record<string, unknown>>,
  read: RecordReader,
): SagaClusterView {
  const roles = orderRoles(nodes, options);
  const orders: Record<string, SagaOrderView> = {};
  if (options.style === "choreographed") {
    for (const r of Object.values(read(roles.order, "order/") as Record<string, OrderRecord>)) {
      orders[r.order.id] = { order: r.order, state: r.state };
    }
  } else {
    for (const r of Object.values(read(roles.order, "saga/") as Record<string, SagaRecord>)) {
      const state = r.state === "done" || r.state === "compensated" ? r.state : "pending";
      orders[r.order.id] = { order: r.order, state };
    }
  }
  return {
    orders,
    services: roles.services.map(({ node, service }) => {
      const initial = initialLedger(service, options);
      const ledger = { ...initial, ...read(node, "res/") as Record<string, number> };
      return {
        node,
        service,
        records: read(node, "step/") as Record<string, StepRecord>,
        ledger,
        initial,
      };
    }),
  };
}

/**
 * Ledgers balance at every service (only `nodes`, when given). Returns the first
 * violation or null.
 *
 * @example
 * ```ts
 * import { checkSagaLedgers } from "./invariants.ts";
 * checkSagaLedgers({
 *   orders: {},
 *   services: [{ node: "n2", service: "inventory", records: {}, ledger: { "stock/a": 4 }, initial: { "stock/a": 5 } }],
 * }); // "n2: stock/a is 4, expected 5"
 * ```
 */
export function checkSagaLedgers(
  view: SagaClusterView,
  nodes?: ReadonlySet<NodeId>,
): string | null {
  for (const s of view.services) {
    if (nodes !== undefined && !nodes.has(s.node)) continue;
    const expected: Record<string, number> = { ...s.initial };
    for (const r of Object.values(s.records)) {
      if (r.state === "done") {
        expected[r.effect.key] = (expected[r.effect.key] ?? 0) + r.effect.delta;
      }
    }
    for (const key of new Set([...Object.keys(expected), ...Object.keys(s.ledger)])) {
      const have = s.ledger[key] ?? 0, want = expected[key] ?? 0;
      if (have !== want) return `${s.node}: ${key} is ${have}, expected ${want}`;
      if (have < 0) return `${s.node}: ${key} is negative (${have})`;
    }
  }
  return null;
}

/**
 * A done order has every step done; a compensated one has none left done (only the
 * orders `ids`, when given).
 *
 * @example
 * ```ts
 * import { checkSagaOutcomes } from "./invariants.ts";
 * const order = { id: "o1", item: "a", qty: 1, amount: 5, account: "x", region: "east" };
 * checkSagaOutcomes({
 *   orders: { o1: { order, state: "compensated" } },
 *   services: [{
 *     node: "n3", service: "payment", ledger: {}, initial: {},
 *     records: { o1: { state: "done", effect: { key: "balance/x", delta: -5 }, at: 1 } },
 *   }],
 * }); // "o1 is compensated but its payment step is still done at n3"
 * ```
 */
export function checkSagaOutcomes(view: SagaClusterView, ids?: Iterable<string>): string | null {
  for (const id of ids ?? Object.keys(view.orders)) {
    const bad = checkSagaOutcome(
      id,
      view.orders[id]?.state,
      view.services.map((s) => ({ node: s.node, service: s.service, record: s.records[id] })),
    );
    if (bad !== null) return bad;
  }
  return null;
}

/**
 * The checks that hold at every step: ledgers and outcomes. With `changed`, only the
 * orders and nodes that changed since the last check.
 *
 * @example
 * ```ts
 * import { checkSaga } from "./invariants.ts";
 * checkSaga({ orders: {}, services: [] }); // null
 * ```
 */
export function checkSaga(
  view: SagaClusterView,
  changed?: { readonly orders: Iterable<string>; readonly nodes: ReadonlySet<NodeId> },
): string | null {
  return checkSagaLedgers(view, changed?.nodes) ?? checkSagaOutcomes(view, changed?.orders);
}

/**
 * After healing and settling: every saga has ended, no service holds a step of an
 * unknown order, and each ledger equals its initial value plus the done orders' changes.
 *
 * @example
 * ```ts
 * import { checkSagaSettled } from "./invariants.ts";
 * const order = { id: "o1", item: "a", qty: 1, amount: 5, account: "x", region: "east" };
 * checkSagaSettled({ orders: { o1: { order, state: "pending" } }, services: [] });
 * // "o1 never ended (still pending)"
 * ```
 */
export function checkSagaSettled(view: SagaClusterView): string | null {
  const bad = checkSaga(view);
  if (bad !== null) return bad;
  for (const [id, o] of Object.entries(view.orders)) {
    if (o.state === "pending") return `${id} never ended (still pending)`;
  }
  for (const s of view.services) {
    const expected: Record<string, number> = { ...s.initial };
    for (const o of Object.values(view.orders)) {
      if (o.state !== "done") continue;
      const e = effectOf(s.service, o.order);
      expected[e.key] = (expected[e.key] ?? 0) + e.delta;
    }
    for (const [id, r] of Object.entries(s.records)) {
      if (view.orders[id] === undefined && r.state === "done") {
        return `${s.node} holds a done ${s.service} step for unknown order ${id}`;
      }
    }
    for (const key of new Set([...Object.keys(expected), ...Object.keys(s.ledger)])) {
      if ((s.ledger[key] ?? 0) !== (expected[key] ?? 0)) {
        return `${s.node}: ${key} is ${s.ledger[key] ?? 0} but the done orders make it ${
          expected[key] ?? 0
        }`;
      }
    }
  }
  return null;
}

/**
 * A service's expected counters (initial plus the changes of its done steps), kept
 * current step record by step record so that a check after a step costs what it
 * changed.
 *
 * @example
 * ```ts
 * import { runningSagaLedger } from "./invariants.ts";
 * runningSagaLedger({ "stock/a": 5 }, []).get("stock/a"); // 5
 * ```
 */
export function runningSagaLedger(
  initial: Readonly<Record<string, number>>,
  records: Iterable<readonly [string, StepRecord]>,
): Map<string, number> {
  const expected = new Map(Object.entries(initial));
  for (const [, r] of records) applySagaStepChange(expected, undefined, r, new Set());
  return expected;
}

/**
 * Updates `expected` (from {@link runningSagaLedger}) for a step record going from
 * `before` to `after` (undefined: absent) and adds the counters it changed to `touched`.
 *
 * @example
 * ```ts
 * import { applySagaStepChange, runningSagaLedger } from "./invariants.ts";
 * const expected = runningSagaLedger({ "stock/a": 5 }, []);
 * const effect = { key: "stock/a", delta: -2 };
 * applySagaStepChange(expected, undefined, { state: "done", effect, at: 1 }, new Set());
 * expected.get("stock/a"); // 3
 * ```
 */
export function applySagaStepChange(
  expected: Map<string, number>,
  before: StepRecord | undefined,
  after: StepRecord | undefined,
  touched: Set<string>,
): void {
  for (const [r, sign] of [[before, -1], [after, 1]] as const) {
    if (r?.state !== "done") continue;
    const { key, delta } = r.effect;
    expected.set(key, (expected.get(key) ?? 0) + sign * delta);
    touched.add(key);
  }
}

/**
 * {@link checkSagaLedgers} for one service and only the counters `keys`, against its
 * running `expected` values; `ledgerOf` reads a counter's value.
 *
 * @example
 * ```ts
 * import { checkSagaLedgerKeys } from "./invariants.ts";
 * checkSagaLedgerKeys("n2", new Map([["stock/a", 5]]), () => 4, ["stock/a"]);
 * // "n2: stock/a is 4, expected 5"
 * ```
 */
export function checkSagaLedgerKeys(
  node: NodeId,
  expected: ReadonlyMap<string, number>,
  ledgerOf: (key: string) => number | undefined,
  keys: Iterable<string>,
): string | null {
  for (const key of keys) {
    const have = ledgerOf(key) ?? 0, want = expected.get(key) ?? 0;
    if (have !== want) return `${node}: ${key} is ${have}, expected ${want}`;
    if (have < 0) return `${node}: ${key} is negative (${have})`;
  }
  return null;
}

/**
 * {@link checkSagaOutcomes} for one order: its state (undefined: unknown) and each
 * service's step record of it.
 *
 * @example
 * ```ts
 * import { checkSagaOutcome } from "./invariants.ts";
 * checkSagaOutcome("o1", "done", [{ node: "n2", service: "inventory", record: undefined }]);
 * // "o1 is done but its inventory step is missing at n2"
 * ```
 */
export function checkSagaOutcome(
  id: string,
  state: SagaOrderView["state"] | undefined,
  steps: Iterable<
    { readonly node: NodeId; readonly service: Service; readonly record: StepRecord | undefined }
  >,
): string | null {
  if (state === undefined || state === "pending") return null;
  for (const { node, service, record: r } of steps) {
    if (state === "done" && r?.state !== "done") {
      return `${id} is done but its ${service} step is ${r?.state ?? "missing"} at ${node}`;
    }
    if (state === "compensated" && r?.state === "done") {
      return `${id} is compensated but its ${service} step is still done at ${node}`;
    }
  }
  return null;
}
