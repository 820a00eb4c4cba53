/**
 * The `saga` torture workload (orchestrated, or choreographed with `style`): order
 * clients; after every change the saga checks of the orders and services that changed;
 * at the end every saga ended and every client answer matching how it ended.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { orderRoles } from "../../protocols/txn/order.ts";
import { saga } from "../../protocols/saga/saga.ts";
import {
  checkSaga,
  checkSagaSettled,
  type SagaClusterView,
  sagaView,
} from "../../protocols/saga/invariants.ts";
import type { Simulation } from "../../nodes/simulator.ts";
import {
  differ,
  diskCache,
  diskFingerprint,
  orderClients,
  PLENTY,
  type TxnWorkload,
} from "./harness.ts";

/**
 * Orders as sagas, some refused by payment or delivery so that compensations run.
 *
 * @example
 * ```ts
 * import { sagaWorkload } from "./saga.ts";
 * sagaWorkload.harness({ style: "choreographed" }).nodes; // 7
 * ```
 */
export const sagaWorkload: TxnWorkload = {
  defaults: { refuse: { payment: 0.15, delivery: 0.1 }, ...PLENTY },
  harness(options) {
    const choreographed = options.style === "choreographed";
    const replies = new Map<string, "ok" | "fail">();
    const read = diskCache();
    const changed = differ();
    const view = (sim: Simulation): SagaClusterView =>
      sagaView(sim.nodes, options, (n, p) => read(sim, n, p));
    return {
      protocol: saga,
      nodes: choreographed ? 7 : 4,
      options,
      fingerprint: diskFingerprint,
      check(sim) {
        const v = view(sim);
        const orders = new Set<string>(), nodes = new Set<NodeId>(), ignored = new Set<string>();
        const order = orderRoles(sim.nodes, options).order;
        changed("orders", read(sim, order, choreographed ? "order/" : "saga/"), orders);
        for (const sv of v.services) {
          if (changed(sv.node, read(sim, sv.node, "step/"), orders)) nodes.add(sv.node);
          if (changed(sv.node + " res", read(sim, sv.node, "res/"), ignored)) nodes.add(sv.node);
        }
        return checkSaga(v, { orders, nodes });
      },
      start(sim, rng, clients, untilMs, ops) {
        orderClients(sim, rng, clients, untilMs, ops, (id, reply) => {
          if (reply.type === "info") return;
          const outcome = reply.type === "ok"
            ? (reply.value as { outcome?: string } | undefined)?.outcome
            : undefined;
          if (outcome !== "pending") replies.set(id, reply.type);
        });
      },
      settled(sim) {
        const v = view(sim);
        const bad = checkSagaSettled(v);
        if (bad !== null) return bad;
        for (const [id, r] of replies) {
          const s = v.orders[id]?.state;
          if ((r === "ok") !== (s === "done")) return `client got ${r} for ${id}, saga ${s}`;
        }
        return null;
      },
    };
  },
};
