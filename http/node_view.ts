/**
 * A node as `GET /api/v1/cluster` and `GET /api/v1/nodes/{id}` show it: the host's view
 * (up, paused, last sign of life), the protocol's (role, term, commit index, leader,
 * suspects), who suspects it, and the API's breaker for it.
 *
 * `status` is the protocol's whole status, unchanged, so protocol-specific state is
 * never lost: a 2PC participant's `locks` (counter → transaction), `inDoubt` and
 * `blockedSince` (its clock's ms, null unless it is blocked on a suspected
 * coordinator), a coordinator's `voting` / `committing`; a primary-backup node's `mode`,
 * `effectiveMode`, `seq` and per-backup `lag` / `lagMs`; a quorum-kv replica's `keys`,
 * `siblingKeys`, `hints`, `ownership`, `epoch` and `holdings`; Raft's log and lease
 * fields; a broker's partitions.
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { CircuitState } from "../resilience/circuit_breaker.ts";
import type { NodeInfo } from "../nodes/worker_cluster.ts";
import type { ByzantineMode } from "../nodes/faults/byzantine.ts";
import type { DiskFaultView } from "../nodes/worker/cluster_types.ts";

/**
 * One node, flattened for clients.
 *
 * @example
 * ```ts
 * import type { NodeView } from "./node_view.ts";
 * const v: Partial<NodeView> = { id: "n1", role: "leader", term: 3, breaker: "closed" };
 * ```
 */
export interface NodeView {
  readonly id: NodeId;
  readonly up: boolean;
  readonly paused: boolean;
  /** How the node lies (equivocate, lie, silent, replay), or null while it is correct. */
  readonly byzantine: ByzantineMode | null;
  readonly role: string | null;
  readonly term: number | null;
  readonly commitIndex: number | null;
  /** The leader this node follows, when its protocol says. */
  readonly leader: NodeId | null;
  /** Milliseconds since the node last reported anything; null while down. */
  readonly lastSeenMs: number | null;
  /** Peers this node suspects. */
  readonly suspects: readonly NodeId[];
  /** Nodes that suspect this one. */
  readonly suspectedBy: readonly NodeId[];
  /** The API's circuit breaker for calls to this node. */
  readonly breaker: CircuitState;
  /** The protocol's whole status. */
  readonly status: Readonly<Record<string, unknown>>;
  /** The node's OS process id, with `--processes` while it is up. */
  readonly pid?: number;
  /** Storage faults on its file store (with `--data-dir`): set, and injected so far. */
  readonly disk?: DiskFaultView;
}

function suspectsOf(info: NodeInfo): NodeId[] {
  const s = info.status.suspects;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === "string") : [];
}

/**
 * The views of every node: `suspectedBy` is gathered from the other nodes' suspects.
 *
 * @example
 * ```ts
 * import { nodeViews } from "./node_view.ts";
 * const [a] = nodeViews(
 *   [
 *     { id: "n1", up: true, paused: false, status: { role: "member", suspects: [] } },
 *     { id: "n2", up: true, paused: false, status: { role: "member", suspects: ["n1"] } },
 *   ],
 *   () => "closed",
 * );
 * a.suspectedBy; // ["n2"]
 * ```
 */
export function nodeViews(
  infos: readonly NodeInfo[],
  breaker: (node: NodeId) => CircuitState,
): NodeView[] {
  const suspectedBy = new Map<NodeId, NodeId[]>();
  for (const info of infos) {
    if (!info.up) continue; // a crashed node's last opinion is not current
    for (const peer of suspectsOf(info)) {
      const list = suspectedBy.get(peer) ?? [];
      list.push(info.id);
      suspectedBy.set(peer, list);
    }
  }
  return infos.map((info) => {
    const st = info.status;
    return {
      id: info.id,
      up: info.up,
      paused: info.paused,
      byzantine: info.byzantine ?? null,
      role: typeof st.role === "string" ? st.role : null,
      term: typeof st.term === "number" ? st.term : null,
      commitIndex: typeof st.commitIndex === "number" ? st.commitIndex : null,
      leader: typeof st.leader === "string" ? st.leader : null,
      lastSeenMs: info.lastSeenMs ?? null,
      suspects: suspectsOf(info),
      suspectedBy: suspectedBy.get(info.id) ?? [],
      breaker: breaker(info.id),
      status: st,
      ...(info.pid === undefined ? {} : { pid: info.pid }),
      ...(info.disk === undefined ? {} : { disk: info.disk }),
    };
  });
}
