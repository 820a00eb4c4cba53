/**
 * The Worker cluster: every node of a protocol in its own Web Worker, every message
 * between them through a fault-injecting {@link Router} on the main thread. It is the
 * real-time twin of the simulator (`simulator.ts`) with the same semantics: the same
 * fault model ({@link Network}), crash / restart from durable storage, pause (gray
 * failure), clock skew and drift, Byzantine node modes (rewritten on the same message
 * path as the simulator's), and the same trace events.
 *
 * Storage: without `dataDir` each node keeps its storage in memory and ships every
 * synced write to the main thread, which mirrors it, so a crashed (terminated) Worker
 * restarts from exactly what it had synced. With `dataDir` each Worker opens its own
 * file store `<dataDir>/<id>.log` (one fsync per batch) and nothing is mirrored.
 *
 * Client requests: {@link Cluster.request} answers `fail` (definitely not done) when the
 * node is down or crashes before the request reached it, and `info` (outcome unknown)
 * when the node crashes, or the cluster closes, after the request reached it. There is
 * no timeout here: a node that never answers leaves the promise pending until it
 * crashes or the cluster closes; callers that need a deadline add one. Requests sent to a
 * node in one turn of the event loop reach it in one message (posted by `setImmediate`,
 * or before any other message to it, so the order is kept): under load one post and one
 * Worker wake-up carry many requests.
 *
 * @example
 * ```ts
 * import { startCluster } from "./worker_cluster.ts";
 * const cluster = await startCluster({ protocol: "heartbeat", nodes: 3, seed: 1 });
 * cluster.crash("n3");
 * // …a little later the others suspect n3
 * (await cluster.status("n1")).suspects;
 * await cluster.restart("n3");
 * await cluster.close();
 * ```
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type {
  AnyProtocol,
  ClientRequest,
  LogPage,
  NodeId,
  NodeStatus,
  Reply,
} from "../protocols/node.ts";
import { createRng, type Rng } from "../protocols/random.ts";
import { fail, info } from "../protocols/reply.ts";
import { localTime, setClock } from "./faults/clock_skew.ts";
import { type ByzantineMode, byzantineOf } from "./faults/byzantine.ts";
import { Network } from "./faults/network.ts";
import { checkNodeIds } from "./faults/topology.ts";
import type { TraceEvent } from "./trace.ts";
import { EventListeners } from "./worker/event_listeners.ts";
import type { Runtime } from "./runtime.ts";
import { type CounterSnapshot, LinkCounters } from "./worker/link_counters.ts";
import { loadProtocol, specName } from "./worker/load_protocol.ts";
import { applyDeltas } from "./worker/mirrored_disk.ts";
import { outputEvents } from "./worker/output_events.ts";
import { SendFirst } from "./worker/send_first.ts";
import { WorkerGroups } from "./worker/worker_groups.ts";
import { type InFlight, Router } from "./worker/router.ts";
import { createSlot, type Slot } from "./worker/slot.ts";
import { type NodeWorker, spawnProcessNode } from "./process/process_worker.ts";
import {
  type BacklogView,
  type ClockState,
  type ClusterOptions,
  DEFAULT_MAX_BACKLOG,
  type DiskFaultView,
  type EventOptions,
  MAX_CLUSTER_NODES,
  NoDataDirError,
  NodeCorruptedError,
  type NodeInfo,
  NodeStateError,
} from "./worker/cluster_types.ts";
import { changeDiskFaults, isNoDiskFaults } from "./storage/file_faults.ts";
import type { DiskFaultKind } from "../protocols/storage.ts";
import { claimClockCell } from "./worker/clock_cell.ts";
import type {
  FromWorker,
  InitMessage,
  OutputMessage,
  ToWorker,
  WireDelivery,
} from "./worker_protocol.ts";

export type { BacklogView, ClockState, ClusterOptions, EventOptions, NodeInfo };
export { DEFAULT_MAX_BACKLOG, MAX_CLUSTER_NODES, NodeCorruptedError, NodeStateError };

const WORKER_URL = new URL("./worker_node.ts", import.meta.url).href;

const CRASHED: NodeStatus = { role: "crashed" };

/** How long {@link Cluster.faultsInForce} waits at most for every node's acknowledgement. */
const FAULTS_ACK_MS = 5_000;

/** The longest an outbox is held for the node's answers (`#outboxTurn`), ms. */
const HOLD_MS = 2;

/** An outbox this long is posted at once, held or not. */
const MAX_BATCH = 512;

function trueNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A running cluster of Worker nodes. Create one with {@link startCluster}.
 * Methods given an unknown node id throw (or reject with) `unknown node 'n9' (nodes: …)`.
 *
 * @example
 * ```ts
 * import { startCluster } from "./worker_cluster.ts";
 * const cluster = await startCluster({ protocol: "register", nodes: 3, seed: 1 });
 * await cluster.request("n2", { f: "write", key: "x", value: 1 }); // { type: "ok" }
 * cluster.pause("n3");
 * (await cluster.info("n3")).paused; // true
 * await cluster.close();
 * ```
 */
export class Cluster implements Runtime {
  /** The shared fault model: partition, isolate, cut, addRule, heal, state, … */
  readonly network: Network;
  readonly #o: ClusterOptions;
  readonly #slots = new Map<NodeId, Slot>();
  #ids: NodeId[];
  readonly #router: Router;
  readonly #counters = new LinkCounters();
  readonly #listeners = new EventListeners((on) => this.#setTracing(on));
  readonly #t0 = performance.now();
  #protocolName: string;
  #descriptor: AnyProtocol | undefined = undefined;
  #tickMs = 0;
  #nextId = 1;
  #nextIndex: number;
  #started = false;
  /** Nodes spawned now start held (see {@link start}). */
  #startHeld = false;
  #closed = false;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Outboxes held for the node's answers (`#outboxTurn`), with their fallback timer. */
  readonly #holding = new Map<Slot, ReturnType<typeof setTimeout>>();
  /** Bumped at every change of the fault rules (pushed to nodes that apply them). */
  #faultsVersion = 0;
  readonly #maxBacklog: number;
  #backlogDropped = 0;
  #backlogRefused = 0;
  /**
   * Whether the nodes' Workers send to each other over direct ports (the data plane off
   * the main thread) rather than through {@link Router}.
   */
  readonly #direct: boolean;
  /** Orders the trace of direct links: a send before its delivery. */
  readonly #order: SendFirst;
  /** Workers that host several nodes each, or null: a Worker per node. */
  readonly #groups: WorkerGroups | null;
  /** Nodes per Worker (1: a Worker of its own each). */
  readonly #perWorker: number;
  /** Callers waiting for the current fault rules to be in force at every node. */
  #inForce: (() => void)[] = [];

  /** Use {@link startCluster}. */
  constructor(o: ClusterOptions) {
    this.#o = o;
    this.#maxBacklog = o.maxBacklog ?? DEFAULT_MAX_BACKLOG;
    if (!(Number.isSafeInteger(this.#maxBacklog) && this.#maxBacklog >= 1)) {
      throw new RangeError(`maxBacklog must be a positive integer, got ${o.maxBacklog}`);
    }
    this.#protocolName = specName(o.protocol);
    this.#direct = o.links !== "routed" && o.processes !== true && o.external === undefined;
    this.#order = new SendFirst((e) => this.#listeners.emit(e), () => this.#now());
    const ids = typeof o.nodes === "number"
      ? Array.from({ length: o.nodes }, (_, i) => `n${i + 1}`)
      : [...o.nodes];
    if (ids.length === 0) throw new Error("a cluster needs at least one node");
    if (ids.length > MAX_CLUSTER_NODES) {
      throw new Error(`a cluster has at most ${MAX_CLUSTER_NODES} nodes`);
    }
    checkNodeIds(ids);
    if (new Set(ids).size !== ids.length) throw new Error("node ids must be distinct");
    this.#ids = ids;
    this.#nextIndex = ids.length;
    this.#perWorker = o.nodesPerWorker ?? defaultNodesPerWorker(ids.length);
    if (!(Number.isSafeInteger(this.#perWorker) && this.#perWorker >= 1)) {
      throw new RangeError(`nodesPerWorker must be a positive integer, got ${o.nodesPerWorker}`);
    }
    if (this.#perWorker > 1 && !this.#direct) {
      throw new Error(
        "several nodes per Worker need direct links (not routed, processes or external)",
      );
    }
    this.#groups = this.#perWorker > 1 ? new WorkerGroups(new URL(WORKER_URL)) : null;
    const rng = createRng(o.seed);
    const random = () => rng.next();
    // A stream of its own for what drives the cluster, so clients never shift the network's.
    this.rng = createRng(o.seed * 104_729 + 31);
    // Real Workers already pay a real hop; add no simulated delay unless asked.
    this.network = new Network(ids, random, o.network ?? {});
    ids.forEach((id, index) => {
      this.#slots.set(id, createSlot(id, index, o.options ?? {}, o.dataDir === undefined));
      this.#groups?.place(id, Math.floor(index / this.#perWorker));
    });
    this.#router = new Router({
      network: this.network,
      random,
      counters: this.#counters,
      now: () => this.#now(),
      isMember: (id) => this.#slots.has(id),
      sink: (to, batch) => this.#arrive(to, batch),
      trace: (e) => this.#emit(e),
      // The same per-runtime state the nemesis sets (`byzantineOf(runtime)`).
      byzantine: byzantineOf(this),
    });
    if (o.external !== undefined || this.#direct) {
      this.network.watch(() => {
        this.#faultsVersion++;
        const m = this.#faults();
        for (const s of this.#slots.values()) {
          if (s.worker !== null && this.#selfSending(s)) s.worker.postMessage(m);
        }
      });
    }
  }

  /** Every node id, in order (nodes added later come last). */
  get nodes(): readonly NodeId[] {
    return this.#ids;
  }

  /** The protocol's name (once a node has started), else the spec it was started with. */
  get protocol(): string {
    return this.#protocolName;
  }

  /** How often each node ticks, in ms (known once a node has started). */
  get tickMs(): number {
    return this.#tickMs;
  }

  /** The protocol's descriptor, loaded on this thread too (known once started). */
  get descriptor(): AnyProtocol | undefined {
    return this.#descriptor;
  }

  /** Starts every node; resolves when all are ready. Called by {@link startCluster}. */
  async start(): Promise<void> {
    if (this.#started) throw new Error("the cluster is already started");
    this.#started = true;
    this.#descriptor = await loadProtocol(this.#o.protocol);
    this.#router.setMessageSchema(this.#descriptor.messages);
    if (this.#descriptor.byzantine !== undefined) {
      byzantineOf(this).liar = this.#descriptor.byzantine.lie;
    }
    // A large cluster starts its Workers over seconds: nodes that ticked meanwhile would
    // campaign to peers not there yet and pile up messages. They start held, and are all
    // let go together once every one is ready.
    this.#startHeld = this.#groups !== null;
    const results = await Promise.allSettled([...this.#slots.values()].map((s) => this.#spawn(s)));
    if (this.#startHeld) {
      this.#startHeld = false;
      for (const s of this.#slots.values()) this.#post(s, { type: "resume" });
    }
    // A node with corrupted storage stays down, said loudly; anything else fails the start.
    const failed = results.find((r) =>
      r.status === "rejected" && !(r.reason instanceof NodeCorruptedError)
    );
    if (failed !== undefined) {
      await this.close();
      throw (failed as PromiseRejectedResult).reason;
    }
    for (const s of this.#slots.values()) {
      if (s.corrupted !== null) {
        this.#emit({ time: this.#now(), kind: "crash", node: s.id, reason: s.corrupted });
      }
    }
  }

  /** Milliseconds since the cluster was created (the time of trace events and the router). */
  now(): number {
    return this.#now();
  }

  /** The seeded random source of what drives the cluster (clients of a workload). */
  readonly rng: Rng;

  /** Runs `fn` after `ms` of real time, unless the cluster is closed by then. */
  after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(t);
  }

  /** Runs `fn` when {@link now} reaches `time` (a timer; at once if it has passed). */
  at(time: number, fn: () => void): void {
    this.after(Math.max(0, time - this.#now()), fn);
  }

  /** {@link request} with a callback, as the runtime interface has it. */
  submit(node: NodeId, op: unknown, client: number, onReply: (reply: Reply) => void): void {
    this.request(node, op, client).then(
      onReply,
      (e) => onReply(info("timeout", e instanceof Error ? e.message : String(e))),
    );
  }

  /** Every trace event, message events included (the runtime interface's view). */
  onTrace(fn: (e: TraceEvent) => void): () => void {
    return this.onEvent(fn, { messages: true });
  }

  /**
   * Sends a client operation to `node` and resolves with its reply. A down node, or one
   * that crashes before the request reached it, gives `fail`; a crash after, `info`.
   *
   * `signal` lets a caller that stops waiting (a timeout) withdraw the request: one still
   * held by a paused node is then never delivered, and the promise resolves `fail`; one
   * the node already has resolves `info`, since it may still be applied.
   */
  request(node: NodeId, op: unknown, client = 0, signal?: AbortSignal): Promise<Reply> {
    const s = this.#slot(node);
    if (this.#closed) return Promise.resolve(fail("node-down", "the cluster is closed"));
    if (s.worker === null) return Promise.resolve(fail("node-down", `node ${node} is down`));
    if (signal?.aborted) {
      return Promise.resolve(fail("temporarily-unavailable", "request withdrawn"));
    }
    if (s.paused && s.held.length >= this.#maxBacklog) {
      this.#backlogRefused++;
      return Promise.resolve(
        fail(
          "temporarily-unavailable",
          `node ${node} is paused with ${s.held.length} requests held`,
        ),
      );
    }
    const req: ClientRequest<unknown> = { id: this.#nextId++, client, op };
    const reply = new Promise<Reply>((resolve) => s.replies.set(req.id, resolve));
    if (this.#tracing) this.#emit({ time: this.#now(), kind: "request", node, body: op });
    if (s.paused) s.held.push(req);
    // HTTP requests each run in their own turn of the event loop, so a microtask would post
    // them one by one; `setImmediate` runs after the turn's I/O and so gathers many (a 0 ms
    // timer would too, but costs a millisecond or more of latency).
    else if (s.outbox.push(req) === 1) setImmediate(() => this.#outboxTurn(s));
    signal?.addEventListener("abort", () => this.#withdraw(s, req.id), { once: true });
    return reply;
  }

  /**
   * Hands `body` to `to` as if `from` had sent it, bypassing the network (a forged
   * message: e.g. Raft's `timeout-now`, to make a node start an election at once).
   */
  inject(to: NodeId, from: NodeId, body: unknown): void {
    const s = this.#slot(to);
    if (s.worker === null || this.#closed) return;
    const m: InFlight = { time: this.#now(), seq: -1, from, to, body, lamport: 0, vclock: {} };
    this.#counters.add(from, to, "sent");
    if (s.paused) this.#hold(s, m);
    else this.#deliver(s, [m], []);
  }

  /**
   * The node's protocol status; `{ role: "crashed" }` when it is down, or
   * `{ role: "corrupted", reason }` when it stays down because its storage is corrupted.
   */
  status(node: NodeId): Promise<NodeStatus> {
    const s = this.#slot(node);
    if (s.worker === null || this.#closed) {
      return Promise.resolve(
        s.corrupted !== null
          ? { role: "corrupted", reason: s.corrupted }
          : s.stopped !== null
          ? { role: "crashed", reason: s.stopped }
          : CRASHED,
      );
    }
    // A frozen process answers nothing: it shows what it said last.
    if (s.paused && s.worker.signal !== undefined) {
      return Promise.resolve(s.lastStatus ?? { role: "paused" });
    }
    const id = this.#nextId++;
    const answer = new Promise<NodeStatus>((resolve) => s.statusWaiters.set(id, resolve));
    this.#post(s, { type: "status", id });
    return answer;
  }

  /**
   * Up to `limit` entries of `node`'s log from index `from` (null: its protocol keeps no
   * log). Throws a {@link NodeStateError} while the node is down.
   */
  log(node: NodeId, from: number, limit: number): Promise<LogPage | null> {
    const s = this.#slot(node);
    if (s.worker === null || !s.ready) {
      return Promise.reject(new NodeStateError(node, "crashed", `node ${node} is down`));
    }
    if (s.paused && s.worker.signal !== undefined) {
      return Promise.reject(new NodeStateError(node, "paused", `node ${node} is frozen`));
    }
    const id = this.#nextId++;
    const answer = new Promise<LogPage | null | undefined>((resolve) =>
      s.logWaiters.set(id, resolve)
    );
    this.#post(s, { type: "log", id, from, limit });
    return answer.then((page) => {
      if (page === undefined) throw new NodeStateError(node, "crashed", `node ${node} went down`);
      return page;
    });
  }

  /** Up, paused, status and last sign of life of one node. */
  async info(node: NodeId): Promise<NodeInfo> {
    const s = this.#slot(node);
    const status = await this.status(node);
    const lastSeenMs = s.worker === null || s.lastSeen === null
      ? null
      : Math.max(0, Math.round(this.#now() - s.lastSeen));
    const pid = s.worker !== null && "pid" in s.worker ? { pid: s.worker.pid as number } : {};
    const byzantine = byzantineOf(this).modeOf(node);
    const disk = this.#o.dataDir === undefined ? {} : { disk: this.diskFaults(node) };
    return {
      id: node,
      up: s.worker !== null,
      paused: s.paused,
      status,
      lastSeenMs,
      byzantine,
      ...pid,
      ...disk,
    };
  }

  /**
   * Sets a storage fault on a node's file store: `kind` with a `probability` (each chance,
   * until changed; 0 removes it), or once (its next chance), or (`none`) clears them all.
   * Kept across restarts (a one-shot until the node reports it used).
   * Published as a `fault` event with `data.disk`. Throws {@link NoDataDirError} without
   * `dataDir`, and a plain Error on an unknown kind or a probability outside [0, 1].
   */
  setDiskFault(node: NodeId, kind: DiskFaultKind | "none", probability?: number): DiskFaultView {
    const s = this.#slot(node);
    if (this.#o.dataDir === undefined) throw new NoDataDirError();
    s.disk = changeDiskFaults(s.disk, kind, probability);
    if (s.worker !== null) this.#post(s, { type: "disk", setting: s.disk });
    const change = probability === undefined ? { fault: kind } : { fault: kind, probability };
    this.#emit({ time: this.#now(), kind: "fault", node, data: { disk: change } });
    return this.diskFaults(node);
  }

  /**
   * The storage faults set on a node's file store, and those injected so far. Throws
   * {@link NoDataDirError} without `dataDir`.
   */
  diskFaults(node: NodeId): DiskFaultView {
    const s = this.#slot(node);
    if (this.#o.dataDir === undefined) throw new NoDataDirError();
    return { faults: s.disk.faults, once: s.disk.once, injected: { ...s.diskInjected } };
  }

  /** {@link info} of every node, in order. */
  statuses(): Promise<NodeInfo[]> {
    return Promise.all(this.nodes.map((id) => this.info(id)));
  }

  /** Whether the node is running (not crashed). */
  isUp(node: NodeId): boolean {
    return this.#slot(node).worker !== null;
  }

  /** Whether the node is paused. */
  isPaused(node: NodeId): boolean {
    return this.#slot(node).paused;
  }

  /**
   * Crashes a node: its Worker is terminated, so its volatile state and unsynced writes
   * are lost; messages to it are dropped until it restarts. No-op if it is down.
   */
  crash(node: NodeId): void {
    const s = this.#slot(node);
    if (s.worker === null || this.#closed) return;
    this.#kill(s, "node crashed");
    this.#emit({ time: this.#now(), kind: "crash", node });
  }

  /**
   * Restarts a crashed node in a new Worker: it recovers from its durable storage and
   * continues its logical clocks from the last ones the router saw. No-op if it is up.
   * Rejects with {@link NodeCorruptedError} (the node stays down) if its storage is
   * corrupted.
   */
  async restart(node: NodeId): Promise<void> {
    const s = this.#slot(node);
    if (this.#closed) throw new Error("the cluster is closed");
    if (s.worker !== null) return;
    s.incarnation++;
    try {
      await this.#spawn(s);
    } catch (e) {
      if (e instanceof NodeCorruptedError) {
        this.#emit({ time: this.#now(), kind: "crash", node, reason: s.corrupted ?? e.message });
      }
      throw e;
    }
    this.#emit({ time: this.#now(), kind: "restart", node });
  }

  /**
   * Pauses a node (gray failure): it stops ticking and the router holds its messages and
   * client requests until {@link resume}. No-op if it is down or already paused.
   */
  pause(node: NodeId): void {
    const s = this.#slot(node);
    if (s.worker === null || s.paused || this.#closed) return;
    s.paused = true;
    this.#post(s, { type: "pause" });
    if (s.worker.signal !== undefined) {
      // A process node is frozen for real; whoever waits on it gets its last word now.
      s.worker.signal("SIGSTOP");
      for (const resolve of s.statusWaiters.values()) resolve(s.lastStatus ?? { role: "paused" });
      s.statusWaiters.clear();
      for (const resolve of s.logWaiters.values()) resolve(undefined);
      s.logWaiters.clear();
    }
    this.#emit({ time: this.#now(), kind: "pause", node });
  }

  /** Resumes a paused node: the held messages, then the held requests, arrive in order. */
  resume(node: NodeId): void {
    const s = this.#slot(node);
    if (!s.paused || s.worker === null || this.#closed) return;
    s.paused = false;
    s.worker.signal?.("SIGCONT");
    this.#emit({ time: this.#now(), kind: "resume", node });
    const deliveries = s.backlog;
    const requests = s.held;
    s.backlog = [];
    s.held = [];
    s.heldInWorker = 0; // the Worker takes them in now (its next report says so too)
    if (deliveries.length > 0 || requests.length > 0) this.#deliver(s, deliveries, requests);
    this.#post(s, { type: "resume" });
  }

  /** The node's current clock skew and drift. */
  clock(node: NodeId): ClockState {
    const s = this.#slot(node);
    const t = trueNow();
    return { skewMs: localTime(s.clock, t) - t, drift: s.clock.drift };
  }

  /**
   * Adds a node (the topology changes): a new Worker whose peers are every current node,
   * started with the cluster's options plus `options` (e.g. Raft's `join: true`). The
   * protocol itself learns of it however it does (for Raft: an `add-node` request to the
   * leader). Rejects if the id is taken or the node cannot start.
   */
  async addNode(id: NodeId, options: Readonly<Record<string, unknown>> = {}): Promise<void> {
    if (this.#closed) throw new Error("the cluster is closed");
    checkNodeIds([id]);
    if (this.#slots.has(id)) throw new Error(`node '${id}' already exists`);
    if (this.#o.external !== undefined) {
      // Its peers would need its address, and it theirs: not yet.
      throw new Error("nodes that run on their own (--external) are fixed when the cluster starts");
    }
    if (this.#slots.size >= MAX_CLUSTER_NODES) {
      throw new Error(`a cluster has at most ${MAX_CLUSTER_NODES} nodes`);
    }
    const s = createSlot(
      id,
      this.#nextIndex++,
      { ...this.#o.options, ...options },
      !this.#o.dataDir,
    );
    this.#slots.set(id, s);
    this.#groups?.place(id, Math.floor(s.index / this.#perWorker));
    this.#ids = [...this.#ids, id];
    this.network.setNodes(this.#ids);
    try {
      await this.#spawn(s);
    } catch (e) {
      this.#forget(s);
      throw e;
    }
    this.#emit({ time: this.#now(), kind: "member", node: id, data: { action: "add" } });
  }

  /**
   * Removes a node: its Worker is stopped (after flushing its storage) and messages to it
   * are dropped from now on. Tell the protocol first (for Raft: `remove-node`).
   */
  async removeNode(id: NodeId): Promise<void> {
    const s = this.#slot(id);
    if (this.#ids.length === 1) throw new Error("cannot remove the last node");
    await this.#stop(s);
    this.#forget(s);
    // Its data is obsolete: set aside (kept for inspection), so a node added again under
    // the same id starts empty and catches up as a new member, as etcd requires.
    if (this.#o.dataDir !== undefined) await setAside(`${this.#o.dataDir}/${id}.log`);
    this.#emit({ time: this.#now(), kind: "member", node: id, data: { action: "remove" } });
  }

  /** Records an event from outside the nodes (a nemesis action) as a trace event. */
  note(node: NodeId, kind: string, data?: unknown): void {
    this.#emit({ time: this.#now(), kind, node, data });
  }

  /** Sets a node's clock skew (ms) and/or drift (rate error); kept across restarts. */
  setClock(node: NodeId, change: { skew?: number; drift?: number }): void {
    const s = this.#slot(node);
    s.clock = setClock(s.clock, trueNow(), change);
    if (s.worker !== null) this.#post(s, { type: "clock", clock: s.clock });
    this.#emit({ time: this.#now(), kind: "fault", node, data: { clock: change } });
  }

  /**
   * Makes a node Byzantine in `mode`, or (null) correct again: from now on what it sends
   * is rewritten on its way out (see `faults/byzantine.ts`), whatever its Worker does.
   * Kept across restarts; published as a `fault` event (`data.byzantine`: the mode or
   * `"honest"`).
   */
  setByzantine(node: NodeId, mode: ByzantineMode | null): void {
    const s = this.#slot(node);
    byzantineOf(this).set(node, mode);
    // A node that sends to its peers itself rewrites its own messages.
    if (s.worker !== null && this.#selfSending(s)) {
      s.worker.postMessage({ type: "byzantine", mode });
    }
    this.#emit({
      time: this.#now(),
      kind: "fault",
      node,
      data: { byzantine: mode ?? "honest" },
    });
  }

  /** The node's Byzantine mode, or null while it is correct. */
  byzantineMode(node: NodeId): ByzantineMode | null {
    this.#slot(node);
    return byzantineOf(this).modeOf(node);
  }

  /**
   * Observes trace events: crash, restart, pause, resume, fault, member and the
   * protocol's own, and (unless `options.messages` is false) send, deliver, drop,
   * duplicate, request and reply. Returns the unsubscribe function. Message events cost a
   * little, so they are produced only while someone wants them.
   */
  onEvent(listener: (e: TraceEvent) => void, options: EventOptions = {}): () => void {
    return this.#listeners.add(listener, options.messages ?? true);
  }

  /**
   * Resolves once every running node applies the current fault rules: at once when the
   * router applies them (it sees every message); with direct links, when each Worker has
   * acknowledged the newest version (or gone down). The API answers a fault change only
   * then, so that a partition it acknowledged is in force on every link.
   */
  faultsInForce(): Promise<void> {
    if (this.#faultsPending() === 0) return Promise.resolve();
    return new Promise((resolve) => {
      // A node that does not answer (its process frozen from outside) must not hold the
      // API forever: after FAULTS_ACK_MS the answer goes out; the node applies the rules
      // when it reads them.
      const timer = setTimeout(done, FAULTS_ACK_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#inForce.push(done);
    });
  }

  /** Running nodes that apply the fault rules themselves and have not acknowledged the newest. */
  get faultsUnacknowledged(): number {
    return this.#faultsPending();
  }

  /** Whether nodes send to each other over direct ports, off the main thread. */
  get directLinks(): boolean {
    return this.#direct;
  }

  /** Messages sent, delivered, dropped and duplicated, in total and per link. */
  counters(): CounterSnapshot {
    return this.#counters.snapshot();
  }

  /** Batches the router has handed on (one per destination per firing; a measure of batching). */
  get batches(): number {
    return this.#router.batches;
  }

  /** What paused nodes hold now, the limit, and what it dropped (see {@link ClusterOptions.maxBacklog}). */
  backlog(): BacklogView {
    let messages = 0, requests = 0;
    for (const s of this.#slots.values()) {
      messages += s.backlog.length + s.heldInWorker;
      requests += s.held.length;
    }
    return {
      messages,
      requests,
      limit: this.#maxBacklog,
      dropped: this.#backlogDropped,
      refused: this.#backlogRefused,
    };
  }

  /** Copies the router holds in its queue (not counting paused nodes' backlogs). */
  get inFlight(): number {
    return this.#router.inFlight;
  }

  /** What is still running: live Workers and whether the router's timer is armed. */
  activity(): { workers: number; routerTimer: boolean } {
    let workers = 0;
    for (const s of this.#slots.values()) if (s.worker !== null) workers++;
    return { workers, routerTimer: this.#router.armed };
  }

  /** Worker threads the nodes run on (fewer than the nodes when they share Workers). */
  get threads(): number {
    if (this.#groups !== null) return this.#groups.workers;
    let n = 0;
    for (const s of this.#slots.values()) if (s.worker !== null) n++;
    return n;
  }

  /**
   * Stops everything: the router's timer, then every Worker after it has flushed its
   * storage (or after `closeTimeoutMs`). Pending requests resolve `info`. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const t of this.#holding.values()) clearTimeout(t);
    this.#holding.clear();
    this.#router.close();
    await Promise.all([...this.#slots.values()].map((s) => this.#stop(s)));
    this.#order.close();
    this.#groups?.close();
    this.#listeners.clear();
  }

  // --- internals ---------------------------------------------------------------------

  get #tracing(): boolean {
    return this.#listeners.messages;
  }

  #now(): number {
    return performance.now() - this.#t0;
  }

  #slot(id: NodeId): Slot {
    const s = this.#slots.get(id);
    if (s === undefined) {
      throw new Error(`unknown node '${id}' (nodes: ${this.nodes.join(", ")})`);
    }
    return s;
  }

  /** Drops a removed node's slot. */
  #forget(s: Slot): void {
    this.#kill(s, "node removed");
    this.#slots.delete(s.id);
    byzantineOf(this).set(s.id, null); // a node added again under its id starts correct
    this.#ids = this.#ids.filter((id) => id !== s.id);
    this.network.setNodes(this.#ids);
    if (this.#groups !== null) this.#groups.place(s.id, null);
    else if (this.#direct) {
      for (const p of this.#slots.values()) {
        p.worker?.postMessage({ type: "peer", peer: s.id, port: null, removed: true });
      }
    }
  }

  /** A request the caller gave up on: never deliver it if still held, stop waiting. */
  #withdraw(s: Slot, requestId: number): void {
    const resolve = s.replies.get(requestId);
    if (resolve === undefined) return;
    s.replies.delete(requestId);
    const held = s.held.findIndex((r) => r.id === requestId);
    if (held >= 0) {
      s.held.splice(held, 1);
      resolve(fail("temporarily-unavailable", "request withdrawn before it reached the node"));
    } else {
      resolve(info("timeout", "request withdrawn after it reached the node"));
    }
  }

  #spawn(s: Slot): Promise<void> {
    const epoch = ++s.epoch;
    const external = this.#o.external?.has(s.id) === true;
    const worker: NodeWorker = external
      ? this.#o.external!.attach(s.id)
      : this.#o.processes === true
      ? spawnProcessNode(s.id)
      : this.#groups !== null
      ? this.#groups.attach(s.id)
      : new Worker(WORKER_URL, { type: "module", name: s.id });
    s.worker = worker;
    s.ready = false;
    s.paused = false;
    s.lastSeen = this.#now();
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.#onMessage(s, epoch, e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault(); // a failing node must not take the main thread with it
      this.#onMessage(s, epoch, { type: "failed", error: e.message });
    };
    worker.onmessageerror = () => {
      this.#onMessage(s, epoch, { type: "failed", error: "a message could not be decoded" });
    };
    const started = new Promise<void>((resolve, reject) => {
      s.starting = { resolve, reject };
    });
    const o = this.#o;
    // From now on only this incarnation's clocks count: the last one may still run a task.
    claimClockCell(s.clockCell, s.incarnation);
    const init: InitMessage = {
      type: "init",
      id: s.id,
      peers: this.#ids.filter((p) => p !== s.id),
      protocol: o.protocol,
      options: s.options,
      // The first incarnation uses seed + index; later ones must not replay its choices.
      seed: s.incarnation === 0 ? o.seed + s.index : `${o.seed}:${s.id}:${s.incarnation}`,
      clock: s.clock,
      storage: s.mirror === null
        ? { kind: "file", dir: o.dataDir!, ...(isNoDiskFaults(s.disk) ? {} : { faults: s.disk }) }
        : { kind: "memory", entries: [...s.mirror] },
      clocks: s.clocks,
      paused: this.#startHeld,
      tracing: this.#tracing,
      // A vector with an entry per node on every message costs O(N) per message: large
      // clusters (a Worker per group of nodes) keep only each node's own entry.
      ...(this.#groups !== null ? { vectorClocks: false } : {}),
      ...(this.#direct
        ? {
          direct: {
            epoch: performance.timeOrigin + this.#t0,
            maxBacklog: this.#maxBacklog,
            clockCell: s.clockCell,
            clockWriter: s.incarnation,
          },
        }
        : {}),
      ...(external ? { maxBacklog: this.#maxBacklog } : {}),
    };
    worker.postMessage(init);
    // A node that sends to its peers itself applies the fault rules on its side.
    if (external || this.#direct) {
      s.faultsAck = -1;
      worker.postMessage(this.#faults());
      const mode = byzantineOf(this).modeOf(s.id); // kept across restarts
      if (mode !== null) worker.postMessage({ type: "byzantine", mode });
    }
    if (this.#groups !== null) this.#groups.setUp(s.id, true);
    else if (this.#direct) this.#connect(s, worker as Worker);
    // Generous: see ClusterOptions.startTimeoutMs (a cold first start on a busy machine).
    const ms = o.startTimeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      if (s.epoch === epoch && s.starting !== null) {
        this.#fail(s, `node ${s.id} did not start within ${ms} ms`);
      }
    }, ms);
    const stopTimer = () => clearTimeout(timer);
    started.then(stopTimer, stopTimer);
    return started;
  }

  #onMessage(s: Slot, epoch: number, m: FromWorker): void {
    if (epoch !== s.epoch) return; // from an incarnation that is gone
    switch (m.type) {
      case "output":
        s.lastSeen = this.#now(); // a sign of life (a status answer is not: paused nodes give those)
        return this.#onOutput(s, m);
      case "ready":
        s.ready = true;
        s.corrupted = null; // repaired by hand (the damaged file moved away)
        s.stopped = null;
        this.#protocolName = m.protocol;
        this.#tickMs = m.tickMs;
        s.starting?.resolve();
        s.starting = null;
        return;
      case "status": {
        s.lastStatus = m.status;
        const w = s.statusWaiters.get(m.id);
        s.statusWaiters.delete(m.id);
        w?.(m.status);
        return;
      }
      case "log": {
        const w = s.logWaiters.get(m.id);
        s.logWaiters.delete(m.id);
        w?.(m.page);
        return;
      }
      case "failed":
        if (m.storageCorrupted === true) {
          s.corrupted = m.error;
          return this.#fail(s, new NodeCorruptedError(s.id, m.error));
        }
        if (m.storageFault !== undefined) {
          // Its disk failed: a node that must stay down until restarted, not a bug (409).
          return this.#fail(
            s,
            new NodeStateError(s.id, "crashed", `node ${s.id} failed: ${m.error}`),
          );
        }
        return this.#fail(s, `node ${s.id} failed: ${m.error}`);
      case "disk-fault":
        s.diskInjected[m.kind] = (s.diskInjected[m.kind] ?? 0) + 1;
        s.disk = { faults: s.disk.faults, once: s.disk.once.filter((k) => k !== m.kind) };
        this.#emit({
          time: this.#now(),
          kind: "fault",
          node: s.id,
          data: { disk: { injected: m.kind } },
        });
        return;
      case "closed":
        s.closing?.();
        return;
      case "links": {
        // A node that sent to its peers itself: its counts and its sending side's events
        // (a Worker stamps them in cluster time; a process's clock is its own).
        for (const [from, to, kind, n] of m.counts) this.#counters.add(from, to, kind, n);
        if (m.held !== undefined) s.heldInWorker = m.held;
        this.#backlogDropped += m.heldDropped ?? 0;
        if (this.#tracing) {
          for (const e of m.events) this.#emit(this.#direct ? e : { ...e, time: this.#now() });
        }
        return;
      }
      case "faults-ack":
        s.faultsAck = Math.max(s.faultsAck, m.version);
        return this.#checkInForce();
    }
  }

  /** Whether `s` sends to its peers itself and so applies the fault rules on its side. */
  #selfSending(s: Slot): boolean {
    return this.#direct || this.#o.external?.has(s.id) === true;
  }

  /** Running self-sending nodes that have not yet acknowledged the current rules. */
  #faultsPending(): number {
    if (!this.#direct && this.#o.external === undefined) return 0; // the router applies them
    let n = 0;
    for (const s of this.#slots.values()) {
      if (s.worker !== null && this.#selfSending(s) && s.faultsAck < this.#faultsVersion) n++;
    }
    return n;
  }

  #checkInForce(): void {
    if (this.#inForce.length === 0 || this.#faultsPending() > 0) return;
    const waiting = this.#inForce;
    this.#inForce = [];
    for (const resolve of waiting) resolve();
  }

  /**
   * Gives a new Worker a direct port to every running node, and each of them its end;
   * what either sends before the other has started waits in the port.
   */
  #connect(s: Slot, worker: Worker): void {
    for (const p of this.#slots.values()) {
      if (p === s || p.worker === null) continue;
      const { port1, port2 } = new MessageChannel();
      (p.worker as Worker).postMessage({ type: "peer", peer: s.id, port: port1 }, [port1]);
      worker.postMessage({ type: "peer", peer: p.id, port: port2 }, [port2]);
    }
  }

  /** The fault rules as a node that applies them itself gets them. */
  #faults(): ToWorker {
    return { type: "faults", version: this.#faultsVersion, rules: this.network.rules() };
  }

  /** A node failed to start, threw, or its disk failed: it is down from now on. */
  #fail(s: Slot, failure: string | Error): void {
    const error = typeof failure === "string" ? failure : failure.message;
    s.stopped = error;
    const starting = s.starting;
    s.starting = null;
    if (s.closing !== null) return s.closing();
    this.#kill(s, error);
    if (starting !== null) {
      starting.reject(typeof failure === "string" ? new Error(error) : failure);
    } else if (!this.#closed) {
      this.#emit({ time: this.#now(), kind: "crash", node: s.id, reason: error });
    }
  }

  /** Terminates the Worker and settles everything that waited on it. */
  #kill(s: Slot, why: string): void {
    const wasUp = s.worker !== null;
    s.worker?.terminate();
    s.worker = null;
    if (this.#direct && wasUp) {
      // Its peers drop what they send it (`crashed`) until it runs again with new ports.
      if (this.#groups !== null) this.#groups.setUp(s.id, false);
      else {
        for (const p of this.#slots.values()) {
          if (p !== s) p.worker?.postMessage({ type: "peer", peer: s.id, port: null });
        }
      }
      this.#checkInForce();
    }
    s.epoch++;
    s.ready = false;
    s.paused = false;
    s.lastSeen = null;
    for (const m of s.backlog) this.#drop(m, "crashed");
    s.backlog = [];
    s.heldInWorker = 0;
    for (const r of s.held) {
      s.replies.get(r.id)?.(fail("node-down", `${why} before the request reached it`));
      s.replies.delete(r.id);
    }
    s.held = [];
    // Requests not yet posted count as reached, as if posted just before the end: `info`.
    s.outbox = [];
    for (const resolve of s.replies.values()) resolve(info("crash", why));
    s.replies.clear();
    const down: NodeStatus = s.stopped === null ? CRASHED : { role: "crashed", reason: s.stopped };
    for (const resolve of s.statusWaiters.values()) resolve(down);
    s.statusWaiters.clear();
    for (const resolve of s.logWaiters.values()) resolve(undefined);
    s.logWaiters.clear();
    if (s.starting !== null) {
      s.starting.reject(new NodeStateError(s.id, "crashed", `node ${s.id}: ${why} while starting`));
      s.starting = null;
    }
  }

  async #stop(s: Slot): Promise<void> {
    const worker = s.worker;
    if (s.paused) worker?.signal?.("SIGCONT"); // a frozen process could not flush
    if (worker !== null && s.ready) {
      const ms = this.#o.closeTimeoutMs ?? 2_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        s.closing = resolve;
        timer = setTimeout(resolve, ms);
        worker.postMessage({ type: "close" } satisfies ToWorker);
      });
      clearTimeout(timer);
      s.closing = null;
    }
    this.#kill(s, "the cluster closed");
  }

  /** Applies one output in the contract's order: writes → messages → replies. */
  #onOutput(s: Slot, m: OutputMessage): void {
    if (m.writes !== null && s.mirror !== null) applyDeltas(s.mirror, m.writes);
    // Held here now: the node may send what it held back for these writes.
    if (m.mirror !== undefined) s.worker?.postMessage({ type: "mirrored", id: m.mirror });
    s.clocks = m.clocks;
    if (this.#listeners.any) {
      const events = outputEvents(s.id, this.#now(), m);
      if (this.#direct && m.delivered !== null && m.delivered.length > 0) {
        // Their sends come from other Workers: each delivery waits for its own.
        let k = 0;
        for (const e of events) {
          if (e.kind === "deliver") this.#order.deliver(e, m.delivered[k++]?.sent ?? -1);
          else this.#order.push(e);
        }
      } else for (const e of events) this.#emit(e);
    }
    this.#router.send(s.id, m.messages);
    for (const r of m.replies) {
      const resolve = s.replies.get(r.requestId);
      s.replies.delete(r.requestId);
      if (this.#tracing) {
        this.#emit({ time: this.#now(), kind: "reply", node: s.id, body: r.reply });
      }
      resolve?.(r.reply);
    }
    if (m.replies.length > 0 && this.#holding.has(s)) this.#outboxTurn(s);
  }

  /** The router's sink: due copies for `to`. */
  #arrive(to: NodeId, batch: InFlight[]): void {
    const s = this.#slots.get(to);
    if (s === undefined) {
      for (const m of batch) this.#drop(m, "unknown"); // removed while in flight
    } else if (s.worker === null) {
      for (const m of batch) this.#drop(m, "crashed");
    } else if (s.paused) {
      for (const m of batch) this.#hold(s, m);
    } else {
      this.#deliver(s, batch, []);
    }
  }

  /**
   * Holds `m` for paused `s`; at the limit the oldest held message is dropped first, as a
   * paused process's full receive buffer would drop it, so a long pause holds bounded memory.
   */
  #hold(s: Slot, m: InFlight): void {
    if (s.backlog.length >= this.#maxBacklog) {
      this.#drop(s.backlog.shift()!, "backlog");
      this.#backlogDropped++;
    }
    s.backlog.push(m);
  }

  #deliver(s: Slot, deliveries: InFlight[], requests: ClientRequest<unknown>[]): void {
    const wire: WireDelivery[] = new Array(deliveries.length);
    for (let i = 0; i < deliveries.length; i++) {
      const m = deliveries[i]!;
      this.#counters.add(m.from, s.id, "delivered");
      wire[i] = { from: m.from, body: m.body, lamport: m.lamport, vclock: m.vclock };
    }
    this.#post(s, { type: "inputs", deliveries: wire, requests });
  }

  #drop(m: InFlight, reason: string): void {
    this.#counters.add(m.from, m.to, "dropped");
    if (this.#tracing) {
      this.#emit({
        time: this.#now(),
        kind: "drop",
        node: m.to,
        peer: m.from,
        reason,
        body: m.body,
      });
    }
  }

  #post(s: Slot, m: ToWorker): void {
    if (s.outbox.length > 0) this.#flushOutbox(s);
    s.worker?.postMessage(m);
  }

  /**
   * Posts `s`'s outbox now, or holds it while more requests are already at the node than
   * wait here: then it goes when the node next answers (or after {@link HOLD_MS}). Under
   * load this makes about two batches in flight, each about half the requests, instead of
   * many small ones: every post wakes the node's thread, and every batch costs the leader
   * its replication round, fsyncs and answers (a Raft leader's batching, thesis §10.2.1).
   * Alone, a request is posted at once.
   */
  #outboxTurn(s: Slot): void {
    const queued = s.outbox.length;
    if (queued === 0) return;
    const atNode = s.replies.size - queued - s.held.length;
    if (atNode <= queued || queued >= MAX_BATCH) return this.#flushOutbox(s);
    if (!this.#holding.has(s)) {
      this.#holding.set(s, setTimeout(() => this.#flushOutbox(s), HOLD_MS));
    }
  }

  /** Posts the requests waiting in `s`'s outbox as one `inputs` message. */
  #flushOutbox(s: Slot): void {
    const hold = this.#holding.get(s);
    if (hold !== undefined) {
      clearTimeout(hold);
      this.#holding.delete(s);
    }
    const requests = s.outbox;
    if (requests.length === 0) return;
    s.outbox = [];
    s.worker?.postMessage({ type: "inputs", deliveries: [], requests } satisfies ToWorker);
  }

  #setTracing(on: boolean): void {
    this.#router.tracing = on;
    for (const s of this.#slots.values()) this.#post(s, { type: "tracing", on });
  }

  #emit(e: TraceEvent): void {
    if (this.#direct) this.#order.push(e);
    else this.#listeners.emit(e);
  }
}

/**
 * How many nodes share a Worker by default: one each up to 32 nodes; beyond, about 16
 * Workers in all (a thread per node would cost more in memory and context switches
 * than the nodes' work on a machine of a few cores).
 *
 * @example
 * ```ts
 * import { defaultNodesPerWorker } from "./worker_cluster.ts";
 * defaultNodesPerWorker(5); // 1
 * defaultNodesPerWorker(256); // 16
 * ```
 */
export function defaultNodesPerWorker(nodes: number): number {
  return nodes <= 32 ? 1 : Math.ceil(nodes / 16);
}

/**
 * Starts a cluster and resolves once every node's Worker is ready. Rejects (after
 * stopping whatever started) if a node cannot start: unknown protocol, bad options,
 * unreadable data directory, …
 *
 * @example
 * ```ts
 * import { startCluster } from "./worker_cluster.ts";
 * const cluster = await startCluster({
 *   protocol: "heartbeat", nodes: 3, seed: 7, options: { intervalMs: 20 },
 * });
 * cluster.network.partition([["n1"], ["n2", "n3"]]);
 * await cluster.close();
 * ```
 */
export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const cluster = new Cluster(o);
  await cluster.start();
  return cluster;
}

/** Renames `path` to `path.removed-<time>` if it exists. */
async function setAside(path: string): Promise<void> {
  try {
    await Deno.rename(path, `${path}.removed-${Date.now()}`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}
