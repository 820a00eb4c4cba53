/**
 * Commitment and application: applying committed entries to the KV state machine in
 * order, answering the clients that proposed them, and taking snapshots.
 *
 * @module
 */

import type { Reply } from "../node.ts";
import type { Entry } from "./entry.ts";
import { entryDigest } from "./entry.ts";
import { SNAPSHOT_KEY } from "./durable_state.ts";
import type { Snapshot } from "./snapshot.ts";
import { appliedHash } from "./snapshot.ts";
import type { RaftState } from "./node_state.ts";
import { committedInTerm } from "./node_state.ts";
import { configApplied, membershipAt } from "./configs.ts";
import { stepDownRemoved } from "./reconfiguration.ts";
import { flushReads, serveRead } from "./reads.ts";
import { fail } from "../reply.ts";

/**
 * Applies the committed entries not applied yet, answers the clients waiting for them
 * and for reads, and takes a snapshot when due. The node calls it after each input it
 * handled (replication only advances the commit index).
 *
 * @example
 * ```ts ignore
 * import { applyCommitted } from "./apply.ts";
 * applyCommitted(s);
 * ```
 */
export function applyCommitted(s: RaftState): void {
  if (s.applied >= s.commit) return;
  let removedSelf = false;
  while (s.applied < s.commit) {
    const e = s.log.entry(s.applied + 1);
    if (e === undefined) throw new Error(`raft: committed entry ${s.applied + 1} missing`);
    s.applied = e.index;
    if (applyEntry(s, e)) removedSelf = true;
  }
  flushReads(s);
  maybeSnapshot(s);
  if (s.role !== "leader") return;
  if (s.readsBeforeTermCommit.length > 0 && committedInTerm(s)) {
    const waiting = s.readsBeforeTermCommit;
    s.readsBeforeTermCommit = [];
    for (const r of waiting) serveRead(s, r);
  }
  if (removedSelf) stepDownRemoved(s);
}

/** Applies one committed entry and answers its client. Returns true if it removes this leader. */
function applyEntry(s: RaftState, e: Entry): boolean {
  s.appliedHash = appliedHash(s.appliedHash, e.index, e.term, entryDigest(e));
  let reply: Reply = { type: "ok" };
  let removedSelf = false;
  if (e.data.type === "kv") reply = s.sm.apply(e.data);
  else if (e.data.type === "config") removedSelf = configApplied(s, e.data.change);
  const pending = s.pendingWrites.get(e.index);
  if (pending) {
    s.pendingWrites.delete(e.index);
    s.ctx.reply(
      pending.id,
      pending.term === e.term ? reply : fail("temporarily-unavailable", "entry overwritten"),
    );
  }
  return removedSelf;
}

function maybeSnapshot(s: RaftState): void {
  if (s.applied - s.log.snapshotIndex < s.o.snapshotThreshold) return;
  const index = s.applied;
  const snap: Snapshot = {
    index,
    term: s.log.term(index)!,
    membership: membershipAt(s, index),
    data: s.sm.snapshot(),
    hash: s.appliedHash,
  };
  s.ctx.storage.set(SNAPSHOT_KEY, snap);
  s.snapshot = snap;
  s.baseMembership = snap.membership;
  s.configs = s.configs.filter((c) => c.index > index);
  s.log.compact(index, snap.term, index + 1 - s.o.compactMargin);
  s.ctx.emit("snapshot", { action: "take", index, term: snap.term });
}
