/**
 * Majority arithmetic: the commit index a set of voters agrees on, and the outcome of
 * a vote.
 *
 * @module
 */

import type { NodeId } from "../node.ts";

/**
 * The largest index that a majority of `voters` has reached, given each voter's
 * acknowledged index (`undefined` counts as 0). With no voters, `Infinity` (an empty
 * configuration commits nothing new and blocks nothing).
 *
 * @example
 * ```ts
 * import { quorumIndex } from "./quorum.ts";
 * const acked = new Map([["n1", 7], ["n2", 5], ["n3", 2]]);
 * quorumIndex(["n1", "n2", "n3"], (id) => acked.get(id)); // 5
 * ```
 */
export function quorumIndex(
  voters: readonly NodeId[],
  acked: (id: NodeId) => number | undefined,
): number {
  if (voters.length === 0) return Infinity;
  const xs = voters.map((v) => acked(v) ?? 0).sort((a, b) => b - a);
  return xs[Math.floor(voters.length / 2)];
}

/**
 * The outcome of an election so far: `won` once a majority granted, `lost` once a
 * majority can no longer grant, `pending` otherwise. Votes from non-voters are ignored.
 *
 * @example
 * ```ts
 * import { voteResult } from "./quorum.ts";
 * voteResult(["n1", "n2", "n3"], new Map([["n1", true], ["n2", true]])); // "won"
 * voteResult(["n1", "n2", "n3"], new Map([["n1", true], ["n2", false]])); // "pending"
 * ```
 */
export function voteResult(
  voters: readonly NodeId[],
  votes: ReadonlyMap<NodeId, boolean>,
): "won" | "lost" | "pending" {
  const need = Math.floor(voters.length / 2) + 1;
  let yes = 0;
  let no = 0;
  for (const v of voters) {
    const g = votes.get(v);
    if (g === true) yes++;
    else if (g === false) no++;
  }
  if (yes >= need) return "won";
  if (voters.length - no < need) return "lost";
  return "pending";
}
