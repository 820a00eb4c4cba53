/**
 * Log entries: what the replicated log holds, one command per index.
 *
 * An entry is immutable once created: the leader stores the same object in its log,
 * in durable storage and in the messages it sends.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { KvOp } from "../kv.ts";

/**
 * One single-server membership change (thesis §4.1): add a node as a non-voting
 * learner, promote a learner to voter, or remove a node.
 *
 * @example
 * ```ts
 * import type { ConfChange } from "./entry.ts";
 * const change: ConfChange = { type: "add-learner", node: "n6" };
 * ```
 */
export interface ConfChange {
  /** What happens to the node. */
  readonly type: "add-learner" | "promote" | "remove";
  /** The node it happens to. */
  readonly node: NodeId;
}

/**
 * The payload of an entry: the leader's empty no-op, a client's KV command (with its
 * session, when the client sent a sequence number), or a membership change.
 *
 * @example
 * ```ts
 * import type { EntryData } from "./entry.ts";
 * const data: EntryData = { type: "kv", client: 3, seq: 7, op: { f: "write", key: "x", value: 1 } };
 * ```
 */
export type EntryData =
  | { readonly type: "noop" }
  | { readonly type: "kv"; readonly client: number; readonly seq?: number; readonly op: KvOp }
  | { readonly type: "config"; readonly change: ConfChange };

/**
 * One log entry: its position, the term of the leader that created it, and its data.
 *
 * @example
 * ```ts
 * import type { Entry } from "./entry.ts";
 * const e: Entry = { index: 1, term: 1, data: { type: "noop" } };
 * ```
 */
export interface Entry {
  /** Position in the log, from 1. */
  readonly index: number;
  /** Term of the leader that created it. */
  readonly term: number;
  /** What to apply. */
  readonly data: EntryData;
}

const digests = new WeakMap<Entry, string>();

/**
 * The canonical text of an entry's data (its JSON), cached per entry object. Two
 * entries with equal data have equal digests; the invariant checker and the applied
 * hash compare these.
 *
 * @example
 * ```ts
 * import { entryDigest } from "./entry.ts";
 * entryDigest({ index: 1, term: 1, data: { type: "noop" } }); // '{"type":"noop"}'
 * ```
 */
export function entryDigest(entry: Entry): string {
  let d = digests.get(entry);
  if (d === undefined) {
    d = JSON.stringify(entry.data);
    digests.set(entry, d);
  }
  return d;
}

/**
 * The approximate wire size of an entry in bytes: its data's JSON plus a fixed
 * allowance for index and term. Used to bound the bytes of one append message.
 *
 * @example
 * ```ts
 * import { entryBytes } from "./entry.ts";
 * entryBytes({ index: 1, term: 1, data: { type: "noop" } }); // 47
 * ```
 */
export function entryBytes(entry: Entry): number {
  return entryDigest(entry).length + 32;
}
