/**
 * What every runtime offers to drive it from outside — the simulator (virtual time) and
 * the Worker cluster (real time) alike: its nodes, their faults (crash, restart, pause,
 * resume, clock skew and drift), the shared fault model for links, and a way to note an
 * outside event in its trace. The nemesis takes this, so one fault schedule drives a
 * simulated run and a live cluster the same way.
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { Network } from "./faults/network.ts";

/**
 * A runtime's fault surface.
 *
 * @example
 * ```ts
 * import type { Runtime } from "./runtime.ts";
 * function crashFirst(rt: Runtime): void {
 *   rt.crash(rt.nodes[0]!);
 * }
 * ```
 */
export interface Runtime {
  /** Every node id, in order. */
  readonly nodes: readonly NodeId[];
  /** The fault model for links: partitions, cuts, rules. */
  readonly network: Network;
  /** Crashes a node: volatile state and unsynced writes are lost. */
  crash(node: NodeId): void;
  /** Restarts a crashed node from its durable storage (a Worker resolves once it runs). */
  restart(node: NodeId): void | Promise<void>;
  /** Pauses a node: alive, processing nothing (gray failure). */
  pause(node: NodeId): void;
  /** Resumes a paused node. */
  resume(node: NodeId): void;
  /** Sets a node's clock skew (ms) and/or drift (rate error). */
  setClock(node: NodeId, change: { skew?: number; drift?: number }): void;
  /** Whether the node runs (not crashed). */
  isUp(node: NodeId): boolean;
  /** Whether the node is paused. */
  isPaused(node: NodeId): boolean;
  /** Records an event from outside the nodes (a nemesis action) in the trace. */
  note(node: NodeId, kind: string, data?: unknown): void;
}
