/**
 * Safety properties of two-phase commit, checked over what the nodes hold — their
 * durable logs (which survive crashes) and, for running participants, their locks.
 * Exhaustive (`checkTwoPhaseCommit`), or per change from running expectations
 * (`runningParticipant`, `applyParticipantChange`, `checkLedgerKeys`,
 * `checkRunningLocks`, `checkTxnAtomicity`) so that a check after every simulated step
 * costs what the step changed.
 *
 * - **Atomicity**: no transaction is committed at one participant and aborted at
 *   another, and no participant's outcome contradicts the coordinator's decision.
 * - **Locks until the decision**: a running participant holds the lock of every
 *   transaction it has prepared and not yet learnt the outcome of, and no other lock.
 * - **Ledgers balance**: each counter equals its initial value plus the changes of the
 *   transactions committed there, and none is negative.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { DurableStorage } from "../storage.ts";
import type { CoordinatorRecord } from "./coordinator.ts";
import type { ParticipantRecord } from "./participant.ts";
import { initialLedger, orderRoles } from "./order.ts";

/**
 * Reads every value under a storage prefix of a node, keyed by the rest of the key.
 *
 * @example
 * ```ts
 * import type { RecordReader } from "./invariants.ts";
 * const nothing: RecordReader = () => ({});
 * ```
 */
export type RecordReader = (node: NodeId, prefix: string) => Readonly<Record<string, unknown>>;

/**
 * What the checks see of a participant.
 *
 * @example
 * ```ts
 * import type { ParticipantView } from "./invariants.ts";
 * const down: ParticipantView = {
 *   node: "n3",
 *   records: {},
 *   ledger: { "balance/alice": 1000 },
 *   initial: { "balance/alice": 1000 },
 *   locks: null,
 * };
 * ```
 */
export interface ParticipantView {
  readonly node: NodeId;
  readonly records: Readonly<Record<string, ParticipantRecord>>;
  readonly ledger: Readonly<Record<string, number>>;
  readonly initial: Readonly<Record<string, number>>;
  /** Counter → transaction holding its lock; null while the node is down. */
  readonly locks: Readonly<Record<string, string>> | null;
}

/**
 * What the checks see of the whole cluster.
 *
 * @example
 * ```ts
 * import { checkTwoPhaseSettled, type TxnClusterView } from "./invariants.ts";
 * const empty: TxnClusterView = { coordinator: {}, participants: [] };
 * checkTwoPhaseSettled(empty); // null
 * ```
 */
export interface TxnClusterView {
  readonly coordinator: Readonly<Record<string, CoordinatorRecord>>;
  readonly participants: readonly ParticipantView[];
}

/**
 * Every value under `prefix` in `storage`, keyed by the rest of the key.
 *
 * @example
 * ```ts
 * import { readRecords } from "./invariants.ts";
 * const m = new Map<string, unknown>([["txn/o1", { state: "aborted" }]]);
 * const storage = {
 *   get: (k: string) => m.get(k), set: () => {}, delete: () => {},
 *   keys: (p = "") => [...m.keys()].filter((k) => k.startsWith(p)).sort(),
 * };
 * readRecords(storage, "txn/"); // { o1: { state: "aborted" } }
 * ```
 */
export function readRecords<T>(storage: DurableStorage, prefix: string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of storage.keys(prefix)) out[k.slice(prefix.length)] = storage.get(k) as T;
  return out;
}

/**
 * Builds the checks' view of a 2PC cluster from what each node has on disk (`read`) and
 * the locks running participants hold in memory (`locksOf`: null while down). `options`
 * are the protocol options the cluster runs with.
 *
 * @example
 * ```ts
 * import { twoPhaseView } from "./invariants.ts";
 * const v = twoPhaseView(["n1", "n2"], {}, () => ({}), () => null);
 * v.participants[0]?.node; // "n2"
 * ```
 */
export function twoPhaseView(
  nodes: readonly NodeId[],
  options: Readonly<Record<string, unknown>>,
  read: RecordReader,
  locksOf: (node: NodeId) => ReadonlyMap<string, string> | null,
): TxnClusterView {
  const roles = orderRoles(nodes, options);
  return {
    coordinator: read(roles.order, "txn/") as Record<string, CoordinatorRecord>,
    participants: roles.services.map(({ node, service }) => {
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
  };
}

/**
 * Atomicity: one outcome per transaction everywhere (only `txns`, when given: the ones
 * that changed). Returns the first violation or null.
 *
 * @example
 * ```ts
 * import { checkAtomicity } from "./invariants.ts";
 * const effect = { key: "slots/east", delta: -1 };
 * checkAtomicity({
 *   coordinator: {},
 *   participants: [
 *     { node: "n2", records: { o1: { state: "committed", effect, at: 1 } }, ledger: {}, initial: {}, locks: {} },
 *   ],
 * }); // "o1 committed at n2 but the coordinator has no decision"
 * ```
 */
export function checkAtomicity(view: TxnClusterView, txns?: Iterable<string>): string | null {
  const seen = new Map<string, { committed?: NodeId; aborted?: NodeId }>();
  const note = (p: ParticipantView, txn: string, r: ParticipantRecord | undefined) => {
    if (r === undefined) return;
    const s = seen.get(txn) ?? {};
    if (r.state === "committed") s.committed ??= p.node;
    if (r.state === "aborted") s.aborted ??= p.node;
    seen.set(txn, s);
  };
  for (const p of view.participants) {
    if (txns === undefined) { for (const [txn, r] of Object.entries(p.records)) note(p, txn, r); }
    else for (const txn of txns) note(p, txn, p.records[txn]);
  }
  for (const [txn, s] of seen) {
    const bad = atomicityVerdict(txn, view.coordinator[txn]?.decision, s.committed, s.aborted);
    if (bad !== null) return bad;
  }
  return null;
}

/**
 * Locks: every running participant holds exactly the locks of its undecided prepared
 * transactions, so none is released before the decision (only `nodes`, when given).
 * Returns a violation or null.
 *
 * @example
 * ```ts
 * import { checkLocks } from "./invariants.ts";
 * const effect = { key: "stock/item-1", delta: -1 };
 * checkLocks({
 *   coordinator: {},
 *   participants: [
 *     { node: "n2", records: { o1: { state: "prepared", effect, at: 1 } }, ledger: {}, initial: {}, locks: {} },
 *   ],
 * }); // "n2 released stock/item-1 of o1 before the decision"
 * ```
 */
export function checkLocks(view: TxnClusterView, nodes?: ReadonlySet<NodeId>): string | null {
  for (const p of view.participants) {
    if (p.locks === null || (nodes !== undefined && !nodes.has(p.node))) continue;
    let prepared = 0;
    for (const [txn, r] of Object.entries(p.records)) {
      if (r.state !== "prepared") continue;
      prepared++;
      if (p.locks[r.effect.key] !== txn) {
        return `${p.node} released ${r.effect.key} of ${txn} before the decision`;
      }
    }
    const held = Object.keys(p.locks).length;
    if (held !== prepared) return `${p.node} holds ${held} locks for ${prepared} prepared`;
  }
  return null;
}

/**
 * Ledgers: each counter is its initial value plus the committed changes, and never
 * negative (only `nodes`, when given). Returns a violation or null.
 *
 * @example
 * ```ts
 * import { checkLedgers } from "./invariants.ts";
 * checkLedgers({
 *   coordinator: {},
 *   participants: [{ node: "n4", records: {}, ledger: { "slots/east": 9 }, initial: { "slots/east": 10 }, locks: {} }],
 * }); // "n4: slots/east is 9, expected 10"
 * ```
 */
export function checkLedgers(view: TxnClusterView, nodes?: ReadonlySet<NodeId>): string | null {
  for (const p of view.participants) {
    if (nodes !== undefined && !nodes.has(p.node)) continue;
    const expected: Record<string, number> = { ...p.initial };
    for (const r of Object.values(p.records)) {
      if (r.state === "committed") {
        expected[r.effect.key] = (expected[r.effect.key] ?? 0) + r.effect.delta;
      }
    }
    for (const key of new Set([...Object.keys(expected), ...Object.keys(p.ledger)])) {
      const have = p.ledger[key] ?? 0, want = expected[key] ?? 0;
      if (have !== want) return `${p.node}: ${key} is ${have}, expected ${want}`;
      if (have < 0) return `${p.node}: ${key} is negative (${have})`;
    }
  }
  return null;
}

/**
 * All three safety checks; the first violation or null. With `changed`, only what
 * changed since the last check is looked at (for checks after every step).
 *
 * @example
 * ```ts
 * import { checkTwoPhaseCommit } from "./invariants.ts";
 * checkTwoPhaseCommit({ coordinator: {}, participants: [] }); // null
 * ```
 */
export function checkTwoPhaseCommit(
  view: TxnClusterView,
  changed?: { readonly txns: Iterable<string>; readonly nodes: ReadonlySet<NodeId> },
): string | null {
  return checkAtomicity(view, changed?.txns) ?? checkLocks(view, changed?.nodes) ??
    checkLedgers(view, changed?.nodes);
}

/**
 * After faults heal and the cluster settles: nothing is left in doubt, no lock is held
 * and every commit is acknowledged. Returns what is left undone or null.
 *
 * @example
 * ```ts
 * import { checkTwoPhaseSettled } from "./invariants.ts";
 * checkTwoPhaseSettled({ coordinator: {}, participants: [] }); // null
 * ```
 */
export function checkTwoPhaseSettled(view: TxnClusterView): string | null {
  for (const [txn, r] of Object.entries(view.coordinator)) {
    if (!r.ended) return `${txn}: the commit is not acknowledged by every participant`;
  }
  for (const p of view.participants) {
    for (const [txn, r] of Object.entries(p.records)) {
      if (r.state === "prepared") return `${txn} is still in doubt at ${p.node}`;
    }
    if (p.locks !== null && Object.keys(p.locks).length > 0) {
      return `${p.node} still holds locks: ${Object.keys(p.locks).join(", ")}`;
    }
  }
  return null;
}

/**
 * A participant's running expectations, kept current record by record so that a check
 * after a step costs what the step changed: each counter's initial value plus the
 * committed changes, and the counter each prepared transaction must hold locked.
 *
 * @example
 * ```ts
 * import { runningParticipant } from "./invariants.ts";
 * const r = runningParticipant({ "slots/east": 10 }, []);
 * r.expected.get("slots/east"); // 10
 * ```
 */
export interface RunningParticipant {
  /** Counter → initial value plus the changes of the transactions committed here. */
  readonly expected: Map<string, number>;
  /** Prepared transaction → the counter it locks. */
  readonly prepared: Map<string, string>;
}

/**
 * The running expectations of a participant with `initial` counters and `records`
 * (transaction id, record) on disk.
 *
 * @example
 * ```ts
 * import { runningParticipant } from "./invariants.ts";
 * const effect = { key: "slots/east", delta: -1 };
 * const r = runningParticipant({ "slots/east": 10 }, [["o1", { state: "committed", effect, at: 1 }]]);
 * r.expected.get("slots/east"); // 9
 * ```
 */
export function runningParticipant(
  initial: Readonly<Record<string, number>>,
  records: Iterable<readonly [string, ParticipantRecord]>,
): RunningParticipant {
  const r: RunningParticipant = { expected: new Map(Object.entries(initial)), prepared: new Map() };
  for (const [txn, rec] of records) applyParticipantChange(r, txn, undefined, rec, new Set());
  return r;
}

/**
 * Updates `running` for transaction `txn`'s record going from `before` to `after`
 * (undefined: absent) and adds the counters whose expected value changed to `touched`.
 *
 * @example
 * ```ts
 * import { applyParticipantChange, runningParticipant } from "./invariants.ts";
 * const r = runningParticipant({ "slots/east": 10 }, []);
 * const effect = { key: "slots/east", delta: -1 };
 * const touched = new Set<string>();
 * applyParticipantChange(r, "o1", { state: "prepared", effect, at: 1 }, { state: "committed", effect, at: 2 }, touched);
 * [r.expected.get("slots/east"), r.prepared.size, [...touched]]; // [9, 0, ["slots/east"]]
 * ```
 */
export function applyParticipantChange(
  running: RunningParticipant,
  txn: string,
  before: ParticipantRecord | undefined,
  after: ParticipantRecord | undefined,
  touched: Set<string>,
): void {
  const add = (r: ParticipantRecord | undefined, sign: number) => {
    if (r?.state !== "committed") return;
    const { key, delta } = r.effect;
    running.expected.set(key, (running.expected.get(key) ?? 0) + sign * delta);
    touched.add(key);
  };
  add(before, -1);
  add(after, 1);
  if (before?.state === "prepared") running.prepared.delete(txn);
  if (after?.state === "prepared") running.prepared.set(txn, after.effect.key);
}

/**
 * {@link checkLedgers} for one participant and only the counters `keys` (those a step
 * touched), against its running expectations; `ledgerOf` reads a counter's value.
 *
 * @example
 * ```ts
 * import { checkLedgerKeys, runningParticipant } from "./invariants.ts";
 * const r = runningParticipant({ "slots/east": 10 }, []);
 * checkLedgerKeys("n4", r, () => 9, ["slots/east"]); // "n4: slots/east is 9, expected 10"
 * ```
 */
export function checkLedgerKeys(
  node: NodeId,
  running: RunningParticipant,
  ledgerOf: (key: string) => number | undefined,
  keys: Iterable<string>,
): string | null {
  for (const key of keys) {
    const have = ledgerOf(key) ?? 0, want = running.expected.get(key) ?? 0;
    if (have !== want) return `${node}: ${key} is ${have}, expected ${want}`;
    if (have < 0) return `${node}: ${key} is negative (${have})`;
  }
  return null;
}

/**
 * {@link checkLocks} for one running participant from its running expectations: it
 * holds the lock of every prepared transaction and no other, in O(prepared).
 *
 * @example
 * ```ts
 * import { checkRunningLocks, runningParticipant } from "./invariants.ts";
 * const effect = { key: "stock/item-1", delta: -1 };
 * const r = runningParticipant({}, [["o1", { state: "prepared", effect, at: 1 }]]);
 * checkRunningLocks("n2", r, new Map()); // "n2 released stock/item-1 of o1 before the decision"
 * ```
 */
export function checkRunningLocks(
  node: NodeId,
  running: RunningParticipant,
  locks: ReadonlyMap<string, string>,
): string | null {
  for (const [txn, key] of running.prepared) {
    if (locks.get(key) !== txn) return `${node} released ${key} of ${txn} before the decision`;
  }
  if (locks.size !== running.prepared.size) {
    return `${node} holds ${locks.size} locks for ${running.prepared.size} prepared`;
  }
  return null;
}

/**
 * {@link checkAtomicity} for one transaction: the coordinator's `decision` and each
 * participant's record of it.
 *
 * @example
 * ```ts
 * import { checkTxnAtomicity } from "./invariants.ts";
 * const effect = { key: "slots/east", delta: -1 };
 * checkTxnAtomicity("o1", "abort", [["n2", { state: "committed", effect, at: 1 }]]);
 * // "o1 committed at n2 but the coordinator decided abort"
 * ```
 */
export function checkTxnAtomicity(
  txn: string,
  decision: CoordinatorRecord["decision"] | undefined,
  records: Iterable<readonly [NodeId, ParticipantRecord | undefined]>,
): string | null {
  let committed: NodeId | undefined, aborted: NodeId | undefined;
  for (const [node, r] of records) {
    if (r?.state === "committed") committed ??= node;
    if (r?.state === "aborted") aborted ??= node;
  }
  return atomicityVerdict(txn, decision, committed, aborted);
}

function atomicityVerdict(
  txn: string,
  d: CoordinatorRecord["decision"] | undefined,
  committed: NodeId | undefined,
  aborted: NodeId | undefined,
): string | null {
  if (committed !== undefined && aborted !== undefined) {
    return `${txn} committed at ${committed} but aborted at ${aborted}`;
  }
  if (committed !== undefined && d !== "commit") {
    return `${txn} committed at ${committed} but the coordinator ${
      d === undefined ? "has no decision" : "decided abort"
    }`;
  }
  // An abort is fine while the coordinator has no record (presumed abort).
  if (aborted !== undefined && d === "commit") {
    return `${txn} aborted at ${aborted} but the coordinator decided commit`;
  }
  return null;
}
