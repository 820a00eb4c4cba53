/**
 * A service's ledger in durable storage: named non-negative counters (`stock/<item>`,
 * `balance/<account>`, `slots/<region>`) under `res/<key>`, falling back to the initial values
 * from the options until first written. Two-phase commit participants and saga services
 * both keep their data this way.
 *
 * @module
 */

import type { DurableStorage } from "../storage.ts";
import type { Effect } from "./order.ts";

/**
 * A ledger: durable counters with their initial values.
 *
 * @example
 * ```ts
 * import { type Ledger, ledgerValue } from "./ledger.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage;
 * const ledger: Ledger = { storage, initial: { "stock/item-1": 100 } };
 * ledgerValue(ledger, "stock/item-1"); // 100 until a change is written
 * ```
 */
export interface Ledger {
  readonly storage: DurableStorage;
  readonly initial: Readonly<Record<string, number>>;
}

/**
 * The current value of counter `key` (0 for a key the service never had).
 *
 * @example
 * ```ts
 * import { ledgerValue } from "./ledger.ts";
 * const m = new Map<string, unknown>();
 * const storage = {
 *   get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k), keys: () => [...m.keys()].sort(),
 * };
 * ledgerValue({ storage, initial: { slots: 3 } }, "slots"); // 3
 * ```
 */
export function ledgerValue(ledger: Ledger, key: string): number {
  const v = ledger.storage.get("res/" + key);
  return typeof v === "number" ? v : ledger.initial[key] ?? 0;
}

/**
 * Applies `effect` (durably). The caller has checked it leaves the counter non-negative.
 *
 * @example
 * ```ts
 * import { ledgerApply, ledgerValue } from "./ledger.ts";
 * const m = new Map<string, unknown>();
 * const storage = {
 *   get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k), keys: () => [...m.keys()].sort(),
 * };
 * const ledger = { storage, initial: { slots: 3 } };
 * ledgerApply(ledger, { key: "slots", delta: -1 });
 * ledgerValue(ledger, "slots"); // 2
 * ```
 */
export function ledgerApply(ledger: Ledger, effect: Effect): void {
  ledger.storage.set("res/" + effect.key, ledgerValue(ledger, effect.key) + effect.delta);
}

/**
 * Every counter (initial ones and any written since), key → value.
 *
 * @example
 * ```ts
 * import { ledgerSnapshot } from "./ledger.ts";
 * const m = new Map<string, unknown>([["res/stock/a", 4]]);
 * const storage = {
 *   get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k),
 *   keys: (p = "") => [...m.keys()].filter((k) => k.startsWith(p)).sort(),
 * };
 * ledgerSnapshot({ storage, initial: { "stock/a": 5, "stock/b": 1 } });
 * // { "stock/a": 4, "stock/b": 1 }
 * ```
 */
export function ledgerSnapshot(ledger: Ledger): Record<string, number> {
  const out: Record<string, number> = { ...ledger.initial };
  for (const k of ledger.storage.keys("res/")) out[k.slice(4)] = ledgerValue(ledger, k.slice(4));
  return out;
}
