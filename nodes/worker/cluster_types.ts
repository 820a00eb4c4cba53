/**
 * The types of the Worker cluster's interface: how it is set up and what it reports.
 * Re-exported by `worker_cluster.ts`.
 *
 * @module
 */

import type { NodeWorker } from "../process/process_worker.ts";
import type { NodeId, NodeStatus } from "../../protocols/node.ts";
import type { LinkFaults } from "../faults/network.ts";
import type { ProtocolSpec } from "../worker_protocol.ts";
import type { ByzantineMode } from "../faults/byzantine.ts";
import type { DiskFaultSetting } from "../storage/file_faults.ts";
import type { DiskFaultKind } from "../../protocols/storage.ts";

/**
 * The most nodes a Worker cluster runs (at start, with `--nodes`, and after adding
 * members). Past 32 nodes several share a Worker (`nodesPerWorker`); 256 start on a
 * 2-core machine.
 *
 * @example
 * ```ts
 * import { MAX_CLUSTER_NODES } from "./cluster_types.ts";
 * MAX_CLUSTER_NODES; // 256
 * ```
 */
export const MAX_CLUSTER_NODES = 256;

/**
 * How a cluster is set up.
 *
 * @example
 * ```ts
 * import type { ClusterOptions } from "./cluster_types.ts";
 * const o: ClusterOptions = { protocol: "raft-kv", nodes: 5, seed: 1, dataDir: "/tmp/lab" };
 * ```
 */
export interface ClusterOptions {
  /** A registry name, or `{ module, export }` to load a protocol from any module URL. */
  readonly protocol: ProtocolSpec;
  /** A count (ids `n1…nN`) or the ids. */
  readonly nodes: number | readonly NodeId[];
  /** Seeds the router's network and every node's PRNG. */
  readonly seed: number;
  /** Protocol options, passed to every node. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Keep each node's storage in `<dataDir>/<id>.log` instead of in memory. */
  readonly dataDir?: string;
  /** Fault-free network behaviour (default: 1–3 ms uniform delay, FIFO per link). */
  readonly network?: LinkFaults;
  /**
   * How long a Worker may take to start (load its protocol, open its store); default 120 s.
   * A first start compiles every module the Worker loads, which on a busy machine with a
   * cold cache takes tens of seconds; a start that fails says so at once, so only a hung
   * one waits this long.
   */
  readonly startTimeoutMs?: number;
  /** How long `close()` waits for a Worker to flush its storage; default 2 s. */
  readonly closeTimeoutMs?: number;
  /**
   * Run each node as an OS process of its own instead of a Web Worker: a crash is a real
   * `SIGKILL`, and a node killed from outside (`kill -9 PID`) is seen as crashed.
   */
  readonly processes?: boolean;
  /**
   * Nodes that run on their own (`deno task node`, see `nodes/tcp/node_links.ts`): the
   * cluster waits for each to connect instead of starting it, and they send to their
   * peers themselves, applying the fault rules the cluster pushes to them.
   */
  readonly external?: ExternalNodes;
  /**
   * How the nodes' messages travel (Workers only): `direct` (the default) over a
   * `MessagePort` between each pair of Workers, the fault model applied in the sending
   * Worker, so that the main thread carries none of them; `routed` through the main
   * thread's router, which sees every message (one fault model, one queue).
   */
  readonly links?: "direct" | "routed";
  /**
   * Nodes hosted by one Worker (default: one each up to 32 nodes, beyond about 16 Workers;
   * `defaultNodesPerWorker`). Above one, a crash stops the node, not its Worker, and every message between
   * nodes — in the same Worker too — still takes the fault model. Needs direct links.
   */
  readonly nodesPerWorker?: number;
  /**
   * Messages a paused node holds for when it resumes, and apart from them client requests
   * (default {@link DEFAULT_MAX_BACKLOG}): past it the oldest held message is dropped, as a
   * full receive buffer drops it (counted on its link, traced as a `drop` with reason
   * `backlog`), and a further request is answered `fail` at once.
   */
  readonly maxBacklog?: number;
}

/**
 * Where a cluster finds nodes it does not start itself (`nodes/tcp/node_links.ts`).
 *
 * @example
 * ```ts ignore
 * import type { ExternalNodes } from "./cluster_types.ts";
 * const ext: ExternalNodes = new NodeLinks(["n1", "n2", "n3"], console.error);
 * ```
 */
export interface ExternalNodes {
  /** Whether `id` runs on its own. */
  has(id: NodeId): boolean;
  /** Its host: bound to the node's process once it connects. */
  attach(id: NodeId): NodeWorker;
}

/**
 * The default {@link ClusterOptions.maxBacklog}: what a node paused for minutes under
 * load may hold (a Raft leader's heartbeats and appends at a few hundred a second).
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_BACKLOG } from "./cluster_types.ts";
 * DEFAULT_MAX_BACKLOG; // 10000
 * ```
 */
export const DEFAULT_MAX_BACKLOG = 10_000;

/**
 * What the paused nodes hold, and what the bound on it dropped since the cluster started.
 *
 * @example
 * ```ts
 * import type { BacklogView } from "./cluster_types.ts";
 * const b: BacklogView = { messages: 12, requests: 1, limit: 10000, dropped: 0, refused: 0 };
 * ```
 */
export interface BacklogView {
  /** Messages held by paused nodes now. */
  readonly messages: number;
  /** Client requests held by paused nodes now. */
  readonly requests: number;
  /** The most messages (and, apart, requests) one paused node holds. */
  readonly limit: number;
  /** Held messages dropped, oldest first, to stay within the limit. */
  readonly dropped: number;
  /** Requests answered `fail` because their paused node held as many as the limit. */
  readonly refused: number;
}

/**
 * A node as the API shows it.
 *
 * @example
 * ```ts
 * import type { NodeInfo } from "./cluster_types.ts";
 * const n: NodeInfo = {
 *   id: "n1", up: true, paused: false, status: { role: "leader" }, lastSeenMs: 3, byzantine: null,
 * };
 * ```
 */
export interface NodeInfo {
  readonly id: NodeId;
  /** Running (not crashed). */
  readonly up: boolean;
  /** Paused: alive but processing nothing (gray failure). */
  readonly paused: boolean;
  /** The protocol's status, or `{ role: "crashed" }`. */
  readonly status: NodeStatus;
  /**
   * Milliseconds since the node's Worker last reported anything (an output, a status
   * answer): a heartbeat as the host sees it. `null` while the node is down.
   */
  readonly lastSeenMs?: number | null;
  /** The node's OS process id, when nodes run as processes (`--processes`) and it is up. */
  readonly pid?: number;
  /** How the node lies (its messages are rewritten on their way out), or null: correct. */
  readonly byzantine?: ByzantineMode | null;
  /** The storage faults of its file store (with `--data-dir` only). */
  readonly disk?: DiskFaultView;
}

/**
 * The storage faults set on one node's file store, and how many of each kind were
 * injected so far (every incarnation of the node).
 *
 * @example
 * ```ts
 * import type { DiskFaultView } from "./cluster_types.ts";
 * const d: DiskFaultView = { faults: { "bit-flip": 0.1 }, once: [], injected: { "bit-flip": 2 } };
 * ```
 */
export interface DiskFaultView extends DiskFaultSetting {
  readonly injected: Readonly<Partial<Record<DiskFaultKind, number>>>;
}

/**
 * Storage faults asked of a cluster whose nodes keep their storage in memory (no
 * `--data-dir`): the real file store is what they are injected into.
 *
 * @example
 * ```ts
 * import { NoDataDirError } from "./cluster_types.ts";
 * new NoDataDirError().message; // "storage faults need a cluster started with --data-dir"
 * ```
 */
export class NoDataDirError extends Error {
  constructor() {
    super("storage faults need a cluster started with --data-dir");
    this.name = "NoDataDirError";
  }
}

/**
 * What `Cluster.onEvent` delivers.
 *
 * @example
 * ```ts
 * import type { EventOptions } from "./cluster_types.ts";
 * const quiet: EventOptions = { messages: false }; // elections, crashes, …: no sends
 * ```
 */
export interface EventOptions {
  /**
   * Also every send, deliver, drop, duplicate, request and reply (default true). They
   * cost a little per message, so they are produced only while someone wants them.
   */
  readonly messages?: boolean;
}

/**
 * A node's physical clock as the fault model set it.
 *
 * @example
 * ```ts
 * import type { ClockState } from "./cluster_types.ts";
 * const c: ClockState = { skewMs: 200, drift: 0.01 };
 * ```
 */
export interface ClockState {
  /** Current offset from true time, in ms. */
  readonly skewMs: number;
  /** Rate error (0.01 = 1% fast). */
  readonly drift: number;
}

/**
 * A node action that cannot be done in the node's present state (a restart raced by a
 * crash, a node that stays down): a conflict, not a failure of the cluster. `state` says
 * what the node is doing.
 *
 * @example
 * ```ts
 * import { NodeStateError } from "./cluster_types.ts";
 * const e = new NodeStateError("n1", "crashed", "node n1 crashed while starting");
 * e.state; // "crashed"
 * ```
 */
export class NodeStateError extends Error {
  /** The node. */
  readonly node: NodeId;
  /** What it is doing instead. */
  readonly state: "crashed" | "corrupted" | "paused";
  constructor(node: NodeId, state: "crashed" | "corrupted" | "paused", message: string) {
    super(message);
    this.name = "NodeStateError";
    this.node = node;
    this.state = state;
  }
}

/**
 * A node that cannot start because its durable storage is corrupted (a damaged record
 * with intact records after it). It stays down — it must neither serve nor vote on a log
 * that lost acknowledged data — until it is removed and added again (starting empty, as
 * a new member that catches up first) or its data is repaired by hand.
 *
 * @example
 * ```ts
 * import { NodeCorruptedError } from "./cluster_types.ts";
 * const e = new NodeCorruptedError("n1", "n1.log is corrupted: bad-crc at byte 40 of 900");
 * e.node; // "n1"
 * ```
 */
export class NodeCorruptedError extends NodeStateError {
  constructor(node: NodeId, why: string) {
    super(node, "corrupted", `node ${node}: storage corrupted: ${why}`);
    this.name = "NodeCorruptedError";
  }
}
