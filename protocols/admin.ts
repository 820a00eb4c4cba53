/**
 * What a front end may do with a protocol beyond plain key-value requests, declared by
 * the protocol itself (`Protocol.admin`): client sessions, per-read consistency, quorum
 * settings, membership changes, leadership transfer, an election on demand, and which
 * node roles take which operations. A protocol without it gets plain KV requests and no
 * administration (the API answers 409 "not supported").
 *
 * @module
 */

// No import of node.ts: the node contract imports this file (Protocol.admin).
type NodeId = string;
type NodeStatus = Readonly<Record<string, unknown>>;

/**
 * The administrative abilities of a protocol.
 *
 * @example
 * ```ts
 * import type { ProtocolAdmin } from "./admin.ts";
 * const admin: ProtocolAdmin = {
 *   sessions: true,
 *   readConsistency: false,
 *   transfer: (to) => ({ f: "transfer", node: to }),
 * };
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
  /**
   * A removed node may be added back as it is, with `addNode.op` sent to any node
   * (leaderless membership): the `membership` nemesis needs it.
   */
  readonly rejoin?: boolean;
  /** The op that hands leadership to `to`, sent to the leader. */
  readonly transfer?: (to: NodeId) => unknown;
  /**
   * The message that makes a node start an election now, forged as coming from a peer,
   * given the node's status; `null` when it cannot (a leader, a crashed node).
   */
  readonly electionNow?: (status: NodeStatus) => unknown | null;
}

/**
 * The abilities of a protocol that declares none.
 *
 * @example
 * ```ts
 * import { PLAIN_ADMIN } from "./admin.ts";
 * PLAIN_ADMIN.sessions; // false
 * ```
 */
export const PLAIN_ADMIN: ProtocolAdmin = { sessions: false, readConsistency: false };
