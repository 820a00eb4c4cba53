/**
 * Ballot (proposal) numbers. A ballot is a pair `[round, node]`: the round a proposer
 * chose and the proposer's own index in the cluster. Ballots compare by round, then by
 * node index, so two proposers can never issue the same ballot — the uniqueness Paxos
 * needs without any coordination.
 *
 * @module
 */

import type { NodeId } from "../node.ts";

/**
 * A ballot: `[round, node index]`; `[0, 0]` is "none yet".
 *
 * @example
 * ```ts
 * import type { Ballot } from "./ballot.ts";
 * const b: Ballot = [4, 2]; // round 4 of the node with index 2
 * ```
 */
export type Ballot = readonly [round: number, node: number];

/**
 * The ballot below every real one.
 *
 * @example
 * ```ts
 * import { ZERO_BALLOT, compareBallots } from "./ballot.ts";
 * compareBallots(ZERO_BALLOT, [1, 1]) < 0; // true
 * ```
 */
export const ZERO_BALLOT: Ballot = [0, 0];

/**
 * Orders two ballots: negative when `a` is lower, zero when equal, positive when higher.
 *
 * @example
 * ```ts
 * import { compareBallots } from "./ballot.ts";
 * compareBallots([2, 1], [1, 5]) > 0; // true: a higher round wins
 * compareBallots([2, 1], [2, 3]) < 0; // true: same round, lower node index
 * ```
 */
export function compareBallots(a: Ballot, b: Ballot): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * Whether two ballots are the same.
 *
 * @example
 * ```ts
 * import { sameBallot } from "./ballot.ts";
 * sameBallot([3, 2], [3, 2]); // true
 * ```
 */
export function sameBallot(a: Ballot, b: Ballot): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/**
 * The next ballot of the proposer with index `node`: a round above every round it has
 * seen, so the new ballot beats every ballot it knows of.
 *
 * @example
 * ```ts
 * import { nextBallot } from "./ballot.ts";
 * nextBallot([4, 3], 1); // [5, 1]
 * ```
 */
export function nextBallot(highestSeen: Ballot, node: number): Ballot {
  return [highestSeen[0] + 1, node];
}

/**
 * Formats a ballot for traces and status: `round.node`.
 *
 * @example
 * ```ts
 * import { formatBallot } from "./ballot.ts";
 * formatBallot([7, 2]); // "7.2"
 * ```
 */
export function formatBallot(b: Ballot): string {
  return `${b[0]}.${b[1]}`;
}

/**
 * The 1-based index of `id` among every member (sorted by the number in the id, `n2`
 * before `n10`): the node part of the ballots it issues.
 *
 * @example
 * ```ts
 * import { memberIndex } from "./ballot.ts";
 * memberIndex("n3", ["n1", "n2", "n10"]); // 3
 * ```
 */
export function memberIndex(id: NodeId, peers: readonly NodeId[]): number {
  return sortMembers([id, ...peers.filter((p) => p !== id)]).indexOf(id) + 1;
}

/**
 * Members sorted by the number in their id, then by name.
 *
 * @example
 * ```ts
 * import { sortMembers } from "./ballot.ts";
 * sortMembers(["n10", "n2", "n1"]); // ["n1", "n2", "n10"]
 * ```
 */
export function sortMembers(ids: readonly NodeId[]): NodeId[] {
  const num = (s: string) => Number(s.replace(/\D/g, "")) || 0;
  return [...ids].sort((a, b) => num(a) - num(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Whether a ballot is well formed (two non-negative integers); messages from the
 * network are checked before use, since a tampered ballot must not be trusted.
 *
 * @example
 * ```ts
 * import { isBallot } from "./ballot.ts";
 * isBallot([1, 2]); // true
 * isBallot("1.2"); // false
 * ```
 */
export function isBallot(x: unknown): x is Ballot {
  return Array.isArray(x) && x.length === 2 && Number.isSafeInteger(x[0]) &&
    Number.isSafeInteger(x[1]) && x[0] >= 0 && x[1] >= 0;
}
