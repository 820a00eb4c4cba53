/**
 * A hand-driven Raft cluster for unit tests (etcd style): virtual time that moves only
 * when a test says so, ticks only of the nodes a test names, and messages that sit in
 * flight until a test delivers, drops or reorders them. Each input's effects follow the
 * node contract: storage synced, then messages queued, then replies recorded.
 *
 * @module
 */

import { MemoryDisk } from "../../nodes/storage/memory_disk.ts";
import { createRng, type Rng } from "../../protocols/random.ts";
import type { NodeContext, NodeId, Reply, TraceData } from "../../protocols/node.ts";
import type { RaftMessage, RaftOp } from "../../protocols/raft/mod.ts";
import { RaftInvariants, RaftNode } from "../../protocols/raft/mod.ts";

/**
 * A message in flight.
 *
 * @example
 * ```ts
 * import type { Envelope } from "./harness.ts";
 * function between(e: Envelope, a: string, b: string): boolean {
 *   return (e.from === a && e.to === b) || (e.from === b && e.to === a);
 * }
 * ```
 */
export interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: RaftMessage;
}

/**
 * A trace event a node emitted.
 *
 * @example
 * ```ts
 * import type { HarnessEvent } from "./harness.ts";
 * function elections(events: readonly HarnessEvent[]): number {
 *   return events.filter((e) => e.kind === "elected").length;
 * }
 * ```
 */
export interface HarnessEvent {
  readonly node: NodeId;
  readonly kind: string;
  readonly data: TraceData | undefined;
  readonly time: number;
}

/**
 * A cluster of Raft nodes driven by hand.
 *
 * @example
 * ```ts
 * import { Harness } from "./harness.ts";
 * const h = new Harness(3);
 * h.elect("n1");
 * h.leader(); // "n1"
 * ```
 */
export class Harness {
  now = 0;
  readonly ids: NodeId[];
  readonly rng: Rng;
  readonly disks = new Map<NodeId, MemoryDisk>();
  readonly nodes = new Map<NodeId, RaftNode | null>();
  /** Options per node (defaults to the cluster's). */
  readonly nodeOptions = new Map<NodeId, Record<string, unknown>>();
  inflight: Envelope[] = [];
  readonly replies = new Map<number, Reply>();
  readonly events: HarnessEvent[] = [];
  /** Every message ever sent (after the sync), in order. */
  readonly sent: Envelope[] = [];
  /** Links that drop messages: `from->to`. */
  readonly blocked = new Set<string>();
  readonly invariants = new RaftInvariants();
  #nextRequest = 1;

  constructor(
    ids: readonly NodeId[] | number,
    readonly options: Record<string, unknown> = {},
    seed = 1,
  ) {
    this.ids = typeof ids === "number"
      ? Array.from({ length: ids }, (_, i) => `n${i + 1}`)
      : [...ids];
    this.rng = createRng(seed);
    for (const id of this.ids) {
      this.disks.set(id, new MemoryDisk());
      this.start(id);
    }
  }

  /** (Re)creates a node from its disk. */
  start(id: NodeId, options?: Record<string, unknown>): RaftNode {
    if (options) this.nodeOptions.set(id, options);
    if (!this.disks.has(id)) this.disks.set(id, new MemoryDisk());
    if (!this.ids.includes(id)) this.ids.push(id);
    const disk = this.disks.get(id)!;
    const outbox: Envelope[] = [];
    const replies: [number, Reply][] = [];
    let mark: number | null = null;
    const ctx: NodeContext<RaftMessage> = {
      id,
      peers: this.ids.filter((p) => p !== id),
      options: this.nodeOptions.get(id) ?? this.options,
      now: () => this.now,
      random: () => this.rng.next(),
      storage: disk,
      send: (to, msg) => outbox.push({ from: id, to, msg }),
      whenSynced: (m) => void (mark = mark === null ? m : Math.max(mark, m)),
      reply: (rid, reply) => replies.push([rid, reply]),
      emit: (kind, data) => this.events.push({ node: id, kind, data, time: this.now }),
    };
    const node = new RaftNode(ctx);
    this.nodes.set(id, node);
    this.#flushers.set(id, () => {
      disk.sync();
      for (const e of outbox) {
        this.sent.push(e);
        if (!this.blocked.has(`${e.from}->${e.to}`)) this.inflight.push(e);
      }
      outbox.length = 0;
      for (const [rid, r] of replies) this.replies.set(rid, r);
      replies.length = 0;
      // The sync above made every write durable: answer the node's whenSynced at once.
      const done = mark;
      mark = null;
      if (done !== null && this.nodes.get(id) === node) {
        node.synced(done);
        this.#flushers.get(id)?.();
      }
    });
    this.#flush(id);
    return node;
  }

  readonly #flushers = new Map<NodeId, () => void>();

  #flush(id: NodeId): void {
    this.#flushers.get(id)?.();
    this.check();
  }

  /** Runs the invariant checker over every live node; throws on a violation. */
  check(): void {
    const views = [...this.nodes.values()].flatMap((n) => n ? [n.inspect()] : []);
    const v = this.invariants.check(views);
    if (v.length > 0) throw new Error(`raft invariant violated: ${v.join("; ")}`);
  }

  /** Loses the node's volatile state and unsynced writes. */
  crash(id: NodeId): void {
    this.nodes.set(id, null);
    this.disks.get(id)!.crash();
    this.inflight = this.inflight.filter((e) => e.to !== id);
  }

  node(id: NodeId): RaftNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`${id} is down`);
    return n;
  }

  /** Ticks the named nodes (default all live ones) at the current time. */
  tick(...ids: NodeId[]): void {
    for (const id of ids.length > 0 ? ids : this.ids) {
      const n = this.nodes.get(id);
      if (!n) continue;
      n.tick();
      this.#flush(id);
    }
  }

  /** Delivers one message. */
  deliverOne(e: Envelope): void {
    const n = this.nodes.get(e.to);
    if (!n) return;
    n.message(e.from, e.msg);
    this.#flush(e.to);
  }

  /**
   * Delivers what is in flight now (not what that produces), optionally only messages
   * matching `which`; the rest stay in flight. Returns how many were delivered.
   */
  deliver(which: (e: Envelope) => boolean = () => true): number {
    const now = this.inflight.filter(which);
    this.inflight = this.inflight.filter((e) => !which(e));
    for (const e of now) this.deliverOne(e);
    return now.length;
  }

  /** Delivers until nothing is in flight (or `maxRounds` rounds). */
  settle(maxRounds = 1000): void {
    for (let i = 0; i < maxRounds && this.inflight.length > 0; i++) this.deliver();
  }

  /** Drops everything in flight. */
  dropAll(): void {
    this.inflight = [];
  }

  /** Advances time by `ms` in steps of `step`, ticking every node and settling each step. */
  run(ms: number, step = 10): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + step);
      this.tick();
      this.settle();
    }
  }

  /** Makes `id` campaign now (moves time past its timeout, ticks only it) and settles. */
  elect(id: NodeId): void {
    this.now += 1000;
    this.tick(id);
    this.settle();
  }

  /** Sends a client operation to `id`; returns the request id (see {@link reply}). */
  request(id: NodeId, op: RaftOp, client = 1): number {
    const rid = this.#nextRequest++;
    this.node(id).request({ id: rid, client, op });
    this.#flush(id);
    return rid;
  }

  /** Sends client operations to `id` as one batch (`RaftNode.requests`); their ids. */
  requests(id: NodeId, ops: readonly RaftOp[], client = 1): number[] {
    const reqs = ops.map((op) => ({ id: this.#nextRequest++, client, op }));
    this.node(id).requests(reqs);
    this.#flush(id);
    return reqs.map((r) => r.id);
  }

  reply(rid: number): Reply | undefined {
    return this.replies.get(rid);
  }

  /** Cuts every link to and from `id`. */
  isolate(id: NodeId): void {
    for (const other of this.ids) {
      if (other === id) continue;
      this.blocked.add(`${id}->${other}`);
      this.blocked.add(`${other}->${id}`);
    }
  }

  /** Splits the cluster into groups that cannot talk to each other. */
  partition(...groups: NodeId[][]): void {
    for (const a of groups) {
      for (const b of groups) {
        if (a === b) continue;
        for (const x of a) for (const y of b) this.blocked.add(`${x}->${y}`);
      }
    }
  }

  heal(): void {
    this.blocked.clear();
  }

  /** The live leader with the highest term, if any. */
  leader(): NodeId | undefined {
    let best: NodeId | undefined;
    let term = -1;
    for (const [id, n] of this.nodes) {
      if (!n) continue;
      const s = n.status();
      if (s.role === "leader" && (s.term as number) > term) [best, term] = [id, s.term as number];
    }
    return best;
  }

  status(id: NodeId): Record<string, unknown> {
    return this.node(id).status() as Record<string, unknown>;
  }

  /** Messages sent so far of a type, optionally from one node. */
  count(type: RaftMessage["type"], from?: NodeId): number {
    return this.sent.filter((e) => e.msg.type === type && (from === undefined || e.from === from))
      .length;
  }
}
