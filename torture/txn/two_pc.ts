/**
 * The `2pc` torture workload: order clients against the coordinator; after every change
 * the atomicity, lock and ledger checks of only the transactions, participants and
 * counters that changed (from running expectations kept current by each node's write
 * journal); at each crash or restart and at the end the exhaustive checks; at the end
 * every transaction decided and every client answer matching its decision.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
import { initialLedger, orderRoles } from "../../protocols/txn/order.ts";
import type { ParticipantNode, ParticipantRecord } from "../../protocols/txn/participant.ts";
import type { CoordinatorRecord } from "../../protocols/txn/coordinator.ts";
import {
  applyParticipantChange,
  checkLedgerKeys,
  checkRunningLocks,
  checkTwoPhaseCommit,
  checkTwoPhaseSettled,
  checkTxnAtomicity,
  readRecords,
  type RunningParticipant,
  runningParticipant,
  twoPhaseView,
  type TxnClusterView,
} from "../../protocols/txn/invariants.ts";
import type { Simulation } from "../../nodes/simulator.ts";
import {
  diskFingerprint,
  orderClients,
  PLENTY,
  type RecordMirror,
  recordMirror,
  type TxnWorkload,
} from "./harness.ts";

/** What the per-step checks keep between steps. */
interface Tracked {
  readonly coordinator: RecordMirror;
  readonly coordinatorNode: NodeId;
  coordinatorUp: boolean;
  readonly participants: {
    readonly node: NodeId;
    readonly initial: Readonly<Record<string, number>>;
    readonly mirror: RecordMirror;
    running: RunningParticipant;
    up: boolean;
  }[];
}

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
    let tracked: Tracked | null = null;
    const locksOf = (sim: Simulation, n: NodeId) =>
      (sim.host(n)?.node as Partial<ParticipantNode> | undefined)?.locks ?? null;
    // The exhaustive view reads the disks themselves, not the mirrors.
    const view = (sim: Simulation): TxnClusterView =>
      twoPhaseView(
        sim.nodes,
        options,
        (n, p) => readRecords(sim.disk(n).inspect(), p),
        (n) => locksOf(sim, n),
      );
    const exhaustive = (sim: Simulation) => checkTwoPhaseCommit(view(sim));
    const track = (sim: Simulation): Tracked => {
      const roles = orderRoles(sim.nodes, options);
      return {
        coordinator: recordMirror(sim, roles.order, ["txn/"]),
        coordinatorNode: roles.order,
        coordinatorUp: sim.isUp(roles.order),
        participants: roles.services.map(({ node, service }) => {
          const initial = initialLedger(service, options);
          const mirror = recordMirror(sim, node, ["txn/", "res/"]);
          const records = mirror.records("txn/") as ReadonlyMap<string, ParticipantRecord>;
          return {
            node,
            initial,
            mirror,
            running: runningParticipant(initial, records),
            up: true,
          };
        }),
      };
    };
    return {
      protocol: twoPhaseCommit,
      nodes: 4,
      options,
      fingerprint: diskFingerprint(),
      exhaustive,
      check(sim) {
        if (tracked === null) {
          tracked = track(sim);
          for (const p of tracked.participants) p.up = sim.isUp(p.node);
          return exhaustive(sim);
        }
        const t = tracked;
        const txns = new Set<string>();
        const c = t.coordinator.poll();
        const coordinatorUp = sim.isUp(t.coordinatorNode);
        // A crash or a restart anywhere: the exhaustive checks.
        let full = c.reset || coordinatorUp !== t.coordinatorUp;
        t.coordinatorUp = coordinatorUp;
        for (const ch of c.changes) txns.add(ch.id);
        const changed: { p: Tracked["participants"][number]; touched: Set<string> }[] = [];
        for (const p of t.participants) {
          const { changes, reset } = p.mirror.poll();
          const up = sim.isUp(p.node);
          if (reset || up !== p.up) full = true;
          p.up = up;
          if (changes.length === 0) continue;
          const touched = new Set<string>();
          for (const ch of changes) {
            if (ch.prefix === "res/") touched.add(ch.id);
            else {
              txns.add(ch.id);
              applyParticipantChange(
                p.running,
                ch.id,
                ch.before as ParticipantRecord | undefined,
                ch.after as ParticipantRecord | undefined,
                touched,
              );
            }
          }
          changed.push({ p, touched });
        }
        if (full) return exhaustive(sim);
        const decisions = t.coordinator.records("txn/") as ReadonlyMap<string, CoordinatorRecord>;
        for (const txn of txns) {
          const bad = checkTxnAtomicity(
            txn,
            decisions.get(txn)?.decision,
            t.participants.map((p) => [
              p.node,
              p.mirror.records("txn/").get(txn) as ParticipantRecord | undefined,
            ]),
          );
          if (bad !== null) return bad;
        }
        for (const { p, touched } of changed) {
          const bad = checkLedgerKeys(
            p.node,
            p.running,
            (key) => (p.mirror.records("res/").get(key) as number | undefined) ?? p.initial[key],
            [...touched].sort(),
          );
          if (bad !== null) return bad;
        }
        // Locks live in memory and may change without a write: every running participant,
        // in O(prepared) each.
        for (const p of t.participants) {
          const locks = locksOf(sim, p.node);
          const bad = locks === null ? null : checkRunningLocks(p.node, p.running, locks);
          if (bad !== null) return bad;
        }
        return null;
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
