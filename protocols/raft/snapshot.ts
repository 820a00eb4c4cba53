/**
 * A snapshot: the state machine's state after applying every entry up to an index,
 * with what is needed to continue the log from there.
 *
 * @module
 */

import type { KvSnapshot } from "./kv_state_machine.ts";
import type { Membership } from "./membership.ts";

/**
 * A snapshot of the KV state machine (and its sessions) at `index`.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "./snapshot.ts";
 * const s: Snapshot = {
 *   index: 100,
 *   term: 3,
 *   membership: { voters: ["n1", "n2", "n3"], learners: [] },
 *   data: { data: [["x", 1]], sessions: [] },
 *   hash: 2166136261,
 * };
 * ```
 */
export interface Snapshot {
  /** The last entry the snapshot includes. */
  readonly index: number;
  /** That entry's term. */
  readonly term: number;
  /** The configuration as of `index`. */
  readonly membership: Membership;
  /** The state machine's state. */
  readonly data: KvSnapshot;
  /** Rolling hash of every command applied up to `index` (see {@link appliedHash}). */
  readonly hash: number;
}

/**
 * The hash of an empty history.
 *
 * @example
 * ```ts
 * import { appliedHash, EMPTY_HASH } from "./snapshot.ts";
 * const h = appliedHash(EMPTY_HASH, 1, 1, "{}"); // the hash after the first entry
 * ```
 */
export const EMPTY_HASH = 0x811c9dc5;

/**
 * Extends a rolling FNV-1a hash of applied commands with one more entry. Two nodes
 * that applied the same commands in the same order have the same hash, which lets
 * the invariant checker compare state machines cheaply.
 *
 * @example
 * ```ts
 * import { appliedHash, EMPTY_HASH } from "./snapshot.ts";
 * appliedHash(EMPTY_HASH, 1, 1, '{"type":"noop"}') !== EMPTY_HASH; // true
 * ```
 */
export function appliedHash(hash: number, index: number, term: number, data: string): number {
  let h = hash >>> 0;
  const s = `${index}:${term}:${data}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
