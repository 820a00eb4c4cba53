/**
 * One node's place in the Worker cluster: its Worker (or none while it is down), what
 * the main thread keeps for it across restarts (mirrored storage, logical and physical
 * clocks) and what is waiting on it (replies, status answers, held messages).
 *
 * @module
 */

import { type DiskFaultSetting, NO_DISK_FAULTS } from "../storage/file_faults.ts";
import type { DiskFaultKind } from "../../protocols/storage.ts";
import type { ClientRequest, LogPage, NodeId, NodeStatus, Reply } from "../../protocols/node.ts";
import { type NodeClock, perfectClock } from "../faults/clock_skew.ts";
import type { LogicalClocks } from "../node_host.ts";
import type { InFlight } from "./router.ts";
import type { NodeWorker } from "../process/process_worker.ts";
import { createClockCell } from "./clock_cell.ts";

/**
 * The main thread's record of one node.
 *
 * @example
 * ```ts
 * import { createSlot, type Slot } from "./slot.ts";
 * const s: Slot = createSlot("n2", 1, {}, true);
 * s.paused; // false
 * ```
 */
export interface Slot {
  readonly id: NodeId;
  /** Position at creation; the first incarnation's seed is `seed + index`. */
  readonly index: number;
  /** Protocol options of this node (the cluster's, plus any given when it was added). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Its Worker, or its process with `--processes`; null while it is down. */
  worker: NodeWorker | null;
  /** Bumped on every start and stop, so messages of a dead incarnation are ignored. */
  epoch: number;
  incarnation: number;
  ready: boolean;
  paused: boolean;
  /** Messages held while paused, in arrival order. */
  backlog: InFlight[];
  /** Messages a paused node that sends for itself holds in its Worker (its last report). */
  heldInWorker: number;
  /** Client requests held while paused. */
  held: ClientRequest<unknown>[];
  /**
   * Client requests not yet posted: sent together in one `inputs` message by `setImmediate`,
   * or before any other message to the Worker (to keep the order).
   */
  outbox: ClientRequest<unknown>[];
  /**
   * The last logical clocks the router saw; a restart continues from them, or from the
   * node's own later ones in {@link Slot.clockCell}.
   */
  clocks: LogicalClocks | undefined;
  /** Where a node with direct links keeps its latest clocks, across its incarnations. */
  readonly clockCell: SharedArrayBuffer;
  clock: NodeClock;
  /** Synced storage (memory mode), or null with a file store. */
  readonly mirror: Map<string, unknown> | null;
  readonly replies: Map<number, (r: Reply) => void>;
  readonly statusWaiters: Map<number, (s: NodeStatus) => void>;
  /** `log` queries waiting for an answer; settled with undefined if the node goes down. */
  readonly logWaiters: Map<number, (page: LogPage | null | undefined) => void>;
  starting: { resolve(): void; reject(e: Error): void } | null;
  closing: (() => void) | null;
  /** Cluster time (ms) of the Worker's last message, or null while it is down. */
  lastSeen: number | null;
  /**
   * The node's last status answer: what a frozen (`SIGSTOP`ped) process node shows while
   * it is paused, since it cannot answer.
   */
  lastStatus: NodeStatus | null;
  /**
   * Why the node may not run, or null: its storage is corrupted. Set when a start finds
   * the damage; cleared only when the node is removed (its data set aside).
   */
  corrupted: string | null;
  /** Why the node stopped by itself (its disk failed, its protocol threw), until it runs again. */
  stopped: string | null;
  /** Storage faults set on its file store (kept across restarts; one-shots until used). */
  disk: DiskFaultSetting;
  /** Storage faults injected so far, by kind. */
  readonly diskInjected: Partial<Record<DiskFaultKind, number>>;
  /** The newest fault rules' version the node acknowledged (direct links; -1: none). */
  faultsAck: number;
}

/**
 * A fresh slot for a node that has not started yet.
 *
 * @example
 * ```ts
 * import { createSlot } from "./slot.ts";
 * const s = createSlot("n1", 0, {}, true);
 * s.worker; // null
 * ```
 */
export function createSlot(
  id: NodeId,
  index: number,
  options: Readonly<Record<string, unknown>>,
  inMemory: boolean,
): Slot {
  return {
    id,
    index,
    options,
    worker: null,
    epoch: 0,
    incarnation: 0,
    ready: false,
    paused: false,
    backlog: [],
    heldInWorker: 0,
    held: [],
    outbox: [],
    clocks: undefined,
    clockCell: createClockCell(),
    clock: perfectClock(),
    mirror: inMemory ? new Map() : null,
    replies: new Map(),
    statusWaiters: new Map(),
    logWaiters: new Map(),
    starting: null,
    closing: null,
    lastSeen: null,
    lastStatus: null,
    corrupted: null,
    stopped: null,
    disk: NO_DISK_FAULTS,
    diskInjected: {},
    faultsAck: -1,
  };
}
