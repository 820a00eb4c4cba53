/**
 * When may the primary acknowledge a write? The rule of each replication mode, and the
 * semi-synchronous fallback that MySQL popularised: if no backup acknowledges within
 * `semiSyncTimeoutMs`, the primary stops waiting and runs asynchronously, and it
 * returns to semi-synchronous as soon as a backup has caught up again.
 *
 * Pure functions of the replication state, so each rule is tested on its own.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { ReplicationMode } from "./mode.ts";

/**
 * Whether the write with sequence number `seq` may be acknowledged.
 *
 * - `async`: always.
 * - `sync`: once every backup of `waitFor` (the backups the failure detector does not
 *   suspect — an in-sync set, as in Kafka) has applied it. A suspected backup leaves
 *   the set, or one crashed backup would stop all writes.
 * - `semi-sync`: once at least one backup has applied it.
 *
 * @example
 * ```ts
 * import { mayAcknowledge } from "./ack_policy.ts";
 * const acked = new Map([["n2", 5], ["n3", 3]]);
 * mayAcknowledge("sync", 4, acked, ["n2", "n3"]); // false: n3 is at 3
 * mayAcknowledge("semi-sync", 4, acked, ["n2", "n3"]); // true: n2 has it
 * ```
 */
export function mayAcknowledge(
  mode: ReplicationMode,
  seq: number,
  acked: ReadonlyMap<NodeId, number>,
  waitFor: readonly NodeId[],
): boolean {
  switch (mode) {
    case "async":
      return true;
    case "sync":
      return waitFor.every((b) => (acked.get(b) ?? 0) >= seq);
    case "semi-sync":
      for (const s of acked.values()) if (s >= seq) return true;
      return false;
  }
}

/**
 * Whether a semi-synchronous primary should fall back to asynchronous: its oldest
 * unacknowledged write has waited `timeoutMs` or more.
 *
 * @example
 * ```ts
 * import { shouldFallBack } from "./ack_policy.ts";
 * shouldFallBack(100, 260, 150); // true
 * shouldFallBack(undefined, 260, 150); // false: nothing is waiting
 * ```
 */
export function shouldFallBack(
  oldestWaitingSince: number | undefined,
  now: number,
  timeoutMs: number,
): boolean {
  return oldestWaitingSince !== undefined && now - oldestWaitingSince >= timeoutMs;
}

/**
 * Whether a backup has caught up with the primary (the condition for a fallen-back
 * primary to return to semi-synchronous).
 *
 * @example
 * ```ts
 * import { someBackupCaughtUp } from "./ack_policy.ts";
 * someBackupCaughtUp(new Map([["n2", 9], ["n3", 12]]), 12); // true
 * ```
 */
export function someBackupCaughtUp(acked: ReadonlyMap<NodeId, number>, seq: number): boolean {
  for (const s of acked.values()) if (s >= seq) return true;
  return false;
}
