/**
 * Membership changes, one server at a time: configurations take effect when appended,
 * learners are promoted once caught up, a removed leader steps down after committing its
 * removal, and the admin requests that drive it all.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { ConfChange, Entry } from "./entry.ts";
import type { RaftAdminOp } from "./op.ts";
import type { Membership } from "./membership.ts";
import { isVoter, membersOf } from "./membership.ts";
import { Progress } from "./progress.ts";
import type { PendingAdmin, RaftState } from "./node_state.ts";
import { committedInTerm, configsOf, membership, notLeader, send } from "./node_state.ts";
import { abortTransfer, becomeFollower, startTransfer } from "./election.ts";
import { propose } from "./replication.ts";
import { fail } from "../reply.ts";

/**
 * The configuration as of `index` (at or after the snapshot).
 *
 * @example
 * ```ts ignore
 * import { membershipAt } from "./reconfiguration.ts";
 * membershipAt(s, s.applied);
 * ```
 */
export function membershipAt(s: RaftState, index: number): Membership {
  let m = s.baseMembership;
  for (const c of s.configs) if (c.index <= index) m = c.membership;
  return m;
}

/**
 * Re-reads config entries from `from` on (entries given start at `from`).
 *
 * @example
 * ```ts ignore
 * import { reloadConfigs } from "./reconfiguration.ts";
 * reloadConfigs(s, entries[0].index, entries);
 * ```
 */
export function reloadConfigs(s: RaftState, from: number, entries: readonly Entry[]): void {
  const before = membership(s);
  s.configs = s.configs.filter((c) => c.index < from && c.index <= s.log.lastIndex);
  const live = entries.filter((e) => e.index >= from && e.index <= s.log.lastIndex);
  s.configs.push(...configsOf(membership(s), from - 1, live));
  membershipChanged(s, before);
}

/**
 * After a configuration change: emits `config` and, on a leader, updates progress.
 *
 * @example
 * ```ts ignore
 * import { membershipChanged } from "./reconfiguration.ts";
 * membershipChanged(s, before);
 * ```
 */
export function membershipChanged(s: RaftState, before: Membership): void {
  const after = membership(s);
  if (after !== before) {
    s.ctx.emit("config", {
      index: s.configs.at(-1)?.index ?? s.log.snapshotIndex,
      voters: after.voters,
      learners: after.learners,
    });
    syncProgress(s);
  }
}

/**
 * Keeps one Progress per member (but self) on a leader.
 *
 * @example
 * ```ts ignore
 * import { syncProgress } from "./reconfiguration.ts";
 * syncProgress(s);
 * ```
 */
export function syncProgress(s: RaftState): void {
  if (s.role !== "leader") return;
  const members = new Set(membersOf(membership(s)));
  for (const peer of s.progress.keys()) {
    if (!members.has(peer)) s.progress.delete(peer);
  }
  for (const peer of members) {
    if (peer === s.id || s.progress.has(peer)) continue;
    s.progress.set(peer, new Progress(s.log.lastIndex + 1, s.o.maxInflight));
  }
  if (s.transfer && !members.has(s.transfer.target)) {
    abortTransfer(s, "transfer target removed");
  }
}

function canChangeConfig(s: RaftState): string | null {
  if (!committedInTerm(s)) return "leader has not committed in its term yet";
  if ((s.configs.at(-1)?.index ?? 0) > s.commit) return "config change in progress";
  if (s.transfer) return "leadership transfer in progress";
  return null;
}

function proposeConfChange(s: RaftState, change: ConfChange): void {
  propose(s, { type: "config", change });
}

/**
 * Answers admin requests waiting for this change. Returns true if it removes this leader.
 *
 * @example
 * ```ts ignore
 * import { configApplied } from "./reconfiguration.ts";
 * if (configApplied(s, change)) stepDownRemoved(s);
 * ```
 */
export function configApplied(s: RaftState, change: ConfChange): boolean {
  if (s.role !== "leader") return false;
  const waitingFor = (a: PendingAdmin): boolean =>
    (change.type === "promote" && a.op.f === "add-node" && a.op.node === change.node) ||
    (change.type === "remove" && a.op.f === "remove-node" && a.op.node === change.node);
  for (const a of s.pendingAdmin.filter(waitingFor)) {
    s.ctx.reply(a.id, { type: "ok", value: membership(s) });
  }
  s.pendingAdmin = s.pendingAdmin.filter((a) => !waitingFor(a));
  return change.type === "remove" && change.node === s.id;
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
