/**
 * The configuration as the log holds it: the membership as of an index, re-reading
 * config entries after appends or truncations, what a change means for the leader's
 * progress tracking, and the admin requests a committed change answers. Nothing here
 * proposes or elects (`reconfiguration.ts` does), so replication can use it.
 *
 * @module
 */

import type { ConfChange, Entry } from "./entry.ts";
import type { Membership } from "./membership.ts";
import { membersOf } from "./membership.ts";
import { Progress } from "./progress.ts";
import type { PendingAdmin, RaftState } from "./node_state.ts";
import { committedInTerm, configsOf, membership } from "./node_state.ts";
import { abortTransfer } from "./transfer.ts";

/**
 * The configuration as of `index` (at or after the snapshot).
 *
 * @example
 * ```ts ignore
 * import { membershipAt } from "./configs.ts";
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
 * import { reloadConfigs } from "./configs.ts";
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
 * import { membershipChanged } from "./configs.ts";
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
 * import { syncProgress } from "./configs.ts";
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

/**
 * Why a leader may not start a configuration change now, or null.
 *
 * @example
 * ```ts ignore
 * import { canChangeConfig } from "./configs.ts";
 * canChangeConfig(s); // "config change in progress"
 * ```
 */
export function canChangeConfig(s: RaftState): string | null {
  if (!committedInTerm(s)) return "leader has not committed in its term yet";
  if ((s.configs.at(-1)?.index ?? 0) > s.commit) return "config change in progress";
  if (s.transfer) return "leadership transfer in progress";
  return null;
}

/**
 * Answers admin requests waiting for this change. Returns true if it removes this leader.
 *
 * @example
 * ```ts ignore
 * import { configApplied } from "./configs.ts";
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
