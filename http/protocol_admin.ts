/**
 * What the API knows about particular protocols: which accept key-value operations with
 * client sessions, and how a protocol changes membership, transfers leadership or is
 * made to start an election. Protocols without an entry get plain KV requests and no
 * administration (the API answers 409 "not supported").
 *
 * @module
 */

import type { NodeId, NodeStatus } from "../protocols/node.ts";

/**
 * The administrative abilities of a protocol.
 *
 * @example
 * ```ts
 * import { protocolAdmin } from "./protocol_admin.ts";
 * protocolAdmin("raft-kv").sessions; // true
 * protocolAdmin("lww").addNode; // undefined
 * protocolAdmin("quorum-kv").quorum; // true
 * ```
 */
export interface ProtocolAdmin {
  /** KV ops may carry `seq` (with the request's client id) for exactly-once retries. */
  readonly sessions: boolean;
  /** Whether a read may say how consistent it must be (`consistency` on the op). */
  readonly readConsistency: boolean;
  /**
   * Whether KV ops may carry quorum settings (`quorum-kv`): `r`, `w`, a consistency level
   * `ONE` / `QUORUM` / `ALL` on reads and writes alike, and the `context` of a read.
   */
  readonly quorum?: boolean;
  /** Adding a node: options the new node starts with, and the op that tells the leader. */
  readonly addNode?: {
    readonly options: Readonly<Record<string, unknown>>;
    op(node: NodeId): unknown;
  };
  /** The op that removes a node, sent to the leader. */
  readonly removeNode?: (node: NodeId) => unknown;
  /** The op that hands leadership to `to`, sent to the leader. */
  readonly transfer?: (to: NodeId) => unknown;
  /**
   * Which node roles take each protocol operation sent to `POST /ops` (by `f`), for
   * protocols whose nodes play different parts; unlisted ops go to the leader.
   */
  readonly opRoles?: Readonly<Record<string, readonly string[]>>;
  /**
   * The message that makes a node start an election now, forged as coming from a peer,
   * given the node's status; `null` when it cannot (a leader, a crashed node).
   */
  readonly electionNow?: (status: NodeStatus) => unknown | null;
}

const PLAIN: ProtocolAdmin = { sessions: false, readConsistency: false };

const RAFT: ProtocolAdmin = {
  sessions: true,
  readConsistency: true,
  addNode: { options: { join: true }, op: (node) => ({ f: "add-node", node }) },
  removeNode: (node) => ({ f: "remove-node", node }),
  transfer: (to) => ({ f: "transfer", node: to }),
  // Raft's TimeoutNow (thesis §3.10): the receiver campaigns at once, without PreVote.
  electionNow: (status) =>
    typeof status.term === "number" && status.role !== "leader" && status.role !== "crashed"
      ? { type: "timeout-now", term: status.term }
      : null,
};

const QUORUM: ProtocolAdmin = {
  sessions: false,
  readConsistency: false,
  quorum: true,
  // Leaderless: any node takes the change and gossips the new epoch to the others.
  addNode: { options: {}, op: (node) => ({ f: "add-node", node }) },
  removeNode: (node) => ({ f: "remove-node", node }),
};

const COMMAND = ["command"], QUERY = ["query"], ORDER_ENTRY = ["orchestrator", "order-service"];

const TWO_PC: ProtocolAdmin = {
  ...PLAIN,
  opRoles: { order: ["coordinator"] },
};

const SAGA: ProtocolAdmin = {
  ...PLAIN,
  opRoles: { order: ORDER_ENTRY, "read-order": ORDER_ENTRY },
};

const EVENT_SOURCING: ProtocolAdmin = {
  ...PLAIN,
  opRoles: {
    "add-stock": COMMAND,
    reserve: COMMAND,
    release: COMMAND,
    stock: QUERY,
    "as-of": QUERY,
    items: QUERY,
    stream: ["event-store"],
  },
};

/**
 * The abilities of the protocol called `name` (a registry name or `file.ts#export`).
 *
 * @example
 * ```ts
 * import { protocolAdmin } from "./protocol_admin.ts";
 * protocolAdmin("file:///lab/protocols/raft/mod.ts#raftKv").transfer !== undefined; // true
 * ```
 */
export function protocolAdmin(name: string): ProtocolAdmin {
  if (name === "raft-kv" || /\/raft\/mod\.ts#raftKv$/.test(name)) return RAFT;
  if (name === "quorum-kv" || /\/quorum\/mod\.ts#quorumKv$/.test(name)) return QUORUM;
  if (name === "2pc") return TWO_PC;
  if (name === "saga") return SAGA;
  if (name === "event-sourcing") return EVENT_SOURCING;
  return PLAIN;
}

/** Roles that mean "this node coordinates writes". */
const LEADER_ROLES: ReadonlySet<string> = new Set(["leader", "primary", "owner"]);

/**
 * The leader among node statuses: a node whose role is leader (or primary / owner) with
 * the highest term; `null` when there is none.
 *
 * @example
 * ```ts
 * import { leaderOf } from "./protocol_admin.ts";
 * leaderOf([
 *   { id: "n1", status: { role: "leader", term: 2 } },
 *   { id: "n2", status: { role: "leader", term: 3 } },
 * ]); // { id: "n2", term: 3 }
 * ```
 */
export function leaderOf(
  nodes: readonly { readonly id: NodeId; readonly up?: boolean; readonly status: NodeStatus }[],
): { id: NodeId; term: number | null } | null {
  let best: { id: NodeId; term: number | null } | null = null;
  for (const n of nodes) {
    if (n.up === false || !LEADER_ROLES.has(String(n.status.role))) continue;
    const term = typeof n.status.term === "number" ? n.status.term : null;
    if (best === null || (term ?? -1) > (best.term ?? -1)) best = { id: n.id, term };
  }
  return best;
}
