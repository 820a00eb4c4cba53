/**
 * Hosts one protocol node: builds its context, keeps its Lamport and vector clocks, and
 * buffers the effects of each input so the runtime can apply them in the contract's
 * order — durable writes (synced) → outgoing messages → client replies — with the
 * contract's one exception kept apart: messages sent `beforeSync` go to {@link
 * NodeHost.early}, which a runtime may send before the sync, and the marks asked for with
 * `whenSynced` go to {@link NodeHost.syncMark}, which the runtime hands back through
 * {@link NodeHost.synced} once that sync completed. Both the simulator and the Worker
 * runtime use it, so a protocol sees the same thing in both.
 *
 * Vector clocks cost an entry per node on every send and delivery. A runtime that does
 * not need them at each step (the simulator) turns them off with
 * {@link NodeHostOptions.vectorClocks}: the host then keeps only its own entry,
 * {@link NodeHost.vc}, and the vectors are derived from the trace when asked for
 * (`clocks/trace_vectors.ts`).
 *
 * @module
 */

import type {
  AnyProtocol,
  ClientRequest,
  LogPage,
  NodeId,
  NodeStatus,
  ProtocolNode,
  Reply,
  SendOptions,
  TraceData,
} from "../protocols/node.ts";
import type { HostStorage } from "../protocols/storage.ts";
import { lamportReceive } from "../clocks/lamport.ts";
import type { VectorClock } from "../clocks/vector.ts";

/**
 * A message the node sent, stamped with its clocks at the send.
 *
 * @example
 * ```ts
 * import type { Outgoing } from "./node_host.ts";
 * const m: Outgoing = { to: "n2", body: { type: "ping" }, lamport: 3, vclock: { n1: 3 } };
 * ```
 */
export interface Outgoing {
  readonly to: NodeId;
  readonly body: unknown;
  readonly lamport: number;
  /** The sender's vector clock ({@link NO_VECTOR} when the host keeps none). */
  readonly vclock: VectorClock;
  /** The sender's own entry of its vector clock at the send (its {@link NodeHost.vc}). */
  readonly vc?: number;
}

/**
 * The vector of a host that keeps no vector clocks: empty, shared, never changed.
 *
 * @example
 * ```ts
 * import { NO_VECTOR } from "./node_host.ts";
 * Object.keys(NO_VECTOR).length; // 0
 * ```
 */
export const NO_VECTOR: VectorClock = Object.freeze({});

/**
 * A trace event the protocol emitted, stamped with the node's clocks.
 *
 * @example
 * ```ts
 * import type { Emitted } from "./node_host.ts";
 * const e: Emitted = { kind: "elected", data: { term: 2 }, lamport: 7, vclock: { n1: 7 } };
 * ```
 */
export interface Emitted {
  readonly kind: string;
  readonly data: TraceData | undefined;
  readonly lamport: number;
  readonly vclock: VectorClock;
  /** The node's own vector entry when it emitted (its {@link NodeHost.vc}). */
  readonly vc?: number;
}

/**
 * The logical clocks of a node, kept across restarts by the runtime.
 *
 * @example
 * ```ts
 * import type { LogicalClocks } from "./node_host.ts";
 * const clocks: LogicalClocks = { lamport: 12, vclock: { n1: 5, n2: 7 } };
 * ```
 */
export interface LogicalClocks {
  lamport: number;
  vclock: VectorClock;
  /** The own vector entry (absent: `vclock[id]`). */
  vc?: number;
}

/**
 * What a runtime supplies to host a node.
 *
 * @example
 * ```ts
 * import type { NodeHostOptions } from "./node_host.ts";
 * import { MemoryDisk } from "./storage/memory_disk.ts";
 * const o: NodeHostOptions = {
 *   id: "n1",
 *   peers: ["n2", "n3"],
 *   options: {},
 *   storage: new MemoryDisk(),
 *   now: () => 0,
 *   random: () => 0.5,
 * };
 * ```
 */
export interface NodeHostOptions {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly options: Readonly<Record<string, unknown>>;
  readonly storage: HostStorage;
  readonly now: () => number;
  readonly random: () => number;
  /** Clocks to continue from after a restart. */
  readonly clocks?: LogicalClocks;
  /**
   * Whether to keep a full vector clock (default true). False keeps only the own entry
   * {@link NodeHost.vc}: no per-node work on a send or delivery, and every `vclock` is
   * {@link NO_VECTOR}.
   */
  readonly vectorClocks?: boolean;
}

/**
 * One node of a protocol with its effects buffered.
 *
 * @example
 * ```ts
 * import { NodeHost } from "./node_host.ts";
 * import { MemoryDisk } from "./storage/memory_disk.ts";
 * import { heartbeat } from "../protocols/heartbeat/mod.ts";
 * const host = new NodeHost(heartbeat, {
 *   id: "n1", peers: ["n2"], options: {}, storage: new MemoryDisk(),
 *   now: () => 0, random: () => 0.5,
 * });
 * host.tick();
 * host.storage.sync();
 * host.outbox.length; // messages to send after the sync
 * ```
 */
export class NodeHost {
  readonly id: NodeId;
  readonly storage: HostStorage;
  /** Messages of the inputs since the last drain, in send order. */
  outbox: Outgoing[] = [];
  /** Messages sent `beforeSync` since the last drain, in send order: they may leave before the sync. */
  early: Outgoing[] = [];
  /**
   * The highest `whenSynced` mark of the inputs since the last drain, or null: the
   * runtime calls {@link synced} with it once the sync that follows those inputs is done.
   */
  syncMark: number | null = null;
  /** Replies of the inputs since the last drain. */
  replies: { requestId: number; reply: Reply }[] = [];
  /** Trace events of the inputs since the last drain. */
  emitted: Emitted[] = [];
  lamport: number;
  /**
   * The vector clock, or {@link NO_VECTOR} when the host keeps none. A vector read here
   * is never changed afterwards (messages and events carry it).
   */
  get vclock(): VectorClock {
    this.#own = false;
    return this.#vclock;
  }
  set vclock(v: VectorClock) {
    this.#vclock = v;
    this.#own = false;
  }
  #vclock: VectorClock;
  /**
   * Whether {@link vclock}'s object is a copy nothing outside has seen: a tick may then
   * change it in place (a delivery's merge and the send it causes make one copy, not two).
   */
  #own = false;
  /**
   * The node's own vector entry: how many sends, deliveries and requests it has had
   * (kept across restarts). With vectors on it equals `vclock[id]`.
   */
  vc: number;
  readonly #vectors: boolean;
  readonly node: ProtocolNode<unknown, unknown>;

  constructor(protocol: AnyProtocol, o: NodeHostOptions) {
    this.id = o.id;
    this.storage = o.storage;
    this.lamport = o.clocks?.lamport ?? 0;
    this.#vectors = o.vectorClocks ?? true;
    this.vc = o.clocks?.vc ?? o.clocks?.vclock[o.id] ?? 0;
    this.#vclock = !this.#vectors ? NO_VECTOR : o.clocks?.vclock ?? { [o.id]: this.vc };
    const id = o.id;
    this.node = protocol.create({
      id,
      peers: o.peers,
      options: o.options,
      now: o.now,
      random: o.random,
      storage: o.storage,
      send: (to: NodeId, body: unknown, options?: SendOptions) => {
        this.lamport++;
        this.#tickVector();
        const m: Outgoing = { to, body, lamport: this.lamport, vclock: this.vclock, vc: this.vc };
        if (options?.beforeSync === true) this.early.push(m);
        else this.outbox.push(m);
      },
      whenSynced: (mark: number) => {
        if (!Number.isFinite(mark)) throw new RangeError(`whenSynced: mark ${mark} is not finite`);
        this.syncMark = this.syncMark === null ? mark : Math.max(this.syncMark, mark);
      },
      reply: (requestId: number, reply: Reply) => {
        this.replies.push({ requestId, reply });
      },
      emit: (kind: string, data?: TraceData) => {
        this.emitted.push({
          kind,
          data,
          lamport: this.lamport,
          vclock: this.vclock,
          vc: this.vc,
        });
      },
    });
  }

  /** Input: time advanced. */
  tick(): void {
    this.node.tick();
  }

  /** Input: a message arrived, stamped with the sender's clocks. */
  deliver(from: NodeId, body: unknown, lamport: number, vclock: VectorClock): void {
    this.lamport = lamportReceive(this.lamport, lamport);
    this.vc++;
    if (this.#vectors) {
      // Merge and tick in one copy: the merged vector is new, so it may be changed in place.
      // (`vectorMerge`, inlined: a call per message showed in a TCP node's profile.)
      const v: Record<string, number> = { ...this.#vclock };
      for (const k in vclock) {
        const x = vclock[k]!;
        const y = v[k];
        if (y === undefined ? x > 0 : x > y) v[k] = x;
      }
      v[this.id] = this.vc;
      this.#vclock = v;
      this.#own = true;
    }
    this.node.message(from, body);
  }

  /** Input: a client operation arrived. */
  request(req: ClientRequest<unknown>): void {
    this.lamport++;
    this.#tickVector();
    this.node.request(req);
  }

  /**
   * Input: client operations that arrived together, in order. Each counts as an event
   * of its own on the clocks; a node with `requests` takes them in one call.
   */
  requests(reqs: readonly ClientRequest<unknown>[]): void {
    if (reqs.length === 1 || this.node.requests === undefined) {
      for (const r of reqs) this.request(r);
      return;
    }
    this.lamport += reqs.length;
    for (let i = 0; i < reqs.length; i++) this.#tickVector();
    this.node.requests(reqs);
  }

  /**
   * Input: the writes made before `mark` was asked for are durable. Nothing happens
   * when the protocol takes no such input.
   */
  synced(mark: number): void {
    this.node.synced?.(mark);
  }

  /** Takes the sync mark of the inputs since the last drain (null: none asked for). */
  takeSyncMark(): number | null {
    const m = this.syncMark;
    this.syncMark = null;
    return m;
  }

  /** The node's status. */
  status(): NodeStatus {
    return this.node.status();
  }

  /** A page of the node's log, or null when its protocol keeps none. */
  log(from: number, limit: number): LogPage | null {
    return this.node.log?.(from, limit) ?? null;
  }

  /** The clocks to hand to the next incarnation after a crash. */
  clocks(): LogicalClocks {
    return { lamport: this.lamport, vclock: this.vclock, vc: this.vc };
  }

  #tickVector(): void {
    this.vc++;
    if (!this.#vectors) return;
    if (this.#own) {
      (this.#vclock as Record<string, number>)[this.id] = this.vc;
      return;
    }
    const v: Record<string, number> = { ...this.#vclock };
    v[this.id] = this.vc;
    this.#vclock = v;
    this.#own = true;
  }
}
