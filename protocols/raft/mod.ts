/**
 * Raft (Ongaro & Ousterhout; Ongaro's thesis) replicating a key-value store, laid out
 * like etcd-io/raft: one concept per file (log, progress and inflights, quorum,
 * ReadIndex, membership, durable state) and the protocol as plain functions over one
 * state record (election, replication, apply, reconfiguration, reads).
 *
 * `raftKv` is the protocol hosts run. Choices a host or client should know:
 *
 * - **Operations.** {@link KvOp}s, optionally with a session number `seq` (see
 *   {@link RaftKvOp}: a retried write with the same `client` and `seq` is applied
 *   once), and {@link RaftAdminOp}s: `add-node`, `remove-node`, `transfer`.
 * - **Replies.** `ok` (with the value for a read); `fail` when it certainly did not
 *   happen: `cas mismatch`, `not leader` (with `leader` when known), a change already in
 *   progress; `info` when it may have: the leader lost leadership before its entry
 *   committed.
 * - **Reads.** `readMode` (option): `read-index` (default), `lease`, `log`, or `stale`
 *   (any node answers locally). Consistency is a node option, not a field of the op,
 *   so that `KvOp` stays the same for every KV protocol.
 * - **Membership.** Nodes start with voters `members` (option), default themselves and
 *   `ctx.peers`. A host that may add nodes later passes `members` (the initial voters)
 *   to every node, so a node started later knows it is not a voter and waits for
 *   `add-node`.
 * - **Messages.** An idle leader sends one heartbeat per follower per `heartbeatMs`; a
 *   new commit index rides on the next append or, failing that, on one message per
 *   follower at the next tick.
 *
 * Options are described by {@link RaftOptions}; {@link RaftInvariants} checks Raft's
 * safety properties from {@link RaftNode.inspect} views.
 *
 * @example
 * ```ts
 * import { raftKv } from "./mod.ts";
 * raftKv.name; // "raft-kv"
 * ```
 *
 * @module
 */

import { raftMessages } from "./message_schema.ts";
import type { Protocol } from "../node.ts";
import type { KvOp } from "../kv.ts";
import type { RaftMessage } from "./message.ts";
import type { RaftAdminOp } from "./op.ts";
import { RaftNode } from "./raft_node.ts";
import { RaftInvariants } from "./invariants.ts";
import { type ClientOperation, KV_OPERATIONS, MEMBERSHIP_OPERATIONS } from "../operations.ts";
import { DEFAULT_DISPLAY } from "../display.ts";

/** Leadership by hand: hand it over, or make this node stand for election now. */
const RAFT_ADMIN_OPERATIONS: readonly ClientOperation[] = [
  {
    f: "transfer",
    summary: "hand leadership to another node",
    kind: "write",
    idempotent: true,
    args: { node: { type: "string", summary: "the node to lead" } },
  },
  { f: "campaign", summary: "stand for election now", kind: "write", idempotent: true, args: {} },
];

export type { ConfChange, Entry, EntryData } from "./entry.ts";
export type { RaftMessage } from "./message.ts";
export type { RaftAdminOp, RaftKvOp, RaftOp, ReadConsistency } from "./op.ts";
export { isAdminOp } from "./op.ts";
export type { RaftOptions, ReadMode } from "./options.ts";
export { DEFAULT_RAFT_OPTIONS, parseRaftOptions } from "./options.ts";
export type { Membership } from "./membership.ts";
export type { Snapshot } from "./snapshot.ts";
export { KvStateMachine } from "./kv_state_machine.ts";
export type { KvCommand, KvSnapshot, SessionRecord } from "./kv_state_machine.ts";
export { RaftNode } from "./raft_node.ts";
export type { RaftRole } from "./node_state.ts";
export { RaftInvariants } from "./invariants.ts";
export type { RaftNodeView } from "./invariants.ts";

/**
 * The Raft KV protocol: `name` `raft-kv`, ticked every 10 ms.
 *
 * @example
 * ```ts
 * import { raftKv } from "./mod.ts";
 * raftKv.tickMs; // 10
 * ```
 */
export const raftKv: Protocol<RaftMessage, KvOp | RaftAdminOp> = {
  name: "raft-kv",
  display: { ...DEFAULT_DISPLAY, leaderMessages: ["append", "heartbeat", "snapshot"] },
  operations: [...KV_OPERATIONS, ...MEMBERSHIP_OPERATIONS, ...RAFT_ADMIN_OPERATIONS],
  description: "Raft consensus (PreVote, CheckQuorum, ReadIndex, snapshots, membership changes, " +
    "leadership transfer) replicating a key-value store with client sessions",
  tickMs: 10,
  liveOptions: {
    heartbeatMs: 100,
    electionMinMs: 1000,
    electionMaxMs: 2000,
    electionSpreadPerVoterMs: 20,
    electionBackoff: 4,
  },
  events: ["commit", "config", "election", "repaired", "role", "snapshot", "vote"],
  admin: {
    sessions: true,
    readConsistency: true,
    addNode: { options: { join: true }, op: (node) => ({ f: "add-node", node }) },
    removeNode: (node) => ({ f: "remove-node", node }),
    transfer: (to) => ({ f: "transfer", node: to }),
    // TimeoutNow (thesis §3.10): the receiver campaigns at once, without PreVote.
    electionNow: (status) =>
      typeof status.term === "number" && status.role !== "leader" && status.role !== "crashed"
        ? { type: "timeout-now", term: status.term }
        : null,
  },
  invariants: () => {
    const inv = new RaftInvariants();
    return (nodes) => inv.check([...nodes.values()].map((n) => (n as RaftNode).inspect()));
  },
  messages: raftMessages,
  create: (ctx) => new RaftNode(ctx),
};
