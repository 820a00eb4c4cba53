/**
 * The learner: a value is chosen once a majority of acceptors has accepted it in the
 * same ballot. The learner counts Accepted(n, v) messages per instance and ballot, each
 * acceptor once, and reports the value the moment a majority is reached.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { type Ballot, formatBallot } from "./ballot.ts";

interface Tally<V> {
  readonly value: V;
  readonly from: Set<NodeId>;
}

/**
 * Counts of Accepted messages, per instance and ballot.
 *
 * @example
 * ```ts
 * import { createLearner, type LearnerState } from "./learner.ts";
 * const l: LearnerState<string> = createLearner<string>(3);
 * l.quorum; // 3
 * ```
 */
export interface LearnerState<V> {
  /** Acceptors needed (a majority). */
  readonly quorum: number;
  readonly tallies: Map<number, Map<string, Tally<V>>>;
}

/**
 * A learner that needs `quorum` acceptors to agree.
 *
 * @example
 * ```ts
 * import { createLearner } from "./learner.ts";
 * createLearner<string>(3).quorum; // 3
 * ```
 */
export function createLearner<V>(quorum: number): LearnerState<V> {
  return { quorum, tallies: new Map() };
}

/**
 * Records that acceptor `from` accepted `value` for `instance` in `ballot`. Returns the
 * value when this message completes a majority (once per instance and ballot),
 * otherwise undefined.
 *
 * @example
 * ```ts
 * import { createLearner, recordAccepted } from "./learner.ts";
 * const l = createLearner<string>(2);
 * recordAccepted(l, 0, "n1", [1, 1], "x"); // undefined
 * recordAccepted(l, 0, "n1", [1, 1], "x"); // undefined: n1 counts once
 * recordAccepted(l, 0, "n2", [1, 1], "x"); // { value: "x" }
 * ```
 */
export function recordAccepted<V>(
  l: LearnerState<V>,
  instance: number,
  from: NodeId,
  ballot: Ballot,
  value: V,
): { value: V } | undefined {
  let byBallot = l.tallies.get(instance);
  if (byBallot === undefined) l.tallies.set(instance, byBallot = new Map());
  const key = formatBallot(ballot);
  let t = byBallot.get(key);
  if (t === undefined) byBallot.set(key, t = { value, from: new Set() });
  if (t.from.has(from)) return undefined;
  t.from.add(from);
  return t.from.size === l.quorum ? { value: t.value } : undefined;
}

/**
 * How many acceptors have accepted `instance` in `ballot` so far.
 *
 * @example
 * ```ts
 * import { acceptedCount, createLearner, recordAccepted } from "./learner.ts";
 * const l = createLearner<number>(3);
 * recordAccepted(l, 4, "n2", [1, 2], 7);
 * acceptedCount(l, 4, [1, 2]); // 1
 * ```
 */
export function acceptedCount<V>(l: LearnerState<V>, instance: number, ballot: Ballot): number {
  return l.tallies.get(instance)?.get(formatBallot(ballot))?.from.size ?? 0;
}

/**
 * Drops the counts of an instance (it is decided, or forgotten).
 *
 * @example
 * ```ts
 * import { createLearner, dropTally, recordAccepted } from "./learner.ts";
 * const l = createLearner<number>(2);
 * recordAccepted(l, 1, "n1", [1, 1], 5);
 * dropTally(l, 1);
 * l.tallies.size; // 0
 * ```
 */
export function dropTally<V>(l: LearnerState<V>, instance: number): void {
  l.tallies.delete(instance);
}
