/**
 * Safety properties of Paxos Commit over what the nodes hold on disk (and, for running
 * RMs, their locks). The ledger and lock checks are 2PC's (`txn/invariants.ts`): an RM
 * keeps the same records. Per transaction ({@link checkPcTxn}):
 *
 * - **Agreement**: every node that logged a decision logged the same one.
 * - **Atomicity**: no RM committed while another aborted, none contradicts the decision.
 * - **Validity**: a commit only if every RM has a prepared (or committed) record.
 * - **Paxos**: per instance, once a majority accepted a value at a ballot, every
 *   acceptance at that ballot or a higher one has that value — so the chosen value
 *   cannot change; and the decision matches the chosen values.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { initialLedger } from "../txn/order.ts";
import type { ParticipantRecord } from "../txn/participant.ts";
import {
  checkLedgers,
  checkLocks,
  checkTxnAtomicity,
  type ParticipantView,
  type RecordReader,
} from "../txn/invariants.ts";
import { type AcceptorRecord, type DecisionRecord, pcRoles } from "./state.ts";

/**
 * What the checks see of a Paxos Commit cluster.
 *
 * @example
 * ```ts
 * import { checkPaxosCommit, type PcClusterView } from "./invariants.ts";
 * const v: PcClusterView = { rms: [], acceptors: [], decisions: [], majority: 2 };
 * checkPaxosCommit(v); // null
 * ```
 */
export interface PcClusterView {
  readonly rms: readonly ParticipantView[];
  readonly acceptors: readonly {
    readonly node: NodeId;
    readonly records: Readonly<Record<string, AcceptorRecord>>;
  }[];
  readonly decisions: readonly {
    readonly node: NodeId;
    readonly records: Readonly<Record<string, DecisionRecord>>;
  }[];
  readonly majority: number;
}

/**
 * Builds the view from each node's disk (`read`) and running RMs' locks (`locksOf`).
 *
 * @example
 * ```ts
 * import { paxosCommitView } from "./invariants.ts";
 * const v = paxosCommitView(["n1", "n2", "n3", "n4"], {}, () => ({}), () => null);
 * v.acceptors.map((a) => a.node); // ["n1", "n2", "n3"]
 * ```
 */
export function paxosCommitView(
  nodes: readonly NodeId[],
  options: Readonly<Record<string, unknown>>,
  read: RecordReader,
  locksOf: (node: NodeId) => ReadonlyMap<string, string> | null,
): PcClusterView {
  const roles = pcRoles(nodes, options, Number(options.f ?? 1));
  return {
    rms: roles.rms.map(({ node, service }) => {
      const initial = initialLedger(service, options);
      const locks = locksOf(node);
      return {
        node,
        records: read(node, "txn/") as Record<string, ParticipantRecord>,
        ledger: { ...initial, ...read(node, "res/") as Record<string, number> },
        initial,
        locks: locks === null ? null : Object.fromEntries(locks),
      };
    }),
    acceptors: roles.acceptors.map((node) => ({
      node,
      records: read(node, "acc/") as Record<string, AcceptorRecord>,
    })),
    decisions: roles.all.map((node) => ({
      node,
      records: read(node, "dec/") as Record<string, DecisionRecord>,
    })),
    majority: roles.majority,
  };
}

/**
 * What one transaction's check reads: each node's decision, each RM's record, each
 * acceptor's record (undefined where absent).
 *
 * @example
 * ```ts
 * import type { PcTxnView } from "./invariants.ts";
 * const t: PcTxnView = { decisions: [], rms: [["n2", undefined]], acceptors: [], majority: 2 };
 * ```
 */
export interface PcTxnView {
  readonly decisions: readonly (readonly [NodeId, DecisionRecord | undefined])[];
  readonly rms: readonly (readonly [NodeId, ParticipantRecord | undefined])[];
  readonly acceptors: readonly (readonly [NodeId, AcceptorRecord | undefined])[];
  readonly majority: number;
}

/**
 * The values chosen so far that the acceptors' records show, per RM instance (a
 * majority accepted it at one ballot), or a violation of Paxos's safety.
 *
 * @example
 * ```ts
 * import { chosenValues } from "./invariants.ts";
 * const a = { promised: 0, accepted: { n2: { ballot: 0, prepared: true } } };
 * chosenValues("o1", [["n1", a], ["n2", a], ["n3", undefined]], 2); // Map { "n2" => true }
 * ```
 */
export function chosenValues(
  txn: string,
  acceptors: PcTxnView["acceptors"],
  majority: number,
): Map<string, boolean> | string {
  const byRm = new Map<string, { ballot: number; prepared: boolean; node: NodeId }[]>();
  for (const [node, r] of acceptors) {
    for (const [rm, a] of Object.entries(r?.accepted ?? {})) {
      if (a.ballot > (r?.promised ?? 0)) {
        return `${node} accepted ${txn}/${rm} at ${a.ballot} above its promise ${r?.promised}`;
      }
      const l = byRm.get(rm) ?? [];
      l.push({ ...a, node });
      byRm.set(rm, l);
    }
  }
  const chosen = new Map<string, boolean>();
  for (const [rm, accs] of byRm) {
    const count = new Map<number, number>();
    const valueAt = new Map<number, { prepared: boolean; node: NodeId }>();
    for (const a of accs) {
      count.set(a.ballot, (count.get(a.ballot) ?? 0) + 1);
      const other = valueAt.get(a.ballot);
      // One proposer per ballot, one value: two means a ballot was reused.
      if (other !== undefined && other.prepared !== a.prepared) {
        return `${txn}/${rm}: ${other.node} and ${a.node} accepted different values at ballot ${a.ballot}`;
      }
      valueAt.set(a.ballot, a);
    }
    const ballots = [...count].filter(([, n]) => n >= majority).map(([b]) => b);
    if (ballots.length === 0) continue;
    const lowest = Math.min(...ballots);
    const value = accs.find((a) => a.ballot === lowest)!.prepared;
    for (const a of accs) {
      if (a.ballot >= lowest && a.prepared !== value) {
        return `${txn}/${rm}: ${value ? "prepared" : "aborted"} was chosen at ballot ${lowest}, ` +
          `but ${a.node} accepted ${a.prepared ? "prepared" : "aborted"} at ${a.ballot}`;
      }
    }
    chosen.set(rm, value);
  }
  return chosen;
}

/**
 * Every per-transaction property for `txn` (see the module doc); a violation or null.
 *
 * @example
 * ```ts
 * import { checkPcTxn } from "./invariants.ts";
 * checkPcTxn("o1", {
 *   decisions: [["n1", { commit: true, reason: "", at: 1 }]],
 *   rms: [["n2", { state: "aborted", reason: "refused", at: 0 }]],
 *   acceptors: [],
 *   majority: 2,
 * }); // "o1 aborted at n2 but the coordinator decided commit"
 * ```
 */
export function checkPcTxn(txn: string, v: PcTxnView): string | null {
  let decision: { node: NodeId; commit: boolean } | undefined;
  for (const [node, d] of v.decisions) {
    if (d === undefined) continue;
    if (decision === undefined) decision = { node, commit: d.commit };
    else if (decision.commit !== d.commit) {
      return `${txn} decided ${decision.commit ? "commit" : "abort"} at ${decision.node} ` +
        `but ${d.commit ? "commit" : "abort"} at ${node}`;
    }
  }
  const atomic = checkTxnAtomicity(
    txn,
    decision === undefined ? undefined : decision.commit ? "commit" : "abort",
    v.rms,
  );
  if (atomic !== null) return atomic;
  if (decision?.commit) {
    for (const [node, r] of v.rms) {
      if (r?.state !== "prepared" && r?.state !== "committed") {
        return `${txn} committed but ${node} never prepared it`;
      }
    }
  }
  const chosen = chosenValues(txn, v.acceptors, v.majority);
  if (typeof chosen === "string") return chosen;
  for (const [rm, prepared] of chosen) {
    if (decision?.commit && !prepared) return `${txn} committed but ${rm}'s instance chose abort`;
    // Only the RM proposes "prepared" (at ballot 0), after logging it.
    if (prepared && v.rms.find(([n]) => n === rm)?.[1] === undefined) {
      return `${txn}/${rm}: prepared was chosen but ${rm} has no record of it`;
    }
  }
  if (decision !== undefined && !decision.commit && v.rms.every(([n]) => chosen.get(n) === true)) {
    return `${txn} aborted although every instance chose prepared`;
  }
  return null;
}

/**
 * The per-transaction view of `txn` out of a cluster view.
 *
 * @example
 * ```ts
 * import { pcTxnView } from "./invariants.ts";
 * pcTxnView({ rms: [], acceptors: [], decisions: [], majority: 2 }, "o1").majority; // 2
 * ```
 */
export function pcTxnView(view: PcClusterView, txn: string): PcTxnView {
  return {
    decisions: view.decisions.map((d) => [d.node, d.records[txn]] as const),
    rms: view.rms.map((p) => [p.node, p.records[txn]] as const),
    acceptors: view.acceptors.map((a) => [a.node, a.records[txn]] as const),
    majority: view.majority,
  };
}

/**
 * Every safety check over the whole cluster: each transaction's, then 2PC's lock and
 * ledger checks of the RMs. The first violation or null.
 *
 * @example
 * ```ts
 * import { checkPaxosCommit } from "./invariants.ts";
 * checkPaxosCommit({ rms: [], acceptors: [], decisions: [], majority: 2 }); // null
 * ```
 */
export function checkPaxosCommit(view: PcClusterView): string | null {
  const txns = new Set<string>();
  for (const x of [...view.rms, ...view.acceptors, ...view.decisions]) {
    for (const t of Object.keys(x.records)) txns.add(t);
  }
  for (const txn of [...txns].sort()) {
    const bad = checkPcTxn(txn, pcTxnView(view, txn));
    if (bad !== null) return bad;
  }
  const rms = { coordinator: {}, participants: view.rms };
  return checkLocks(rms) ?? checkLedgers(rms);
}

/**
 * After faults heal and the cluster settles: no RM in doubt or holding a lock, and every
 * transaction an acceptor or RM knows of decided somewhere.
 *
 * @example
 * ```ts
 * import { checkPaxosCommitSettled } from "./invariants.ts";
 * checkPaxosCommitSettled({ rms: [], acceptors: [], decisions: [], majority: 2 }); // null
 * ```
 */
export function checkPaxosCommitSettled(view: PcClusterView): string | null {
  for (const p of view.rms) {
    for (const [txn, r] of Object.entries(p.records)) {
      if (r.state === "prepared") return `${txn} is still in doubt at ${p.node}`;
    }
    if (p.locks !== null && Object.keys(p.locks).length > 0) {
      return `${p.node} still holds locks: ${Object.keys(p.locks).join(", ")}`;
    }
  }
  for (const a of view.acceptors) {
    for (const txn of Object.keys(a.records)) {
      if (!view.decisions.some((d) => d.records[txn] !== undefined)) {
        return `${txn} (known to acceptor ${a.node}) was never decided`;
      }
    }
  }
  return null;
}
