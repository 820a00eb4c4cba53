/**
 * The `2pc` torture workload: order clients against the coordinator; after every change
 * the atomicity and lock checks of the transactions and participants that changed; at
 * the end every transaction decided and every client answer matching its decision.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
import { orderRoles } from "../../protocols/txn/order.ts";
import type { ParticipantNode } from "../../protocols/txn/participant.ts";
import {
  checkTwoPhaseCommit,
  checkTwoPhaseSettled,
  twoPhaseView,
  type TxnClusterView,
} from "../../protocols/txn/invariants.ts";
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
 * Two-phase commit of orders, one in ten refused by the payment service.
 *
 * @example
 * ```ts
 * import { twoPcWorkload } from "./two_pc.ts";
 * twoPcWorkload.harness(twoPcWorkload.defaults).nodes; // 4
 * ```
 */
export const twoPcWorkload: TxnWorkload = {
  defaults: { refuse: { payment: 0.1 }, ...PLENTY },
  harness(options) {
    const replies = new Map<string, "ok" | "fail">();
    const read = diskCache();
    const changed = differ();
    const wasUp = new Map<NodeId, boolean>();
    const view = (sim: Simulation): TxnClusterView =>
      twoPhaseView(sim.nodes, options, (n, p) => read(sim, n, p), (n) => {
        const node = sim.host(n)?.node as Partial<ParticipantNode> | undefined;
        return node?.locks ?? null;
      });
    return {
      protocol: twoPhaseCommit,
      nodes: 4,
      options,
      fingerprint: diskFingerprint,
      check(sim) {
        const v = view(sim);
        const txns = new Set<string>(), nodes = new Set<NodeId>(), ignored = new Set<string>();
        changed("coordinator", read(sim, orderRoles(sim.nodes, options).order, "txn/"), txns);
        for (const p of v.participants) {
          if (changed(p.node, read(sim, p.node, "txn/"), txns)) nodes.add(p.node);
          if (changed(p.node + " res", read(sim, p.node, "res/"), ignored)) nodes.add(p.node);
          if (wasUp.get(p.node) !== (p.locks !== null)) nodes.add(p.node);
          wasUp.set(p.node, p.locks !== null);
        }
        return checkTwoPhaseCommit(v, { txns, nodes });
      },
      start(sim, rng, clients, untilMs, ops) {
        orderClients(sim, rng, clients, untilMs, ops, (id, reply) => {
          if (reply.type !== "info") replies.set(id, reply.type);
        });
      },
      settled(sim) {
        const v = view(sim);
        const bad = checkTwoPhaseCommit(v) ?? checkTwoPhaseSettled(v);
        if (bad !== null) return bad;
        for (const [id, r] of replies) {
          const d = v.coordinator[id]?.decision;
          if ((r === "ok") !== (d === "commit")) return `client got ${r} for ${id}, decision ${d}`;
        }
        return null;
      },
    };
  },
};
