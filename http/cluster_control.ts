/**
 * What the HTTP API needs of a cluster. The Worker cluster (`nodes/worker_cluster.ts`)
 * implements it; tests use a fake.
 *
 * @module
 */

import type { AnyProtocol, LogPage, NodeId, Reply } from "../protocols/node.ts";
import type { LinkFaults, NetworkState } from "../nodes/faults/network.ts";
import type { TraceEvent } from "../nodes/trace.ts";
import type { CounterSnapshot } from "../nodes/worker/link_counters.ts";
import type { ClockState, EventOptions, NodeInfo } from "../nodes/worker_cluster.ts";
import type { ByzantineMode } from "../nodes/faults/byzantine.ts";
import type { BacklogView, DiskFaultView } from "../nodes/worker/cluster_types.ts";
import type { DiskFaultKind } from "../protocols/storage.ts";
import type { ProtocolDisplay } from "../protocols/display.ts";

/**
 * The parts of the fault model the API drives (a `Network` has them all).
 *
 * @example
 * ```ts
 * import type { NetworkControl } from "./cluster_control.ts";
 * function cutOff(net: NetworkControl): number {
 *   return net.isolate("n1");
 * }
 * ```
 */
export interface NetworkControl {
  state(): NetworkState;
  partition(groups: readonly (readonly NodeId[])[]): number;
  isolate(node: NodeId): number;
  cut(from: NodeId, to: NodeId): number;
  addRule(from: NodeId | "*", to: NodeId | "*", faults: LinkFaults): number;
  remove(id: number): boolean;
  heal(): void;
}

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
  /**
   * The protocol itself, when the runtime has it loaded (its descriptor: abilities,
   * event kinds, …); otherwise the API looks `protocol` up in the registry.
   */
  readonly descriptor?: AnyProtocol;
  /**
   * How front ends show the nodes, when the runtime knows better than the protocol's
   * declared display (process nodes that have no protocol status); else the protocol's.
   */
  readonly display?: ProtocolDisplay;
  /** Every node id, in order (changes when nodes are added or removed). */
  readonly nodes: readonly NodeId[];
  /** The fault model. */
  readonly network: NetworkControl;
  /**
   * Resolves once every running node applies the current fault rules (absent: they are
   * in force as soon as `network` changes).
   */
  faultsInForce?(): Promise<void>;
  /** Milliseconds since the cluster started: the time of its trace events. */
  now(): number;
  /** Up, paused, status and last sign of life of one node. */
  info(node: NodeId): Promise<NodeInfo>;
  /** {@link info} of every node, in order. */
  statuses(): Promise<NodeInfo[]>;
  /**
   * A page of a node's log (`from` 0: the newest `limit` entries); null when the
   * protocol keeps none. Absent: this runtime cannot read logs.
   */
  log?(node: NodeId, from: number, limit: number): Promise<LogPage | null>;
  crash(node: NodeId): void | Promise<void>;
  restart(node: NodeId): void | Promise<void>;
  pause(node: NodeId): void | Promise<void>;
  resume(node: NodeId): void | Promise<void>;
  /** Sends a client operation; `fail` if the node is down, `info` if it died holding it. */
  request(node: NodeId, op: unknown, client: number, signal?: AbortSignal): Promise<Reply>;
  /** A node's clock skew and drift. */
  clock(node: NodeId): ClockState;
  setClock(node: NodeId, change: { skew?: number; drift?: number }): void;
  /**
   * Makes a node Byzantine in `mode` (its messages rewritten on their way out), or (null)
   * correct again; publishes a `fault` event with `data.byzantine`.
   */
  setByzantine(node: NodeId, mode: ByzantineMode | null): void;
  /** A node's Byzantine mode, or null while it is correct. */
  byzantineMode(node: NodeId): ByzantineMode | null;
  /**
   * Sets a storage fault on a node's file store (`kind` with a probability, once without
   * one, or `none` to clear them); publishes a `fault` event with `data.disk`. Throws
   * `NoDataDirError` when the nodes keep their storage in memory. Absent: this runtime
   * has no file store to inject into.
   */
  setDiskFault?(node: NodeId, kind: DiskFaultKind | "none", probability?: number): DiskFaultView;
  /** The storage faults on a node's file store (absent with {@link setDiskFault}). */
  diskFaults?(node: NodeId): DiskFaultView;
  /** Messages sent, delivered, dropped and duplicated, in total and per link. */
  counters(): CounterSnapshot;
  /** What paused nodes hold and what the bound on it dropped (absent: not reported). */
  backlog?(): BacklogView;
  /** Trace events; returns the unsubscribe function. */
  onEvent(listener: (e: TraceEvent) => void, options?: EventOptions): () => void;
  /** Hands a message to `to` as if `from` had sent it. */
  inject(to: NodeId, from: NodeId, body: unknown): void;
  /** Starts a new node with extra protocol options. */
  addNode(id: NodeId, options?: Readonly<Record<string, unknown>>): Promise<void>;
  /** Stops a node and forgets it. */
  removeNode(id: NodeId): Promise<void>;
}
