/**
 * The `paxos-commit` torture workload: 2PC's order clients against the registrar, with
 * the registrar (the coordinator) crashed and restarted by the workload itself on top of
 * the nemesis. After every change, the per-transaction checks of only the transactions
 * that changed, the "a chosen value never changes" check against the values seen chosen
 * so far, and 2PC's ledger and lock checks from running expectations; at each crash or
 * restart and at the end the exhaustive checks; at the end every RM out of doubt, every
 * known transaction decided and every client answer matching its decision.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import type { Rng } from "../../protocols/random.ts";
import type { Simulation } from "../../nodes/simulator.ts";
import { paxosCommit, type PcNode } from "../../protocols/paxos_commit/paxos_commit.ts";
import {
  type AcceptorRecord,
  type DecisionRecord,
  pcRoles,
} from "../../protocols/paxos_commit/state.ts";
import {
  checkPaxosCommit,
  checkPaxosCommitSettled,
  checkPcTxn,
  chosenValues,
  paxosCommitView,
  type PcClusterView,
} from "../../protocols/paxos_commit/invariants.ts";
import { initialLedger } from "../../protocols/txn/order.ts";
import type { ParticipantRecord } from "../../protocols/txn/participant.ts";
import {
  applyParticipantChange,
  checkLedgerKeys,
  checkRunningLocks,
  readRecords,
  type RunningParticipant,
  runningParticipant,
} from "../../protocols/txn/invariants.ts";
import {
  diskFingerprint,
  orderClients,
  PLENTY,
  type RecordMirror,
  recordMirror,
  type TxnWorkload,
} from "./harness.ts";

interface Tracked {
  readonly nodes: { readonly node: NodeId; readonly mirror: RecordMirror; up: boolean }[];
  readonly rms: {
    readonly node: NodeId;
    readonly initial: Readonly<Record<string, number>>;
    readonly mirror: RecordMirror;
    readonly running: RunningParticipant;
  }[];
  readonly acceptors: readonly { readonly node: NodeId; readonly mirror: RecordMirror }[];
  /** Instance `txn/rm` → the value first seen chosen. */
  readonly chosen: Map<string, boolean>;
}

/**
 * Crashes the coordinator (`node`) at seeded moments until `untilMs`, restarting it
 * after a seeded pause: the failure Paxos Commit exists for.
 *
 * @example
 * ```ts
 * import { coordinatorCrashes } from "./paxos_commit.ts";
 * import { Simulation } from "../../nodes/simulator.ts";
 * import { createRng } from "../../protocols/random.ts";
 * import { paxosCommit } from "../../protocols/paxos_commit/paxos_commit.ts";
 * const sim = new Simulation({ protocol: paxosCommit, nodes: 4, seed: 1 });
 * coordinatorCrashes(sim, createRng(1), "n1", 5000);
 * ```
 */
export function coordinatorCrashes(sim: Simulation, rng: Rng, node: NodeId, untilMs: number): void {
  let t = 300 + rng.next() * 700;
  while (t < untilMs) {
    const down = 200 + rng.next() * 1800;
    sim.at(t, () => {
      if (!sim.isUp(node)) return;
      sim.crash(node);
      sim.after(down, () => sim.restart(node));
    });
    t += down + 500 + rng.next() * 1500;
  }
}

/**
 * Paxos Commit of orders, one in ten refused by the payment service, with coordinator
 * crashes.
 *
 * @example
 * ```ts
 * import { paxosCommitWorkload } from "./paxos_commit.ts";
 * paxosCommitWorkload.harness(paxosCommitWorkload.defaults).nodes; // 4
 * ```
 */
export const paxosCommitWorkload: TxnWorkload = {
  defaults: { refuse: { payment: 0.1 }, ...PLENTY },
  harness(options) {
    const replies = new Map<string, "ok" | "fail">();
    let tracked: Tracked | null = null;
    const f = Number(options.f ?? 1);
    const ids = Array.from({ length: Math.max(4, 2 * f + 1) }, (_, i) => `n${i + 1}`);
    const roles = pcRoles(ids, options, f);
    const locksOf = (sim: Simulation, n: NodeId) =>
      (sim.host(n)?.node as PcNode | undefined)?.locks ?? null;
    const view = (sim: Simulation): PcClusterView =>
      paxosCommitView(
        sim.nodes,
        options,
        (n, p) => readRecords(sim.disk(n).inspect(), p),
        (n) => locksOf(sim, n),
      );
    const exhaustive = (sim: Simulation) => checkPaxosCommit(view(sim));
    const track = (sim: Simulation): Tracked => {
      const mirrors = new Map(
        roles.all.map((node) => {
          const prefixes = ["dec/"];
          if (roles.acceptors.includes(node)) prefixes.push("acc/");
          if (roles.rms.some((r) => r.node === node)) prefixes.push("txn/", "res/");
          return [node, recordMirror(sim, node, prefixes)] as const;
        }),
      );
      return {
        nodes: roles.all.map((node) => ({ node, mirror: mirrors.get(node)!, up: sim.isUp(node) })),
        rms: roles.rms.map(({ node, service }) => {
          const initial = initialLedger(service, options);
          const mirror = mirrors.get(node)!;
          const records = mirror.records("txn/") as ReadonlyMap<string, ParticipantRecord>;
          return { node, initial, mirror, running: runningParticipant(initial, records) };
        }),
        acceptors: roles.acceptors.map((node) => ({ node, mirror: mirrors.get(node)! })),
        chosen: new Map(),
      };
    };
    // The values chosen now for `txn`, each compared with the first one seen chosen.
    const chosenStays = (t: Tracked, txn: string): string | null => {
      const now = chosenValues(
        txn,
        t.acceptors.map((a) => [
          a.node,
          a.mirror.records("acc/").get(txn) as AcceptorRecord | undefined,
        ]),
        roles.majority,
      );
      if (typeof now === "string") return now;
      for (const [rm, v] of now) {
        const key = `${txn}/${rm}`, before = t.chosen.get(key);
        if (before !== undefined && before !== v) {
          return `${key}: the chosen value changed from ${before} to ${v}`;
        }
        t.chosen.set(key, v);
      }
      return null;
    };
    return {
      protocol: paxosCommit,
      nodes: roles.all.length,
      options,
      fingerprint: diskFingerprint(),
      exhaustive,
      check(sim) {
        if (tracked === null) {
          tracked = track(sim);
          return exhaustive(sim);
        }
        const t = tracked;
        const txns = new Set<string>();
        let full = false;
        const touched = new Map<NodeId, Set<string>>();
        for (const n of t.nodes) {
          const { changes, reset } = n.mirror.poll();
          const up = sim.isUp(n.node);
          if (reset || up !== n.up) full = true;
          n.up = up;
          const rm = t.rms.find((r) => r.node === n.node);
          for (const ch of changes) {
            if (ch.prefix === "res/") {
              if (!touched.has(n.node)) touched.set(n.node, new Set());
              touched.get(n.node)!.add(ch.id);
              continue;
            }
            txns.add(ch.id);
            if (ch.prefix === "txn/" && rm !== undefined) {
              if (!touched.has(n.node)) touched.set(n.node, new Set());
              applyParticipantChange(
                rm.running,
                ch.id,
                ch.before as ParticipantRecord | undefined,
                ch.after as ParticipantRecord | undefined,
                touched.get(n.node)!,
              );
            }
          }
        }
        for (const txn of [...txns].sort()) {
          const bad = chosenStays(t, txn);
          if (bad !== null) return bad;
        }
        if (full) return exhaustive(sim);
        for (const txn of txns) {
          const bad = checkPcTxn(txn, {
            decisions: t.nodes.map((n) => [
              n.node,
              n.mirror.records("dec/").get(txn) as DecisionRecord | undefined,
            ]),
            rms: t.rms.map((r) => [
              r.node,
              r.mirror.records("txn/").get(txn) as ParticipantRecord | undefined,
            ]),
            acceptors: t.acceptors.map((a) => [
              a.node,
              a.mirror.records("acc/").get(txn) as AcceptorRecord | undefined,
            ]),
            majority: roles.majority,
          });
          if (bad !== null) return bad;
        }
        for (const r of t.rms) {
          const keys = touched.get(r.node);
          if (keys !== undefined) {
            const bad = checkLedgerKeys(
              r.node,
              r.running,
              (key) => (r.mirror.records("res/").get(key) as number | undefined) ?? r.initial[key],
              [...keys].sort(),
            );
            if (bad !== null) return bad;
          }
          // Locks live in memory and may change without a write.
          const locks = locksOf(sim, r.node);
          const bad = locks === null ? null : checkRunningLocks(r.node, r.running, locks);
          if (bad !== null) return bad;
        }
        return null;
      },
      start(sim, rng, clients, untilMs, ops) {
        coordinatorCrashes(sim, rng, roles.registrar, untilMs);
        orderClients(sim, rng, clients, untilMs, ops, (id, reply) => {
          if (reply.type !== "info") replies.set(id, reply.type);
        });
      },
      settled(sim) {
        const v = view(sim);
        const bad = checkPaxosCommit(v) ?? checkPaxosCommitSettled(v);
        if (bad !== null) return bad;
        for (const [id, r] of replies) {
          const d = v.decisions.find((x) => x.records[id] !== undefined)?.records[id];
          if ((r === "ok") !== (d?.commit === true)) {
            return `client got ${r} for ${id}, decision ${d === undefined ? "none" : d.commit}`;
          }
        }
        return null;
      },
    };
  },
};
