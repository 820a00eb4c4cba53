/**
 * Leader epochs: every partition's leadership is numbered, one leader per epoch, and
 * every record carries the epoch it was appended in. What follows from the numbers
 * alone lives here:
 *
 * - every partition starts in epoch 1, led by its first replica (its preferred leader)
 *   without an election, so a fresh cluster takes writes at once; every later epoch is
 *   won by a majority of the partition's replicas;
 * - a replica votes only for a candidate whose log is at least as complete as its own
 *   (a later last epoch, or the same one and at least as long) — a majority holds every
 *   committed record, so the winner holds them too;
 * - a leader counts a record committed (the high watermark passes it) only when a
 *   majority holds it *and* it was appended in the leader's own epoch; records of
 *   earlier epochs are committed with the first record of its own (Raft §5.4.2), which
 *   is why a new leader with uncommitted records appends a control record at once.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { BusRecord } from "./message.ts";

/**
 * The epoch every partition starts in; its leader is the first replica.
 *
 * @example
 * ```ts
 * import { FIRST_EPOCH } from "./leader_epoch.ts";
 * FIRST_EPOCH; // 1
 * ```
 */
export const FIRST_EPOCH = 1;

/**
 * How many replicas make a majority of `replicas`.
 *
 * @example
 * ```ts
 * import { majority } from "./leader_epoch.ts";
 * [majority(1), majority(3), majority(4)]; // [1, 2, 3]
 * ```
 */
export function majority(replicas: number): number {
  return Math.floor(replicas / 2) + 1;
}

/**
 * The epoch of a log's last record (0 for an empty log).
 *
 * @example
 * ```ts
 * import { lastEpoch } from "./leader_epoch.ts";
 * lastEpoch([{ key: "k", value: 1, at: 0, epoch: 3 }]); // 3
 * lastEpoch([]); // 0
 * ```
 */
export function lastEpoch(log: readonly BusRecord[]): number {
  return log.length === 0 ? 0 : log[log.length - 1]!.epoch;
}

/**
 * Whether a candidate's log (its last epoch and length) is at least as complete as a
 * voter's: the condition for the voter's vote.
 *
 * @example
 * ```ts
 * import { atLeastAsComplete } from "./leader_epoch.ts";
 * atLeastAsComplete({ lastEpoch: 2, length: 3 }, { lastEpoch: 1, length: 9 }); // true
 * atLeastAsComplete({ lastEpoch: 2, length: 3 }, { lastEpoch: 2, length: 4 }); // false
 * ```
 */
export function atLeastAsComplete(
  candidate: { readonly lastEpoch: number; readonly length: number },
  voter: { readonly lastEpoch: number; readonly length: number },
): boolean {
  return candidate.lastEpoch > voter.lastEpoch ||
    (candidate.lastEpoch === voter.lastEpoch && candidate.length >= voter.length);
}

/**
 * The high watermark a leader of `epoch` may move to, given the log length a majority
 * of replicas (itself included) holds: that length if its last record is of the
 * leader's own epoch, otherwise no higher than `hw` (see the module note).
 *
 * @example
 * ```ts
 * import { committable } from "./leader_epoch.ts";
 * const log = [1, 1, 2].map((epoch) => ({ key: "k", value: 0, at: 0, epoch }));
 * committable(log, 2, 3, 0); // 3
 * committable(log, 2, 2, 0); // 0: the record at 1 is of epoch 1
 * ```
 */
export function committable(
  log: readonly BusRecord[],
  epoch: number,
  majorityLength: number,
  hw: number,
): number {
  if (majorityLength <= hw) return hw;
  return log[majorityLength - 1]?.epoch === epoch ? majorityLength : hw;
}

/**
 * The leader of the first epoch: the partition's first replica.
 *
 * @example
 * ```ts
 * import { firstLeader } from "./leader_epoch.ts";
 * firstLeader(["n2", "n3", "n1"]); // "n2"
 * ```
 */
export function firstLeader(replicas: readonly NodeId[]): NodeId {
  return replicas[0]!;
}
