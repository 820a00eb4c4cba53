/**
 * The acceptor: Paxos's memory. It makes two kinds of promise and keeps them across
 * crashes, because everything Paxos guarantees rests on them:
 *
 * - **Prepare(n)** → **Promise(n, accepted)**: never again accept a ballot below `n`;
 *   report the highest-ballot value accepted so far (per instance, for Multi-Paxos).
 * - **Accept(n, v)** → **Accepted(n, v)**: take `v` unless a higher ballot was promised.
 *
 * One promise covers every instance (Multi-Paxos runs phase 1 once for all future
 * instances). Every change is written to durable storage before the caller replies:
 * the host syncs an input's writes before any of its messages leave.
 *
 * @module
 */

import type { DurableStorage } from "../storage.ts";
import { type Ballot, compareBallots, ZERO_BALLOT } from "./ballot.ts";

/**
 * A value accepted in some ballot.
 *
 * @example
 * ```ts
 * import type { AcceptedValue } from "./acceptor.ts";
 * const a: AcceptedValue<string> = { ballot: [3, 1], value: "x=1" };
 * ```
 */
export interface AcceptedValue<V> {
  readonly ballot: Ballot;
  readonly value: V;
}

/**
 * An acceptor's state: one promise, accepted values per instance, and what it forgot.
 *
 * @example
 * ```ts
 * import { type AcceptorState, loadAcceptor } from "./acceptor.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage;
 * const a: AcceptorState<string> = loadAcceptor<string>(storage, "acc/");
 * a.floor; // -1 on a fresh node: nothing forgotten
 * ```
 */
export interface AcceptorState<V> {
  promised: Ballot;
  readonly accepted: Map<number, AcceptedValue<V>>;
  /**
   * Instances up to and including `floor` are forgotten (decided and applied
   * everywhere); -1 when nothing is.
   */
  floor: number;
  /** The storage key prefix. */
  readonly prefix: string;
}

/**
 * A storage key for an instance, zero-padded so keys sort in instance order.
 *
 * @example
 * ```ts
 * import { instanceKey } from "./acceptor.ts";
 * instanceKey("acc/", 42); // "acc/000000000042"
 * ```
 */
export function instanceKey(prefix: string, instance: number): string {
  return prefix + String(instance).padStart(12, "0");
}

/**
 * Loads an acceptor from durable storage (empty on first start).
 *
 * @example
 * ```ts
 * import { loadAcceptor } from "./acceptor.ts";
 * const storage = new Map<string, unknown>();
 * const disk = {
 *   get: (k: string) => storage.get(k), set: (k: string, v: unknown) => void storage.set(k, v),
 *   delete: (k: string) => void storage.delete(k), keys: () => [...storage.keys()].sort(),
 * };
 * loadAcceptor(disk, "px/").promised; // [0, 0]
 * ```
 */
export function loadAcceptor<V>(storage: DurableStorage, prefix: string): AcceptorState<V> {
  const state: AcceptorState<V> = {
    promised: (storage.get(prefix + "promised") as Ballot | undefined) ?? ZERO_BALLOT,
    accepted: new Map(),
    floor: (storage.get(prefix + "floor") as number | undefined) ?? -1,
    prefix,
  };
  const accPrefix = prefix + "acc/";
  for (const k of storage.keys(accPrefix)) {
    state.accepted.set(Number(k.slice(accPrefix.length)), storage.get(k) as AcceptedValue<V>);
  }
  return state;
}

/**
 * Phase 1b. Promises `ballot` if it is at least the current promise (persisting the
 * promise) and returns true; returns false (a rejection) otherwise.
 *
 * @example
 * ```ts
 * import { loadAcceptor, promise } from "./acceptor.ts";
 * const m = new Map<string, unknown>();
 * const disk = {
 *   get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k), keys: () => [...m.keys()].sort(),
 * };
 * const a = loadAcceptor(disk, "");
 * promise(a, disk, [2, 1]); // true
 * promise(a, disk, [1, 3]); // false: 1.3 is below the promised 2.1
 * ```
 */
export function promise<V>(a: AcceptorState<V>, storage: DurableStorage, ballot: Ballot): boolean {
  const c = compareBallots(ballot, a.promised);
  if (c < 0) return false;
  if (c > 0) {
    a.promised = ballot;
    storage.set(a.prefix + "promised", ballot);
  }
  return true;
}

/**
 * Phase 2b. Accepts `value` for `instance` in `ballot` unless a higher ballot was
 * promised; persists the acceptance (and the raised promise). Instances at or below the
 * floor are decided everywhere, so they are acknowledged without being stored again.
 *
 * @example
 * ```ts
 * import { accept, loadAcceptor } from "./acceptor.ts";
 * const m = new Map<string, unknown>();
 * const disk = {
 *   get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k), keys: () => [...m.keys()].sort(),
 * };
 * const a = loadAcceptor<string>(disk, "");
 * accept(a, disk, [1, 1], 0, "x"); // true
 * a.accepted.get(0)?.value; // "x"
 * ```
 */
export function accept<V>(
  a: AcceptorState<V>,
  storage: DurableStorage,
  ballot: Ballot,
  instance: number,
  value: V,
): boolean {
  if (!promise(a, storage, ballot)) return false;
  if (instance <= a.floor) return true;
  const entry: AcceptedValue<V> = { ballot, value };
  a.accepted.set(instance, entry);
  storage.set(instanceKey(a.prefix + "acc/", instance), entry);
  return true;
}

/**
 * Every accepted value at or above instance `from`, as `[instance, ballot, value]`
 * (the payload of a Multi-Paxos Promise).
 *
 * @example
 * ```ts
 * import { acceptedFrom, loadAcceptor } from "./acceptor.ts";
 * const a = loadAcceptor({ get: () => undefined, set() {}, delete() {}, keys: () => [] }, "");
 * acceptedFrom(a, 1); // []
 * ```
 */
export function acceptedFrom<V>(
  a: AcceptorState<V>,
  from: number,
): [number, Ballot, V][] {
  const out: [number, Ballot, V][] = [];
  for (const [i, e] of a.accepted) if (i >= from) out.push([i, e.ballot, e.value]);
  return out.sort((x, y) => x[0] - y[0]);
}

/**
 * Forgets every instance up to and including `upTo`: safe once every node has applied
 * them, since no proposer will ever ask about them again.
 *
 * @example
 * ```ts
 * import { accept, forgetAccepted, loadAcceptor } from "./acceptor.ts";
 * const m = new Map<string, unknown>();
 * const disk = {
 *   get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v),
 *   delete: (k: string) => void m.delete(k), keys: () => [...m.keys()].sort(),
 * };
 * const a = loadAcceptor<number>(disk, "");
 * accept(a, disk, [1, 1], 1, 10);
 * forgetAccepted(a, disk, 1);
 * a.accepted.size; // 0
 * ```
 */
export function forgetAccepted<V>(
  a: AcceptorState<V>,
  storage: DurableStorage,
  upTo: number,
): void {
  if (upTo <= a.floor) return;
  // Walk the smaller of the two ranges: the map or the instances being dropped.
  if (a.accepted.size < upTo - a.floor) {
    for (const i of [...a.accepted.keys()]) {
      if (i <= upTo) {
        a.accepted.delete(i);
        storage.delete(instanceKey(a.prefix + "acc/", i));
      }
    }
  } else {
    for (let i = a.floor + 1; i <= upTo; i++) {
      if (a.accepted.delete(i)) storage.delete(instanceKey(a.prefix + "acc/", i));
    }
  }
  a.floor = upTo;
  storage.set(a.prefix + "floor", upTo);
}
