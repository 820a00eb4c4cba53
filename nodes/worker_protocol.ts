/**
 * The typed messages between the main thread (the router of the Worker cluster) and
 * each node's Worker. Everything crosses with `postMessage` (structured clone), so
 * every type here is plain data.
 *
 * One batch in, one output back: the router posts every message due for a node in
 * one {@link InputsMessage}; the Worker processes them all, syncs its storage once
 * (group commit) and posts one {@link OutputMessage} with every effect, in the
 * contract's order — durable writes, then messages, then replies.
 *
 * @module
 */

import type {
  ClientRequest,
  LogPage,
  NodeId,
  NodeStatus,
  Reply,
  TraceData,
} from "../protocols/node.ts";
import type { VectorClock } from "../clocks/vector.ts";
import type { NodeClock } from "./faults/clock_skew.ts";
import type { DiskFaultSetting } from "./storage/file_faults.ts";
import type { DiskFaultKind } from "../protocols/storage.ts";
import type { LogicalClocks, Outgoing } from "./node_host.ts";
import type { NetworkRules } from "./faults/network.ts";
import type { ByzantineMode } from "./faults/byzantine.ts";
import type { TraceEvent } from "./trace.ts";
import type { LinkCount } from "./worker/link_counters.ts";

/**
 * Which protocol a node runs: a name from `protocols/registry.ts`, or an export of any
 * module (a `file:` or `https:` URL), so users can run a protocol of their own.
 *
 * @example
 * ```ts
 * import type { ProtocolSpec } from "./worker_protocol.ts";
 * const builtin: ProtocolSpec = "heartbeat";
 * const mine: ProtocolSpec = { module: "file:///tmp/my_protocol.ts", export: "myProtocol" };
 * ```
 */
export type ProtocolSpec = string | { readonly module: string; readonly export: string };

/**
 * Where a node keeps its durable storage: in memory, mirrored on the main thread (the
 * Worker starts from `entries`), or in a log file under `dir` that the Worker opens.
 *
 * @example
 * ```ts
 * import type { StorageSpec } from "./worker_protocol.ts";
 * const fresh: StorageSpec = { kind: "memory", entries: [] };
 * const onDisk: StorageSpec = { kind: "file", dir: "/tmp/distlab" };
 * ```
 */
export type StorageSpec =
  | { readonly kind: "memory"; readonly entries: readonly (readonly [string, unknown])[] }
  | {
    readonly kind: "file";
    readonly dir: string;
    /** Storage faults to inject from the start (see `storage/file_faults.ts`). */
    readonly faults?: DiskFaultSetting;
  };

/**
 * One synced write: `[key, value]` for a set, `[key]` for a delete.
 *
 * @example
 * ```ts
 * import type { WriteDelta } from "./worker_protocol.ts";
 * const writes: WriteDelta[] = [["hard", { term: 2 }], ["old"]];
 * ```
 */
export type WriteDelta = readonly [key: string] | readonly [key: string, value: unknown];

/**
 * A message handed to a node, stamped with its sender's clocks.
 *
 * @example
 * ```ts
 * import type { WireDelivery } from "./worker_protocol.ts";
 * const d: WireDelivery = { from: "n1", body: { type: "heartbeat", seq: 1 }, lamport: 3, vclock: { n1: 3 } };
 * ```
 */
export interface WireDelivery {
  readonly from: NodeId;
  readonly body: unknown;
  readonly lamport: number;
  readonly vclock: VectorClock;
  /** The sender's own vector entry at the send, when its host keeps no vectors. */
  readonly vc?: number;
}

/**
 * Main → Worker: everything a node needs to start (or restart after a crash).
 *
 * @example
 * ```ts
 * import type { InitMessage } from "./worker_protocol.ts";
 * const init: InitMessage = {
 *   type: "init", id: "n1", peers: ["n2"], protocol: "heartbeat", options: {}, seed: 43,
 *   clock: { skew: 0, drift: 0, anchor: 0 }, storage: { kind: "memory", entries: [] },
 *   paused: false, tracing: false,
 * };
 * ```
 */
export interface InitMessage {
  readonly type: "init";
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly protocol: ProtocolSpec;
  readonly options: Readonly<Record<string, unknown>>;
  /** Seed of the node's PRNG. */
  readonly seed: number | string;
  /** The node's physical clock over true time (`performance.timeOrigin + performance.now()`). */
  readonly clock: NodeClock;
  readonly storage: StorageSpec;
  /** Logical clocks to continue from (after a restart). */
  readonly clocks?: LogicalClocks;
  /** Start without ticking. */
  readonly paused: boolean;
  /** Report deliveries for trace events. */
  readonly tracing: boolean;
  /**
   * False: the node keeps no vector clock, only its own entry (`vc`), as in the
   * simulator — a message then carries no vector with an entry per node, which large
   * clusters cannot afford; the trace's vectors are derived (`clocks/trace_vectors.ts`).
   */
  readonly vectorClocks?: boolean;
  /**
   * Set when the node sends to its peers over direct `MessagePort`s (the Worker cluster's
   * default): its messages take the fault model on its side (`direct_node.ts`) and never
   * pass through the main thread.
   */
  readonly direct?: DirectLinks;
  /**
   * Messages a node that receives for itself over TCP holds while paused; beyond, the
   * oldest is dropped (`backlog`). Default: no bound.
   */
  readonly maxBacklog?: number;
}

/**
 * How a Worker that sends to its peers itself is set up.
 *
 * @example
 * ```ts
 * import type { DirectLinks } from "./worker_protocol.ts";
 * const d: DirectLinks = { epoch: performance.timeOrigin, maxBacklog: 10_000 };
 * ```
 */
export interface DirectLinks {
  /**
   * True time (`performance.timeOrigin + performance.now()`) of the cluster's time 0: the
   * node stamps its sending side's trace events in the cluster's time.
   */
  readonly epoch: number;
  /** Messages the node holds while paused; beyond, the oldest is dropped (`backlog`). */
  readonly maxBacklog: number;
  /**
   * Shared memory the node writes its clocks to after every output, and a restart reads
   * them from (`clock_cell.ts`): its outputs reach the main thread later than its messages
   * reach its peers.
   */
  readonly clockCell?: SharedArrayBuffer;
  /** This incarnation's number, the writer the cell was claimed for. */
  readonly clockWriter?: number;
}

/**
 * Main → Worker: a batch of inputs — every message due for this node, then client requests.
 *
 * @example
 * ```ts
 * import type { InputsMessage } from "./worker_protocol.ts";
 * const batch: InputsMessage = { type: "inputs", deliveries: [], requests: [{ id: 1, client: 0, op: null }] };
 * ```
 */
export interface InputsMessage {
  readonly type: "inputs";
  readonly deliveries: readonly WireDelivery[];
  readonly requests: readonly ClientRequest<unknown>[];
}

/**
 * Main → Worker: control messages that are not protocol inputs.
 *
 * - `pause` / `resume`: stop / restart ticking (the router holds the node's messages);
 * - `clock`: replace the physical clock (skew and drift);
 * - `tracing`: start or stop reporting deliveries;
 * - `status`: answer with a {@link StatusMessage} carrying `id`;
 * - `disk`: replace the storage faults of the node's file store;
 * - `close`: sync and close storage, then answer `closed`;
 * - `kill`: stop at once as a crash would (unsynced writes lost), then answer `closed`
 *   (for a node that shares its Worker with others);
 * - `mirrored`: the main thread holds the writes of the output marked `mirror: id` (and
 *   all before): a node with direct links and memory storage may send what followed them;
 * - `faults`: the cluster's fault rules, for a node that applies them on its sending side
 *   (a node process over TCP); `version` grows with every change, so an older set that
 *   arrives late is ignored. Nodes whose messages the cluster routes ignore it;
 * - `byzantine`: the node's Byzantine mode (null: correct), for the same nodes: what they
 *   send is rewritten on their sending side;
 * - `peer`: for a Worker with direct links, the port to reach `peer` by (and to hear it
 *   on), or null while that peer is down; `removed` when it left the cluster.
 *
 * @example
 * ```ts
 * import type { ControlMessage } from "./worker_protocol.ts";
 * const m: ControlMessage = { type: "status", id: 7 };
 * ```
 */
export type ControlMessage =
  | { readonly type: "pause" }
  | { readonly type: "resume" }
  | { readonly type: "clock"; readonly clock: NodeClock }
  | { readonly type: "tracing"; readonly on: boolean }
  | { readonly type: "status"; readonly id: number }
  | { readonly type: "disk"; readonly setting: DiskFaultSetting }
  | { readonly type: "log"; readonly id: number; readonly from: number; readonly limit: number }
  | { readonly type: "close" }
  | { readonly type: "kill" }
  | { readonly type: "mirrored"; readonly id: number }
  | { readonly type: "faults"; readonly version: number; readonly rules: NetworkRules }
  | { readonly type: "byzantine"; readonly mode: ByzantineMode | null }
  | {
    readonly type: "peer";
    readonly peer: NodeId;
    readonly port: MessagePort | null;
    readonly removed?: true;
    /** In a Worker that hosts a group of nodes: `peer` is running again (no port). */
    readonly up?: true;
  };

/**
 * Every message the main thread posts to a node's Worker.
 *
 * @example
 * ```ts
 * import type { ToWorker } from "./worker_protocol.ts";
 * const m: ToWorker = { type: "pause" };
 * ```
 */
export type ToWorker = InitMessage | InputsMessage | ControlMessage;

/**
 * A protocol event the node emitted, stamped with its clocks.
 *
 * @example
 * ```ts
 * import type { WireEmitted } from "./worker_protocol.ts";
 * const e: WireEmitted = { kind: "suspect", data: { peer: "n2" }, lamport: 4, vclock: { n1: 4 } };
 * ```
 */
export interface WireEmitted {
  readonly kind: string;
  readonly data: TraceData | undefined;
  readonly lamport: number;
  readonly vclock: VectorClock;
  /** The node's own vector entry (what stands for the vector when it keeps none). */
  readonly vc?: number;
}

/**
 * A delivery as the receiver saw it (sent only while tracing): its clocks right after.
 *
 * @example
 * ```ts
 * import type { DeliveryReport } from "./worker_protocol.ts";
 * const r: DeliveryReport = { from: "n2", body: 1, lamport: 5, vclock: { n1: 2, n2: 3 } };
 * ```
 */
export interface DeliveryReport {
  readonly from: NodeId;
  readonly body: unknown;
  readonly lamport: number;
  readonly vclock: VectorClock;
  /** The message's own Lamport stamp (the sender's at the send): pairs it with its send. */
  readonly sent?: number;
  /** Without vector clocks: the receiver's own entry after, and the sender's at the send. */
  readonly vc?: number;
  readonly vcFrom?: number;
}

/**
 * Worker → main: the effects of one batch of inputs (or of one tick), in the order the
 * main thread must apply them: `writes` (already synced; mirrored in memory mode, `null`
 * with a file store), then `messages`, then `replies`.
 *
 * @example
 * ```ts
 * import type { OutputMessage } from "./worker_protocol.ts";
 * const out: OutputMessage = {
 *   type: "output", writes: null, messages: [], replies: [], emitted: [], delivered: null,
 *   clocks: { lamport: 0, vclock: { n1: 0 } },
 * };
 * ```
 */
export interface OutputMessage {
  readonly type: "output";
  readonly writes: readonly WriteDelta[] | null;
  readonly messages: readonly Outgoing[];
  readonly replies: readonly { readonly requestId: number; readonly reply: Reply }[];
  readonly emitted: readonly WireEmitted[];
  /** Deliveries of the batch, while tracing; `null` otherwise. */
  readonly delivered: readonly DeliveryReport[] | null;
  /** The node's logical clocks after the batch (a restart continues from them). */
  readonly clocks: LogicalClocks;
  /**
   * Set by a node with direct links and memory storage on an output with writes: the
   * messages after it wait for a `mirrored` answer carrying this number.
   */
  readonly mirror?: number;
}

/**
 * Worker → main: the node started (or failed to) — `error` is a one-line reason.
 *
 * @example
 * ```ts
 * import type { ReadyMessage } from "./worker_protocol.ts";
 * const ok: ReadyMessage = { type: "ready", protocol: "heartbeat", tickMs: 10 };
 * ```
 */
export interface ReadyMessage {
  readonly type: "ready";
  readonly protocol: string;
  readonly tickMs: number;
}

/**
 * Worker → main: the answer to a `status` query.
 *
 * @example
 * ```ts
 * import type { StatusMessage } from "./worker_protocol.ts";
 * const s: StatusMessage = { type: "status", id: 7, status: { role: "member" } };
 * ```
 */
export interface StatusMessage {
  readonly type: "status";
  readonly id: number;
  readonly status: NodeStatus;
}

/**
 * Worker → main: the answer to a `log` query (null: the protocol keeps no log).
 *
 * @example
 * ```ts
 * import type { LogMessage } from "./worker_protocol.ts";
 * const m: LogMessage = { type: "log", id: 3, page: null };
 * ```
 */
export interface LogMessage {
  readonly type: "log";
  readonly id: number;
  readonly page: LogPage | null;
}

/**
 * Worker → main: the node failed (init failed or the protocol threw); it processes
 * nothing more and the main thread treats it as crashed.
 *
 * @example
 * ```ts
 * import type { FailureMessage } from "./worker_protocol.ts";
 * const f: FailureMessage = { type: "failed", error: "option intervalMs must be a positive number" };
 * ```
 */
export interface FailureMessage {
  readonly type: "failed";
  readonly error: string;
  /**
   * Set when the node's durable storage is corrupted (a damaged record with intact ones
   * after it): the node must stay down until it is repaired, not be restarted blindly.
   */
  readonly storageCorrupted?: true;
  /** Set when the node's storage failed (a {@link DiskFaultKind} from its file store). */
  readonly storageFault?: DiskFaultKind;
}

/**
 * Worker → main: a storage fault was just injected into the node's file store (a one-shot
 * of that kind is then used up).
 *
 * @example
 * ```ts
 * import type { DiskFaultMessage } from "./worker_protocol.ts";
 * const m: DiskFaultMessage = { type: "disk-fault", kind: "bit-flip" };
 * ```
 */
export interface DiskFaultMessage {
  readonly type: "disk-fault";
  readonly kind: DiskFaultKind;
}

/**
 * Worker → main, from a node that sends to its peers itself (a node process over TCP):
 * what its links counted since its last report, as `[from, to, kind, n]`, and the
 * send / drop / duplicate trace events of its sending side (while tracing).
 *
 * @example
 * ```ts
 * import type { LinkReport } from "./worker_protocol.ts";
 * const r: LinkReport = { type: "links", counts: [["n1", "n2", "sent", 3]], events: [] };
 * ```
 */
export interface LinkReport {
  readonly type: "links";
  readonly counts: readonly (readonly [NodeId, NodeId, keyof LinkCount, number])[];
  readonly events: readonly TraceEvent[];
  /** Messages the paused node holds now (sent when the number changed). */
  readonly held?: number;
  /** Held messages it dropped for its backlog limit since the last report. */
  readonly heldDropped?: number;
}

/**
 * Worker → main: the node applies the fault rules of `version` (or newer) from now on.
 *
 * @example
 * ```ts
 * import type { FaultsAck } from "./worker_protocol.ts";
 * const m: FaultsAck = { type: "faults-ack", version: 3 };
 * ```
 */
export interface FaultsAck {
  readonly type: "faults-ack";
  readonly version: number;
}

/**
 * Every message a node's Worker posts to the main thread.
 *
 * @example
 * ```ts
 * import type { FromWorker } from "./worker_protocol.ts";
 * const m: FromWorker = { type: "closed" };
 * ```
 */
export type FromWorker =
  | ReadyMessage
  | OutputMessage
  | StatusMessage
  | LogMessage
  | FailureMessage
  | DiskFaultMessage
  | LinkReport
  | FaultsAck
  | { readonly type: "closed" };
