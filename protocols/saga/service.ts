/**
 * One saga participant service (inventory, payment or delivery): a local transaction
 * per step — T1 reserve stock, T2 take payment, T3 arrange delivery — and its
 * compensation — C1 return stock, C2 refund, C3 cancel delivery. Both saga styles use
 * it; the orchestrator calls it by message, the choreography from bus events.
 *
 * Each order has one durable record per service (`step/<orderId>`, the idempotency key
 * `<orderId>/<service>`), so every step and compensation is idempotent: a retried or
 * redelivered step returns the recorded result, a repeated compensation does nothing.
 * A compensation that arrives before its step (the step's message was delayed, the
 * orchestrator gave up on it) leaves a tombstone, and the late step is then refused —
 * otherwise it would take stock or money that nothing would ever give back.
 *
 * Unlike 2PC there are no locks: a step's change is visible at once. A reader can see
 * stock reserved for an order that is later compensated — the lack of isolation that
 * sagas trade for availability.
 *
 * @module
 */

import type { DurableStorage } from "../storage.ts";
import { type Ledger, ledgerApply, ledgerSnapshot, ledgerValue } from "../txn/ledger.ts";
import {
  type Effect,
  effectOf,
  initialLedger,
  type Order,
  refuses,
  type Service,
  shortfall,
} from "../txn/order.ts";

/**
 * A service's record of one order's step.
 *
 * @example
 * ```ts
 * import type { StepRecord } from "./service.ts";
 * const r: StepRecord = { state: "compensated", effect: null, at: 90 }; // a tombstone
 * ```
 */
export type StepRecord =
  | { readonly state: "done"; readonly effect: Effect; readonly at: number }
  | { readonly state: "failed"; readonly reason: string; readonly at: number }
  /** `effect` null: compensated before the step ever ran (a tombstone). */
  | { readonly state: "compensated"; readonly effect: Effect | null; readonly at: number };

/**
 * The outcome of running a step. `fresh` is false when it was already recorded.
 *
 * @example
 * ```ts
 * import type { StepOutcome } from "./service.ts";
 * const refused: StepOutcome = { ok: false, reason: "payment refused o2", fresh: true };
 * ```
 */
export interface StepOutcome {
  readonly ok: boolean;
  readonly reason?: string;
  readonly fresh: boolean;
}

/**
 * A saga participant service over a node's durable storage.
 *
 * @example
 * ```ts
 * import type { SagaService } from "./service.ts";
 * function undone(s: SagaService, orderId: string): boolean {
 *   return s.record(orderId)?.state === "compensated";
 * }
 * ```
 */
export interface SagaService {
  readonly service: Service;
  readonly ledger: Ledger;
  /** Runs the step for `order` once; repeats return the recorded outcome. */
  doStep(order: Order): StepOutcome;
  /** Compensates the step for `order` once (a tombstone if it never ran). */
  undoStep(order: Order): { readonly fresh: boolean };
  /** The record of `orderId`, if any. */
  record(orderId: string): StepRecord | undefined;
  status(): Record<string, unknown>;
}

/**
 * Creates the service, recovering its records from storage.
 *
 * @example
 * ```ts
 * import { createSagaService } from "./service.ts";
 * const m = new Map<string, unknown>();
 * const storage = {
 *   get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k),
 *   keys: (p = "") => [...m.keys()].filter((k) => k.startsWith(p)).sort(),
 * };
 * const s = createSagaService(storage, "inventory", {}, () => 0.5, () => 0);
 * const order = { id: "o1", item: "item-1", qty: 2, amount: 10, account: "alice", region: "east" };
 * s.doStep(order).ok; // true
 * s.undoStep(order).fresh; // true: stock returned
 * s.undoStep(order).fresh; // false: already done
 * ```
 */
export function createSagaService(
  storage: DurableStorage,
  service: Service,
  options: Readonly<Record<string, unknown>>,
  random: () => number,
  now: () => number,
): SagaService {
  const ledger: Ledger = { storage, initial: initialLedger(service, options) };
  const records = new Map<string, StepRecord>();
  for (const k of storage.keys("step/")) records.set(k.slice(5), storage.get(k) as StepRecord);
  const write = (id: string, r: StepRecord) => {
    records.set(id, r);
    storage.set("step/" + id, r);
  };
  const count = (state: StepRecord["state"]) =>
    [...records.values()].filter((r) => r.state === state).length;

  return {
    service,
    ledger,
    doStep(order) {
      const r = records.get(order.id);
      if (r !== undefined) {
        if (r.state === "done") return { ok: true, fresh: false };
        if (r.state === "failed") return { ok: false, reason: r.reason, fresh: false };
        return { ok: false, reason: `${service} step cancelled by its compensation`, fresh: false };
      }
      const effect = effectOf(service, order);
      const reason = refuses(options, service, order.id, random)
        ? `${service} refused ${order.id}`
        : shortfall(ledgerValue(ledger, effect.key), effect);
      if (reason !== null) {
        write(order.id, { state: "failed", reason, at: now() });
        return { ok: false, reason, fresh: true };
      }
      ledgerApply(ledger, effect);
      write(order.id, { state: "done", effect, at: now() });
      return { ok: true, fresh: true };
    },
    undoStep(order) {
      const r = records.get(order.id);
      if (r?.state === "compensated" || r?.state === "failed") return { fresh: false };
      if (r?.state === "done") {
        ledgerApply(ledger, { key: r.effect.key, delta: -r.effect.delta });
        write(order.id, { state: "compensated", effect: r.effect, at: now() });
      } else {
        write(order.id, { state: "compensated", effect: null, at: now() });
      }
      return { fresh: true };
    },
    record: (id) => records.get(id),
    status: () => ({
      role: service,
      ledger: ledgerSnapshot(ledger),
      done: count("done"),
      failed: count("failed"),
      compensated: count("compensated"),
    }),
  };
}
