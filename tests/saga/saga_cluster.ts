/**
 * The simulated saga cluster both saga styles' tests drive: n1 takes orders, n2–n4 are
 * inventory, payment and delivery.
 *
 * @module
 */

import { Simulation } from "../../nodes/simulator.ts";
import type { Reply } from "../../protocols/node.ts";
import { saga } from "../../protocols/saga/saga.ts";

/**
 * What {@link sagaCluster} gives a test.
 *
 * @example
 * ```ts
 * import { sagaCluster } from "./saga_cluster.ts";
 * const c = sagaCluster(4, 1, {});
 * c.send("o1");
 * c.sim.runFor(500);
 * c.replies.length; // 1
 * ```
 */
export interface SagaCluster {
  readonly sim: Simulation;
  /** The replies to {@link SagaCluster.send}'s orders, in arrival order. */
  readonly replies: Reply[];
  /** Orders two units of item-1 for 30 as `id`. */
  send(id: string): void;
  /** A ledger counter of a service node. */
  ledger(node: string, key: string): number | undefined;
}

/**
 * A saga simulation with full trace, the replies n1 sent, and ledger reads.
 *
 * @example
 * ```ts
 * import { sagaCluster } from "./saga_cluster.ts";
 * const { sim, send, ledger } = sagaCluster(4, 1, {});
 * send("o1");
 * sim.runFor(500);
 * ledger("n2", "stock/item-1"); // 98
 * ```
 */
export function sagaCluster(
  nodes: number,
  seed: number,
  options: Record<string, unknown>,
): SagaCluster {
  const sim = new Simulation({ protocol: saga, nodes, seed, options, trace: "full" });
  const replies: Reply[] = [];
  const send = (id: string) =>
    sim.request(
      "n1",
      { f: "order", id, item: "item-1", qty: 2, amount: 30 },
      1,
      (r) => replies.push(r),
    );
  const ledger = (node: string, key: string) =>
    (sim.status(node).ledger as Record<string, number>)[key];
  return { sim, replies, send, ledger };
}
