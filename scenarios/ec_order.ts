/**
 * The EC-site order the `2pc` and `saga` scenarios tell about: the same order, the same
 * three services, the same ledgers.
 *
 * @module
 */

import type { Simulation } from "../nodes/simulator.ts";
import { table } from "./scenario.ts";

/**
 * The client operation ordering two units of item-1 for 30 (alice, delivery east).
 *
 * @example
 * ```ts
 * import { orderOp } from "./ec_order.ts";
 * orderOp("o1"); // { f: "order", id: "o1", item: "item-1", qty: 2, amount: 30 }
 * ```
 */
export function orderOp(id: string): {
  f: "order";
  id: string;
  item: string;
  qty: number;
  amount: number;
} {
  return { f: "order", id, item: "item-1", qty: 2, amount: 30 };
}

/**
 * The three ledger counters the order changes — stock at n2, balance at n3, delivery
 * slots at n4 — as a text table.
 *
 * @example
 * ```ts
 * import { ledgerTable } from "./ec_order.ts";
 * import { Simulation } from "../nodes/simulator.ts";
 * import { twoPhaseCommit } from "../protocols/txn/two_phase_commit.ts";
 * const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed: 1 });
 * ledgerTable(sim)[2].split(/\s+/); // ["100", "1000", "1000"]
 * ```
 */
export function ledgerTable(sim: Simulation): string[] {
  const v = (n: string, k: string) => String((sim.status(n).ledger as Record<string, number>)[k]);
  return table([
    ["stock/item-1 (n2)", "balance/alice (n3)", "slots/east (n4)"],
    [v("n2", "stock/item-1"), v("n3", "balance/alice"), v("n4", "slots/east")],
  ]);
}
