/**
 * Membership changes, one server at a time: configurations take effect when appended,
 * learners are promoted once caught up, a removed leader steps down after committing its
 * removal, and the admin requests that drive it all.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { ConfChange } from "./entry.ts";
import type { RaftAdminOp } from "./op.ts";
import { isVoter, membersOf } from "./membership.ts";
import type { RaftState } from "./node_state.ts";
import { membership, notLeader, send } from "./node_state.ts";
import { becomeFollower, startTransfer } from "./election.ts";
import { canChangeConfig } from "./configs.ts";
import { propose } from "./replication.ts";
import { fail } from "../reply.ts";

function proposeConfChange(s: RaftState, change: ConfChange): void {
  propose(s, { type: "config", change });
}

/**
 * A leader whose removal is committed hands over to its most up-to-date voter.
 *
 * @example
 * ```ts ignore
 * import { stepDownRemoved } from "./reconfiguration.ts";
 * stepDownRemoved(s);
 * ```
 */
export function stepDownRemoved(s: RaftState): void {
  let best: NodeId | null = null;
  let bestMatch = -1;
  for (const v of membership(s).voters) {
    const match = s.progress.get(v)?.match ?? -1;
    if (match > bestMatch) [best, bestMatch] = [v, match];
  }
  becomeFollower(s, s.term, null);
  if (best !== null) send(s, best, { type: "timeout-now", term: s.term });
}

/**
 * Leader: proposes promoting a learner that has caught up.
 *
 * @example
 * ```ts ignore
 * import { maybePromoteLearner } from "./reconfiguration.ts";
 * maybePromoteLearner(s);
 * ```
 */
export function maybePromoteLearner(s: RaftState): void {
  if (canChangeConfig(s) !== null) return;
  for (const learner of membership(s).learners) {
    const pr = s.progress.get(learner);
    if (pr && pr.state === "replicate" && s.commit - pr.match <= s.o.maxEntriesPerAppend) {
      proposeConfChange(s, { type: "promote", node: learner });
      return;
    }
  }
}

/**
 * Leader: add-node, remove-node and transfer requests.
 *
 * @example
 * ```ts ignore
 * import { handleAdmin } from "./reconfiguration.ts";
 * handleAdmin(s, req.id, { f: "add-node", node: "n4" });
 * ```
 */
export function handleAdmin(
  s: RaftState,
  id: number,
  op: Exclude<RaftAdminOp, { f: "campaign" }>,
): void {
  if (s.role !== "leader") return s.ctx.reply(id, notLeader(s));
  const m = membership(s);
  if (op.f === "transfer") return startTransfer(s, id, op.node);
  if (op.f === "add-node" && isVoter(m, op.node)) {
    return s.ctx.reply(id, { type: "ok", value: m });
  }
  if (op.f === "remove-node" && !membersOf(m).includes(op.node)) {
    return s.ctx.reply(id, { type: "ok", value: m });
  }
  if (op.f === "add-node" && m.learners.includes(op.node)) {
    s.pendingAdmin.push({ id, op }); // promoted once caught up
    return;
  }
  const refusal = canChangeConfig(s);
  if (refusal !== null) return s.ctx.reply(id, fail("temporarily-unavailable", refusal));
  if (op.f === "remove-node" && m.voters.length === 1 && m.voters[0] === op.node) {
    return s.ctx.reply(id, fail("precondition-failed", "cannot remove the last voter"));
  }
  s.pendingAdmin.push({ id, op });
  proposeConfChange(
    s,
    op.f === "add-node"
      ? { type: "add-learner", node: op.node }
      : { type: "remove", node: op.node },
  );
}
