/**
 * What the HTTP API needs of a cluster. The Worker cluster (`nodes/worker_cluster.ts`)
 * implements it; tests use a fake.
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { NetworkState } from "../nodes/faults/network.ts";
import type { NodeInfo } from "../nodes/worker_cluster.ts";

/**
 * The cluster operations the API exposes. Methods are only called with ids from `nodes`.
 *
 * @example
 * ```ts
 * import type { ClusterControl } from "./cluster_control.ts";
 * async function upCount(c: ClusterControl): Promise<number> {
 *   return (await c.statuses()).filter((n) => n.up).length;
 * }
 * ```
 */
export interface ClusterControl {
  /** The protocol the nodes run. */
  readonly protocol: string;
  /** Every node id, in order. */
  readonly nodes: readonly NodeId[];
  /** The fault model; the API shows its state. */
  readonly network: { state(): NetworkState };
  /** Up, paused and status of one node. */
  info(node: NodeId): Promise<NodeInfo>;
  /** {@link info} of every node, in order. */
  statuses(): Promise<NodeInfo[]>;
  crash(node: NodeId): void | Promise<void>;
  restart(node: NodeId): void | Promise<void>;
  pause(node: NodeId): void | Promise<void>;
  resume(node: NodeId): void | Promise<void>;
}
