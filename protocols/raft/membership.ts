/**
 * Cluster membership: who votes and who only replicates.
 *
 * Changes are single-server (thesis §4.1): each adds a learner, promotes one, or
 * removes one node, so any two consecutive configurations share a majority and no
 * joint consensus is needed. A node uses the latest configuration in its log, even an
 * uncommitted one; if that entry is truncated it falls back to the one before.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { ConfChange } from "./entry.ts";

/**
 * A configuration: the voters (their majority decides elections and commits) and the
 * learners (they receive the log but neither vote nor count). Both sorted.
 *
 * @example
 * ```ts
 * import type { Membership } from "./membership.ts";
 * const m: Membership = { voters: ["n1", "n2", "n3"], learners: ["n4"] };
 * ```
 */
export interface Membership {
  /** Members whose majority elects leaders and commits entries. */
  readonly voters: readonly NodeId[];
  /** Members that receive the log without voting. */
  readonly learners: readonly NodeId[];
}

/**
 * A configuration of the given voters and no learners.
 *
 * @example
 * ```ts
 * import { membershipOf } from "./membership.ts";
 * membershipOf(["n2", "n1"]); // { voters: ["n1", "n2"], learners: [] }
 * ```
 */
export function membershipOf(voters: readonly NodeId[]): Membership {
  return { voters: [...new Set(voters)].sort(), learners: [] };
}

/**
 * The configuration after one change. Changes are idempotent: adding a member or
 * removing a stranger changes nothing, so replaying a log on top of a newer base gives
 * the same result.
 *
 * @example
 * ```ts
 * import { applyConfChange, membershipOf } from "./membership.ts";
 * const m = applyConfChange(membershipOf(["n1"]), { type: "add-learner", node: "n2" });
 * applyConfChange(m, { type: "promote", node: "n2" }).voters; // ["n1", "n2"]
 * ```
 */
export function applyConfChange(m: Membership, change: ConfChange): Membership {
  const voters = new Set(m.voters);
  const learners = new Set(m.learners);
  switch (change.type) {
    case "add-learner":
      if (!voters.has(change.node)) learners.add(change.node);
      break;
    case "promote":
      learners.delete(change.node);
      voters.add(change.node);
      break;
    case "remove":
      voters.delete(change.node);
      learners.delete(change.node);
      break;
  }
  return { voters: [...voters].sort(), learners: [...learners].sort() };
}

/**
 * Whether `node` votes in `m`.
 *
 * @example
 * ```ts
 * import { isVoter } from "./membership.ts";
 * isVoter({ voters: ["n1"], learners: ["n2"] }, "n2"); // false
 * ```
 */
export function isVoter(m: Membership, node: NodeId): boolean {
  return m.voters.includes(node);
}

/**
 * Every member, voters first.
 *
 * @example
 * ```ts
 * import { membersOf } from "./membership.ts";
 * membersOf({ voters: ["n1"], learners: ["n2"] }); // ["n1", "n2"]
 * ```
 */
export function membersOf(m: Membership): NodeId[] {
  return [...m.voters, ...m.learners];
}
