/**
 * What every runtime offers to drive it from outside — the simulator (virtual time) and
 * the Worker cluster (real time) alike: its nodes, their faults (crash, restart, pause,
 * resume, clock skew and drift), the shared fault model for links, its clock and timers,
 * client operations, its trace events, and a way to note an outside event in the trace.
 * The nemesis and the KV workload take this, so one fault schedule and one client load
 * drive a simulated run and a live cluster the same way.
 *
 * @module
 */

import type { NodeId, Reply } from "../protocols/node.ts";
import type { Rng } from "../protocols/random.ts";
import type { Network } from "./faults/network.ts";
import type { TraceEvent } from "./trace.ts";
import type { DiskFaults } from "./storage/disk_faults.ts";

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
  /** The runtime's seeded random source, for what drives it (clients, schedules). */
  readonly rng: Rng;
  /** Milliseconds since the runtime started (virtual in the simulator). */
  now(): number;
  /** Runs `fn` after `ms` (virtual time in the simulator, a timer on a live cluster). */
  after(ms: number, fn: () => void): void;
  /** Runs `fn` when {@link now} reaches `time` (at once if it has). */
  at(time: number, fn: () => void): void;
  /**
   * Sends client `client`'s operation to `node`; `onReply` gets its reply once (`fail`
   * when the node is down, `info` when the outcome is unknown).
   */
  submit(node: NodeId, op: unknown, client: number, onReply: (reply: Reply) => void): void;
  /** Observes every trace event; returns the function that stops observing. */
  onTrace(fn: (e: TraceEvent) => void): () => void;
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
  /**
   * Turns storage faults on (or off, with null) for a node's disk; only a runtime whose
   * disks are simulated has it.
   */
  setDiskFaults?(node: NodeId, faults: DiskFaults | null): void;
  /** Records an event from outside the nodes (a nemesis action) in the trace. */
  note(node: NodeId, kind: string, data?: unknown): void;
}
