/**
 * The deterministic simulator: N nodes of any protocol in one thread, virtual time, one
 * seeded PRNG, an event queue ordered by (time, sequence), and the shared fault model.
 * Same code + same seed + same calls → the same trace, byte for byte.
 *
 * @example
 * ```ts
 * import { Simulation } from "./simulator.ts";
 * import { heartbeat } from "../protocols/heartbeat/mod.ts";
 * const sim = new Simulation({ protocol: heartbeat, nodes: 3, seed: 42, trace: "hash" });
 * sim.crash("n3");
 * sim.runFor(2000);
 * sim.status("n1").suspects; // ["n3"]
 * sim.traceHash(); // the same for seed 42, every time
 * ```
 *
 * @module
 */

import type { AnyProtocol, ClientRequest, NodeId, NodeStatus, Reply } from "../protocols/node.ts";
import type { Runtime } from "./runtime.ts";
import { createRng, type Rng } from "../protocols/random.ts";
import { EventQueue } from "./event_queue.ts";
import { DEFAULT_LINK_FAULTS, type LinkFaults, Network } from "./faults/network.ts";
import { type Integrity, LinkIntegrity } from "./faults/link_integrity.ts";
import { sha256 } from "./faults/hmac_sha256.ts";
import { schemaCheck } from "../protocols/message_schema.ts";
import { localTime, type NodeClock, perfectClock, setClock } from "./faults/clock_skew.ts";
import { type PathSinks, routeMessages } from "./faults/message_path.ts";
import { type ByzantineMode, byzantineOf } from "./faults/byzantine.ts";
import { checkNodeIds } from "./faults/topology.ts";
import { MemoryDisk } from "./storage/memory_disk.ts";
import {
  addFaultCounts,
  type DiskFaultCounts,
  type DiskFaults,
  emptyFaultCounts,
} from "./storage/disk_faults.ts";
import { StorageFault } from "../protocols/storage.ts";
import { type LogicalClocks, NO_VECTOR, NodeHost, type Outgoing } from "./node_host.ts";
import { type TraceEvent, TraceHasher } from "./trace.ts";

/**
 * How a simulation is set up.
 *
 * @example
 * ```ts
 * import type { SimulationOptions } from "./simulator.ts";
 * import { heartbeat } from "../protocols/heartbeat/mod.ts";
 * const o: SimulationOptions = {
 *   protocol: heartbeat,
 *   nodes: ["a", "b", "c"],
 *   seed: 42,
 *   network: { delay: { kind: "constant", ms: 5 } },
 *   trace: "hash",
 * };
 * ```
 */
export interface SimulationOptions {
  readonly protocol: AnyProtocol;
  /** A count (ids `n1…nN`) or the ids. */
  readonly nodes: number | readonly NodeId[];
  readonly seed: number;
  /** Protocol options, passed to every node. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Fault-free network behaviour (default: 1–3 ms uniform delay, FIFO per link). */
  readonly network?: LinkFaults;
  /** Every link's integrity option, on top of `network` (default `none`). */
  readonly integrity?: Integrity;
  /** Nodes that are Byzantine from the start, and how (see `faults/byzantine.ts`). */
  readonly byzantine?: Readonly<Record<NodeId, ByzantineMode>>;
  /** `none` (fastest), `hash` (for `traceHash()`), `full` (also keep every event). */
  readonly trace?: "none" | "hash" | "full";
  /** Storage faults from the start, per node (see `storage/disk_faults.ts`). */
  readonly disk?: Readonly<Record<NodeId, DiskFaults>>;
  /**
   * Virtual ms a sync takes on a node that sent messages `beforeSync` (a Raft leader
   * writing in parallel with replication): those leave at once, the sync completes this
   * much later (a `sync` trace event), and the node's other messages and replies wait
   * for it; a crash meanwhile loses the unsynced writes. Every other sync is instant, as
   * before. Default {@link DEFAULT_SYNC_MS}.
   */
  readonly syncMs?: number;
}

/**
 * The default {@link SimulationOptions.syncMs}: about one fsync of a local SSD.
 *
 * @example
 * ```ts
 * import { DEFAULT_SYNC_MS } from "./simulator.ts";
 * DEFAULT_SYNC_MS; // 1
 * ```
 */
export const DEFAULT_SYNC_MS = 1;

/**
 * Counters of a run.
 *
 * @example
 * ```ts
 * import { Simulation } from "./simulator.ts";
 * import { heartbeat } from "../protocols/heartbeat/mod.ts";
 * const sim = new Simulation({ protocol: heartbeat, nodes: 3, seed: 1 });
 * sim.runFor(1000);
 * sim.stats.delivered <= sim.stats.sent; // true: nothing was duplicated
 * ```
 */
export interface SimStats {
  events: number;
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  ticks: number;
  requests: number;
  replies: number;
  /** Copies refused at the boundary: malformed, corrupt, unauthentic or replayed. */
  rejected: number;
}

/**
 * A node that threw out of a step: the simulator crashed it, and says why.
 *
 * @example
 * ```ts
 * import type { NodeFailure } from "./simulator.ts";
 * const f: NodeFailure = { time: 1234.5, node: "n3", error: "RangeError: log: append at 30 after 28" };
 * ```
 */
export interface NodeFailure {
  readonly time: number;
  readonly node: NodeId;
  readonly error: string;
}

/**
 * A node its storage stopped: a sync or read failed, or a record did not verify. The
 * simulator crashed it (a restart may bring it back; damaged records stop it again).
 *
 * @example
 * ```ts
 * import type { NodeStop } from "./simulator.ts";
 * const s: NodeStop = {
 *   time: 812, node: "n2", kind: "bit-flip", reason: "storage fault (bit-flip): log/9: bad-crc",
 * };
 * ```
 */
export interface NodeStop {
  readonly time: number;
  readonly node: NodeId;
  readonly kind: StorageFault["kind"];
  readonly reason: string;
}

type SimEvent =
  | { time: number; seq: number; kind: 0; node: NodeState; epoch: number } // tick
  | {
    time: number;
    seq: number;
    kind: 1; // deliver
    from: NodeId;
    to: NodeId;
    /** The receiver (resolved once, at the send). */
    node: NodeState | undefined;
    /** The id of the link it travels on (see `Network.leftLinkId`). */
    link: number;
    body: unknown;
    lamport: number;
    /** The sender's own vector entry at the send (see `NodeHost.vc`). */
    vc: number;
  }
  | { time: number; seq: number; kind: 2; fn: () => void }; // timer

interface NodeState {
  readonly id: NodeId;
  host: NodeHost | null;
  readonly disk: MemoryDisk;
  clock: NodeClock;
  paused: boolean;
  epoch: number;
  backlog: Extract<SimEvent, { kind: 1 }>[];
  lastClocks: LogicalClocks | undefined;
  readonly pendingRequests: Map<number, (reply: Reply) => void>;
  /** The sync in flight after messages left `beforeSync` (its token), or null. */
  syncing: object | null;
  /** What waits for that sync: messages, replies, and the highest sync mark. */
  held: {
    messages: Outgoing[];
    replies: { requestId: number; reply: Reply }[];
    mark: number | null;
  };
}

/**
 * A deterministic simulated cluster.
 *
 * @example
 * ```ts
 * import { Simulation } from "./simulator.ts";
 * import { heartbeat } from "../protocols/heartbeat/mod.ts";
 * const sim = new Simulation({ protocol: heartbeat, nodes: 3, seed: 42 });
 * sim.network.isolate("n3");
 * sim.runFor(2000);
 * sim.status("n1").suspects; // ["n3"]
 * ```
 */
export class Simulation implements Runtime {
  readonly protocol: AnyProtocol;
  readonly rng: Rng;
  readonly network: Network;
  readonly stats: SimStats = {
    events: 0,
    sent: 0,
    delivered: 0,
    dropped: 0,
    duplicated: 0,
    ticks: 0,
    requests: 0,
    replies: 0,
    rejected: 0,
  };
  /** Nodes that threw out of a step (each was crashed), in order. */
  readonly failures: NodeFailure[] = [];
  /** Nodes their storage stopped (a fault it found, not a bug), in order. */
  readonly stopped: NodeStop[] = [];
  /**
   * Nodes that repaired damaged storage from a peer (they emitted a `repaired` event, as
   * a raft-kv node does once caught up from the leader), in order.
   */
  readonly repaired: { readonly time: number; readonly node: NodeId }[] = [];
  #options: Readonly<Record<string, unknown>>;
  #queue = new EventQueue<SimEvent>();
  readonly #traceFn = (e: TraceEvent) => this.#trace(e);
  /** The shared message path's sinks: stats, the trace, and the event queue. */
  readonly #sinks: PathSinks = {
    isMember: (id) => this.#nodes.has(id),
    count: (_from, _to, what) => {
      this.stats[what]++;
    },
    trace: null,
    deliverAt: (time, from, to, body, m, link) => {
      this.#queue.push({
        time,
        seq: this.#seq++,
        kind: 1,
        from,
        to,
        node: this.#nodes.get(to),
        link,
        body,
        lamport: m.lamport,
        vc: m.vc ?? 0,
      });
    },
    random: () => this.rng.next(),
    check: null,
    integrity: new LinkIntegrity(new Uint8Array(0)),
  };
  #nodes = new Map<NodeId, NodeState>();
  #order: NodeId[] = [];
  #now = 0;
  #seq = 0;
  #nextRequest = 1;
  #hasher: TraceHasher | null;
  #events: TraceEvent[] | null;
  #listeners: ((e: TraceEvent) => void)[] = [];
  #afterStep: (() => void)[] = [];
  #tracing: boolean;
  readonly #syncMs: number;

  constructor(o: SimulationOptions) {
    this.protocol = o.protocol;
    this.#syncMs = o.syncMs ?? DEFAULT_SYNC_MS;
    if (!(this.#syncMs >= 0) || !Number.isFinite(this.#syncMs)) {
      throw new RangeError(`syncMs must be a finite number ≥ 0, not ${o.syncMs}`);
    }
    this.rng = createRng(o.seed);
    this.#options = o.options ?? {};
    const ids = typeof o.nodes === "number"
      ? Array.from({ length: o.nodes }, (_, i) => `n${i + 1}`)
      : [...o.nodes];
    if (ids.length === 0) throw new Error("a simulation needs at least one node");
    checkNodeIds(ids);
    if (new Set(ids).size !== ids.length) throw new Error("node ids must be distinct");
    const rnd = () => this.rng.next();
    const base = o.network ?? DEFAULT_LINK_FAULTS;
    this.network = new Network(
      ids,
      rnd,
      o.integrity === undefined ? base : { ...base, integrity: o.integrity },
    );
    // Every copy in flight is a delivery on the queue: the network need not count them
    // (a cache miss per copy at a thousand nodes) until a queue limit needs the counts.
    this.network.countInFlightFrom(() => this.#inFlightLinks());
    this.#sinks.check = schemaCheck(o.protocol.messages);
    // Link keys come from the seed, not the PRNG: turning integrity on changes no draw.
    this.#sinks.integrity = new LinkIntegrity(sha256(new TextEncoder().encode(`sim:${o.seed}`)));
    const byz = this.#sinks.byzantine = byzantineOf(this);
    if (o.protocol.byzantine !== undefined) byz.liar = o.protocol.byzantine.lie;
    for (const [n, mode] of Object.entries(o.byzantine ?? {})) byz.set(n, mode);
    const mode = o.trace ?? "none";
    this.#hasher = mode === "none" ? null : new TraceHasher();
    this.#events = mode === "full" ? [] : null;
    this.#tracing = mode !== "none";
    for (const id of ids) this.#addNode(id, ids);
    for (const [n, f] of Object.entries(o.disk ?? {})) this.setDiskFaults(n, f);
  }

  /** Virtual time in ms. */
  now(): number {
    return this.#now;
  }

  /** Every node id, in order. */
  get nodes(): readonly NodeId[] {
    return this.#order;
  }

  /** Runs `fn` at virtual time `time` (not before now). */
  at(time: number, fn: () => void): void {
    this.#queue.push({ time: Math.max(time, this.#now), seq: this.#seq++, kind: 2, fn });
  }

  /** Runs `fn` after `ms` of virtual time. */
  after(ms: number, fn: () => void): void {
    this.at(this.#now + ms, fn);
  }

  /** Observes every trace event (turns tracing on); returns the function that stops it. */
  onTrace(fn: (e: TraceEvent) => void): () => void {
    this.#listeners.push(fn);
    this.#tracing = true;
    return () => {
      const i = this.#listeners.indexOf(fn);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** {@link request} as the runtime interface has it (the reply callback required). */
  submit(node: NodeId, op: unknown, client: number, onReply: (reply: Reply) => void): void {
    this.request(node, op, client, onReply);
  }

  /** Runs `fn` after every step (invariant checks). */
  afterStep(fn: () => void): void {
    this.#afterStep.push(fn);
  }

  /** Processes the next event; false when the queue is empty. */
  step(): boolean {
    const e = this.#queue.pop();
    if (e === undefined) return false;
    this.#now = e.time;
    this.stats.events++;
    switch (e.kind) {
      case 0:
        this.#tick(e);
        break;
      case 1:
        this.#deliver(e);
        break;
      case 2:
        e.fn();
        break;
    }
    for (const f of this.#afterStep) f();
    return true;
  }

  /** Runs until virtual time `now() + ms`. */
  runFor(ms: number): void {
    this.runUntilTime(this.#now + ms);
  }

  /** Runs every event up to and including virtual time `t`, then sets the clock to `t`. */
  runUntilTime(t: number): void {
    for (;;) {
      const next = this.#queue.peek();
      if (next === undefined || next.time > t) break;
      this.step();
    }
    if (t > this.#now) this.#now = t;
  }

  /** Runs until `done()` is true (checked after each event) or `maxMs` passes; returns done(). */
  runUntil(done: () => boolean, maxMs: number): boolean {
    const end = this.#now + maxMs;
    if (done()) return true;
    for (;;) {
      const next = this.#queue.peek();
      if (next === undefined || next.time > end) break;
      this.step();
      if (done()) return true;
    }
    if (end > this.#now) this.#now = end;
    return done();
  }

  /** Sends a client operation to `node`; `onReply` runs when (if ever) it answers. */
  request(node: NodeId, op: unknown, client: number, onReply?: (reply: Reply) => void): number {
    const s = this.#node(node);
    const id = this.#nextRequest++;
    this.stats.requests++;
    if (onReply) s.pendingRequests.set(id, onReply);
    if (this.#tracing) this.#trace({ time: this.#now, kind: "request", node, body: op });
    if (s.host === null) return id; // down: never answered
    const req: ClientRequest<unknown> = { id, client, op };
    if (s.paused) {
      this.at(this.#now, () => this.#whenRunning(s, () => this.#request(s, req)));
      return id;
    }
    this.#request(s, req);
    return id;
  }

  /** Crashes a node: its volatile state and unsynced writes are lost. */
  crash(node: NodeId): void {
    this.#crash(this.#node(node), undefined);
  }

  #crash(s: NodeState, reason: string | undefined): void {
    const node = s.id;
    if (s.host === null) return;
    s.lastClocks = s.host.clocks();
    s.host = null;
    s.paused = false;
    s.epoch++;
    s.backlog = [];
    s.pendingRequests.clear();
    // The sync in flight never completes: its writes are lost, and what waited for it with them.
    s.syncing = null;
    s.held = emptyHeld();
    s.disk.crash();
    this.#trace(
      reason === undefined
        ? { time: this.#now, kind: "crash", node }
        : { time: this.#now, kind: "crash", node, reason },
    );
  }

  /**
   * The node threw out of a step (a lie it believed, a bug): that is a crash of the node,
   * never of the simulation. Its half-done effects are never applied.
   */
  #threw(s: NodeState, e: unknown): void {
    const error = e instanceof StorageFault
      ? e.message
      : e instanceof Error
      ? `${e.name}: ${e.message.split("\n")[0]}`
      : String(e);
    if (e instanceof StorageFault) {
      this.stopped.push({ time: this.#now, node: s.id, kind: e.kind, reason: error });
    } else this.failures.push({ time: this.#now, node: s.id, error });
    if (s.host === null) {
      this.#trace({ time: this.#now, kind: "crash", node: s.id, reason: error });
      return;
    }
    s.host.outbox.length = 0;
    s.host.early.length = 0;
    s.host.syncMark = null;
    s.host.replies.length = 0;
    s.host.emitted.length = 0;
    this.#crash(s, error);
  }

  /** Restarts a crashed node from its durable storage. */
  restart(node: NodeId): void {
    const s = this.#node(node);
    if (s.host !== null) return;
    try {
      this.#start(s);
    } catch (e) {
      // Recovery from what it stored threw: it stays down, and the trace says why.
      s.host = null;
      s.epoch++;
      s.disk.crash();
      this.#threw(s, e);
      return;
    }
    // Its first sync failed: it stopped again at once, and the trace said why.
    if (s.host === null) return;
    this.#trace({ time: this.#now, kind: "restart", node });
  }

  /** Pauses a node (gray failure): it keeps its state but processes nothing until resumed. */
  pause(node: NodeId): void {
    const s = this.#node(node);
    if (s.host === null || s.paused) return;
    s.paused = true;
    s.epoch++;
    this.#trace({ time: this.#now, kind: "pause", node });
  }

  /** Resumes a paused node; messages that arrived meanwhile are processed in order. */
  resume(node: NodeId): void {
    const s = this.#node(node);
    if (!s.paused) return;
    s.paused = false;
    s.epoch++;
    this.#trace({ time: this.#now, kind: "resume", node });
    const backlog = s.backlog;
    s.backlog = [];
    // These left their links when they reached the node; only processing is left.
    for (const m of backlog) this.#receive(m);
    this.#scheduleTick(s, this.#now + this.protocol.tickMs);
  }

  /**
   * Turns storage faults on (or off, with null) for a node's disk; they draw from the
   * simulation's PRNG, and only while on, so a run that never calls this draws as before.
   */
  setDiskFaults(node: NodeId, faults: DiskFaults | null): void {
    const s = this.#node(node);
    s.disk.setFaults(faults, () => this.rng.next());
    this.#trace({ time: this.#now, kind: "fault", node, data: { disk: faults } });
  }

  /** Storage faults injected and detected, summed over every node's disk. */
  diskFaultCounts(): DiskFaultCounts {
    const total = emptyFaultCounts();
    for (const s of this.#nodes.values()) addFaultCounts(total, s.disk.faultCounts);
    return total;
  }

  /** Sets a node's clock skew (ms) and/or drift (rate error). */
  setClock(node: NodeId, change: { skew?: number; drift?: number }): void {
    const s = this.#node(node);
    s.clock = setClock(s.clock, this.#now, change);
    this.#trace({ time: this.#now, kind: "fault", node, data: { clock: change } });
  }

  /** Adds a new node (membership change); it knows every current node as a peer. */
  addNode(id: NodeId): void {
    checkNodeIds([id]);
    if (this.#nodes.has(id)) throw new Error(`node ${id} already exists`);
    this.#addNode(id, [...this.#order, id]);
    this.network.setNodes(this.#order);
  }

  /** Whether the node is running (not crashed). */
  isUp(node: NodeId): boolean {
    return this.#node(node).host !== null;
  }

  /** Whether the node is paused. */
  isPaused(node: NodeId): boolean {
    return this.#node(node).paused;
  }

  /** The node's status, or `{ role: "crashed" }`. */
  status(node: NodeId): NodeStatus {
    const s = this.#node(node);
    return s.host === null ? { role: "crashed" } : s.host.status();
  }

  /** The hosted node (white-box access for tests and invariant checks), or null if down. */
  host(node: NodeId): NodeHost | null {
    return this.#node(node).host;
  }

  /** The node's simulated disk. */
  disk(node: NodeId): MemoryDisk {
    return this.#node(node).disk;
  }

  /** The hash of the trace so far (needs `trace: "hash"` or `"full"`). */
  traceHash(): string {
    if (this.#hasher === null) throw new Error("tracing is off: create the simulation with trace");
    return this.#hasher.hex();
  }

  /** Every trace event so far (needs `trace: "full"`). */
  trace(): readonly TraceEvent[] {
    if (this.#events === null) throw new Error("full tracing is off");
    return this.#events;
  }

  /** Records an event from outside the nodes (a nemesis action, a client op). */
  note(node: NodeId, kind: string, data?: unknown): void {
    this.#trace({ time: this.#now, kind, node, data });
  }

  #addNode(id: NodeId, all: readonly NodeId[]): void {
    const s: NodeState = {
      id,
      host: null,
      disk: new MemoryDisk(),
      clock: perfectClock(),
      paused: false,
      epoch: 0,
      backlog: [],
      lastClocks: undefined,
      pendingRequests: new Map(),
      syncing: null,
      held: emptyHeld(),
    };
    this.#nodes.set(id, s);
    this.#order.push(id);
    this.#start(s, all);
  }

  #start(s: NodeState, all: readonly NodeId[] = this.#order): void {
    s.epoch++;
    s.host = new NodeHost(this.protocol, {
      id: s.id,
      peers: all.filter((p) => p !== s.id),
      options: this.#options,
      storage: s.disk,
      now: () => localTime(s.clock, this.#now),
      random: () => this.rng.next(),
      clocks: s.lastClocks,
      // Vector clocks cost O(N) per message: the trace has what derives them (vc, vcFrom).
      vectorClocks: false,
    });
    this.#flush(s);
    // A random phase so nodes started together do not tick in lockstep.
    this.#scheduleTick(s, this.#now + this.rng.next() * this.protocol.tickMs);
  }

  #scheduleTick(s: NodeState, time: number): void {
    this.#queue.push({ time, seq: this.#seq++, kind: 0, node: s, epoch: s.epoch });
  }

  /** A node's tick; its event, just popped, is pushed again as the next tick (no allocation). */
  #tick(e: Extract<SimEvent, { kind: 0 }>): void {
    const s = e.node;
    if (e.epoch !== s.epoch || s.host === null || s.paused) return;
    this.stats.ticks++;
    if (this.#tracing) this.#trace({ time: this.#now, kind: "tick", node: s.id });
    try {
      s.host.tick();
    } catch (e) {
      return this.#threw(s, e);
    }
    this.#flush(s);
    // The same sequence number as a new event's would get: the order (and trace) is unchanged.
    e.time = this.#now + this.protocol.tickMs;
    e.seq = this.#seq++;
    e.epoch = s.epoch;
    this.#queue.push(e);
  }

  #request(s: NodeState, req: ClientRequest<unknown>): void {
    if (s.host === null) return;
    try {
      s.host.request(req);
    } catch (e) {
      return this.#threw(s, e);
    }
    this.#flush(s);
  }

  #whenRunning(s: NodeState, fn: () => void): void {
    if (s.host === null) return;
    if (!s.paused) return fn();
    this.after(this.protocol.tickMs, () => this.#whenRunning(s, fn));
  }

  /** The link of every copy in flight: each delivery on the queue. */
  *#inFlightLinks(): Iterable<number> {
    for (const e of this.#queue.values()) if (e.kind === 1) yield e.link;
  }

  #deliver(m: Extract<SimEvent, { kind: 1 }>): void {
    this.network.leftLinkId(m.link);
    this.#receive(m);
  }

  /** A message that has left its link reaches its node (or the node's backlog). */
  #receive(m: Extract<SimEvent, { kind: 1 }>): void {
    const s = m.node;
    if (s === undefined || s.host === null) {
      this.stats.dropped++;
      if (this.#tracing) {
        this.#trace({
          time: this.#now,
          kind: "drop",
          node: m.to,
          peer: m.from,
          reason: "crashed",
          body: m.body,
        });
      }
      return;
    }
    if (s.paused) {
      s.backlog.push(m);
      return;
    }
    this.stats.delivered++;
    const host = s.host;
    // The receipt's own vector entry (the handler's sends count after it).
    const vc = host.vc + 1;
    try {
      host.deliver(m.from, m.body, m.lamport, NO_VECTOR);
    } catch (e) {
      return this.#threw(s, e);
    }
    if (this.#tracing) {
      this.#trace({
        time: this.#now,
        kind: "deliver",
        node: m.to,
        peer: m.from,
        body: m.body,
        lamport: host.lamport,
        vc,
        vcFrom: m.vc,
      });
    }
    this.#flush(s);
  }

  /**
   * Applies one input's effects in the contract's order: sync → messages → replies. The
   * exception: messages sent `beforeSync` leave first, and if the input wrote anything,
   * its sync then takes `syncMs` (see {@link SimulationOptions.syncMs}); the rest of its
   * effects, and of every input until that sync completes, wait for it.
   */
  #flush(s: NodeState): void {
    const host = s.host!;
    const deferred = s.syncing !== null ||
      (host.early.length > 0 && host.storage.pending > 0 && this.#syncMs > 0);
    if (!deferred && host.storage.pending > 0) {
      try {
        host.storage.sync();
      } catch (e) {
        // Nothing of this input may leave: the node stops, and the trace says why.
        return this.#threw(s, e);
      }
    }
    this.#traceEmitted(s, host);
    this.#sinks.trace = this.#tracing ? this.#traceFn : null;
    if (host.early.length > 0) {
      routeMessages(this.network, s.id, host.early, this.#now, this.#sinks);
      host.early.length = 0;
    }
    const mark = host.takeSyncMark();
    if (deferred) {
      const held = s.held;
      for (const m of host.outbox) held.messages.push(m);
      for (const r of host.replies) held.replies.push(r);
      if (mark !== null) held.mark = held.mark === null ? mark : Math.max(held.mark, mark);
      host.outbox.length = 0;
      host.replies.length = 0;
      if (s.syncing === null) {
        const token = {};
        s.syncing = token;
        this.after(this.#syncMs, () => this.#syncDone(s, token));
      }
      return;
    }
    // The outbox is emptied before any client hears back: a reply's callback may send the
    // next request at once, and that input's flush must not route these messages again.
    if (host.outbox.length > 0) {
      routeMessages(this.network, s.id, host.outbox, this.#now, this.#sinks);
      host.outbox.length = 0;
    }
    if (host.replies.length > 0) {
      this.#answer(s, host.replies);
      host.replies.length = 0;
    }
    if (mark !== null) this.#synced(s, mark);
  }

  /** The deferred sync completes: what waited for it leaves, then the node hears of it. */
  #syncDone(s: NodeState, token: object): void {
    if (s.syncing !== token || s.host === null) return; // crashed meanwhile: lost
    // A paused node's sync completes when it runs again (it processes nothing meanwhile).
    if (s.paused) return this.after(this.protocol.tickMs, () => this.#syncDone(s, token));
    s.syncing = null;
    const held = s.held;
    s.held = emptyHeld();
    let writes: number;
    try {
      writes = s.disk.sync();
    } catch (e) {
      return this.#threw(s, e);
    }
    if (this.#tracing) this.#trace({ time: this.#now, kind: "sync", node: s.id, data: { writes } });
    this.#sinks.trace = this.#tracing ? this.#traceFn : null;
    routeMessages(this.network, s.id, held.messages, this.#now, this.#sinks);
    this.#answer(s, held.replies);
    if (held.mark !== null) this.#synced(s, held.mark);
  }

  /** Input: the writes up to `mark` are durable. */
  #synced(s: NodeState, mark: number): void {
    const host = s.host;
    if (host === null) return;
    try {
      host.synced(mark);
    } catch (e) {
      return this.#threw(s, e);
    }
    this.#flush(s);
  }

  #traceEmitted(s: NodeState, host: NodeHost): void {
    if (host.emitted.length === 0) return;
    for (const e of host.emitted) {
      if (e.kind === "repaired") this.repaired.push({ time: this.#now, node: s.id });
    }
    if (this.#tracing) {
      for (const e of host.emitted) {
        this.#trace({
          time: this.#now,
          kind: e.kind,
          node: s.id,
          data: e.data,
          lamport: e.lamport,
          vc: e.vc,
        });
      }
    }
    host.emitted.length = 0;
  }

  /** Answers the clients (after the messages of the same input were routed). */
  #answer(s: NodeState, replies: readonly { requestId: number; reply: Reply }[]): void {
    for (const r of replies) {
      this.stats.replies++;
      const cb = s.pendingRequests.get(r.requestId);
      s.pendingRequests.delete(r.requestId);
      if (this.#tracing) this.#trace({ time: this.#now, kind: "reply", node: s.id, body: r.reply });
      cb?.(r.reply);
    }
  }

  #trace(e: TraceEvent): void {
    if (!this.#tracing) return;
    this.#hasher?.add(e);
    this.#events?.push(e);
    for (const l of this.#listeners) l(e);
  }

  #node(id: NodeId): NodeState {
    const s = this.#nodes.get(id);
    if (s === undefined) throw new Error(`unknown node '${id}' (nodes: ${this.#order.join(", ")})`);
    return s;
  }
}

function emptyHeld(): NodeState["held"] {
  return { messages: [], replies: [], mark: null };
}
