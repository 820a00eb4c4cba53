/**
 * What clients can ask a Raft KV node: key-value operations (optionally inside a
 * session) and cluster administration.
 *
 * **Sessions.** A KV op may carry `seq`, the client's sequence number for that
 * operation; together with the request's `client` it names the operation uniquely.
 * The state machine remembers, per client, the highest sequence number applied and
 * its reply, so a retried write (same `client`, same `seq`) is applied exactly once
 * and answered with the first reply. Each client must number its operations 1, 2, 3 …
 * and have at most one outstanding at a time (as Jepsen processes do). Without `seq`
 * an op is applied as often as it is committed.
 *
 * @module
 */

import type { KvOp } from "../kv.ts";
import type { NodeId } from "../node.ts";

/**
 * A {@link KvOp} with an optional session sequence number. A plain `KvOp` is a valid
 * `RaftKvOp`.
 *
 * @example
 * ```ts
 * import type { RaftKvOp } from "./op.ts";
 * const op: RaftKvOp = { f: "write", key: "x", value: 1, seq: 4 };
 * ```
 */
export type RaftKvOp = KvOp & {
  readonly seq?: number;
  /**
   * For a read: `linearizable` (the node's ReadIndex or log read), `lease` (the leader
   * answers from its lease when it holds one — unsafe if clocks drift beyond the bound),
   * or `stale` (any node answers from its own state at once). Default: the `readMode`
   * option.
   */
  readonly consistency?: ReadConsistency;
};

/**
 * How fresh a read must be.
 *
 * @example
 * ```ts
 * import type { ReadConsistency } from "./op.ts";
 * const fresh: ReadConsistency = "linearizable";
 * ```
 */
export type ReadConsistency = "linearizable" | "lease" | "stale";

/**
 * Cluster administration through the ordinary request path, answered by the leader:
 *
 * - `add-node`: adds `node` as a non-voting learner; the leader promotes it to voter
 *   once it has caught up. Answered `ok` when the promotion is committed.
 * - `remove-node`: removes `node` (possibly the leader itself, which then steps down
 *   after committing its removal). Answered `ok` when committed.
 * - `transfer`: hands leadership to `node` (thesis §3.10). Answered `ok` when this
 *   leader steps down in favour of `node`.
 * - `campaign`: this node's election timer fires now (the dashboard's "time out"
 *   button). Answered `ok` at once; a leader ignores it.
 *
 * One membership change at a time: a second one while the first is uncommitted
 * fails with `config change in progress`.
 *
 * @example
 * ```ts
 * import type { RaftAdminOp } from "./op.ts";
 * const op: RaftAdminOp = { f: "add-node", node: "n6" };
 * ```
 */
export type RaftAdminOp =
  | { readonly f: "add-node"; readonly node: NodeId }
  | { readonly f: "remove-node"; readonly node: NodeId }
  | { readonly f: "transfer"; readonly node: NodeId }
  | { readonly f: "campaign" };

/**
 * Any operation a Raft KV node accepts.
 *
 * @example
 * ```ts
 * import type { RaftOp } from "./op.ts";
 * const ops: RaftOp[] = [{ f: "read", key: "x" }, { f: "transfer", node: "n2" }];
 * ```
 */
export type RaftOp = RaftKvOp | RaftAdminOp;

/**
 * Whether an op is an administrative one.
 *
 * @example
 * ```ts
 * import { isAdminOp } from "./op.ts";
 * isAdminOp({ f: "remove-node", node: "n3" }); // true
 * isAdminOp({ f: "read", key: "x" }); // false
 * ```
 */
export function isAdminOp(op: RaftOp): op is RaftAdminOp {
  return op.f === "add-node" || op.f === "remove-node" || op.f === "transfer" ||
    op.f === "campaign";
}
