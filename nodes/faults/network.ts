/**
 * The fault model of the network, implemented once and used by both runtimes (the
 * simulator and the Worker router). Given a message from one node to another at a
 * time, it decides its fate: dropped (and why) or delivered at one or more times, some
 * copies possibly tampered. Rules can be global or per link and change while running.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { type Delay, sampleDelay } from "./delay.ts";
import { bridgeLinks, linkKey, majoritiesRingLinks, partitionLinks } from "./topology.ts";
import { type Integrity, INTEGRITY_KINDS } from "./link_integrity.ts";

/**
 * Faults that apply to messages on a link. Omitted fields inherit from broader rules.
 *
 * @example
 * ```ts
 * import { Network, type LinkFaults } from "./network.ts";
 * const lossy: LinkFaults = { drop: 0.1, delay: { kind: "uniform", min: 5, max: 50 } };
 * const net = new Network(["n1", "n2"], () => 0.5);
 * net.addRule("n1", "n2", lossy);
 * ```
 */
export interface LinkFaults {
  /** Probability in [0, 1] that a message is lost. */
  readonly drop?: number;
  /** The delay distribution of every copy. */
  readonly delay?: Delay;
  /** Probability that a message is delivered twice. */
  readonly duplicate?: number;
  /** Probability that a message leaves per-link FIFO order (may overtake or be overtaken). */
  readonly reorder?: number;
  /** Probability that a message's body is altered in transit. */
  readonly tamper?: number;
  /** At most this many messages in flight on the link; more are dropped (tail drop). */
  readonly queueLimit?: number;
  /** At most this many messages per second leave on the link; more wait their turn. */
  readonly bandwidth?: number;
  /**
   * What each message carries to prove itself: `crc32c` (a tampered copy is dropped),
   * `hmac-sha256` (also a forged sender or a replayed copy); default `none`.
   */
  readonly integrity?: Integrity;
}

/**
 * A rule: faults for messages from `from` to `to` (`*` matches any node).
 *
 * @example
 * ```ts
 * import { Network } from "./network.ts";
 * const net = new Network(["n1", "n2"], () => 0.5);
 * net.addRule("*", "n2", { drop: 0.5 });
 * net.state().rules[0]; // { drop: 0.5, id: 1, from: "*", to: "n2" }
 * ```
 */
export interface LinkRule extends LinkFaults {
  readonly id: number;
  readonly from: NodeId | "*";
  readonly to: NodeId | "*";
}

/**
 * A block of links: a partition, an isolation, a one-way cut, a bridge or a ring.
 *
 * @example
 * ```ts
 * import type { LinkBlock } from "./network.ts";
 * const cut: LinkBlock = { id: 3, kind: "cut", description: "n1 -> n2", links: new Set(["n1>n2"]) };
 * ```
 */
export interface LinkBlock {
  readonly id: number;
  readonly kind: "partition" | "isolate" | "cut" | "bridge" | "majorities-ring";
  /** Human-readable shape, e.g. `n1,n2 | n3,n4,n5` or `n1 -> n2`. */
  readonly description: string;
  readonly links: ReadonlySet<string>;
}

/**
 * Why a message was not delivered.
 *
 * @example
 * ```ts
 * import type { DropReason } from "./network.ts";
 * const why: DropReason = "partition";
 * ```
 */
export type DropReason = "partition" | "loss" | "queue";

/**
 * The fault-free behaviour of a network when none is given: 1–3 ms uniform delay.
 *
 * @example
 * ```ts
 * import { DEFAULT_LINK_FAULTS, Network } from "./network.ts";
 * new Network(["n1", "n2"], () => 0.5, { ...DEFAULT_LINK_FAULTS, integrity: "crc32c" });
 * ```
 */
export const DEFAULT_LINK_FAULTS: LinkFaults = { delay: { kind: "uniform", min: 1, max: 3 } };

/**
 * The decision for one message; reused between calls, so copy what you keep.
 * `count === 0` means dropped for `reason`.
 *
 * @example
 * ```ts
 * import { Network } from "./network.ts";
 * const net = new Network(["n1", "n2"], () => 0.5);
 * const fate = net.route("n1", "n2", 0);
 * const times = fate.at.slice(0, fate.count); // copy: the fate is reused by the next route
 * ```
 */
export interface Fate {
  count: number;
  reason: DropReason | null;
  /**
   * The link the copies travel on: a runtime that keeps it with each copy tells the
   * network the copy left with {@link Network.leftLink}, without looking the link up.
   */
  link: LinkHandle | null;
  /**
   * The same link as a number (−1 while none): a runtime that keeps it with each copy
   * tells the network the copy left with {@link Network.leftLinkId}; it holds no object,
   * and no link needs one.
   */
  linkId: number;
  /** Delivery times (ms, same clock as `now`) of each copy. */
  readonly at: number[];
  /** Whether each copy is tampered. */
  readonly tampered: boolean[];
  /** The link's integrity option, for the copies delivered. */
  integrity: Integrity;
}

/**
 * Everything the network currently does, as plain data (for the API and dashboard).
 *
 * @example
 * ```ts
 * import { Network } from "./network.ts";
 * const net = new Network(["n1", "n2", "n3"], () => 0.5);
 * net.isolate("n3");
 * net.state().blocks; // [{ id: 1, kind: "isolate", description: "n3" }]
 * ```
 */
export interface NetworkState {
  readonly base: LinkFaults;
  readonly rules: readonly LinkRule[];
  readonly blocks: readonly { id: number; kind: LinkBlock["kind"]; description: string }[];
}

/**
 * Every rule and block of a {@link Network} with the links each block cuts: what a node
 * that applies the fault model on its sending side needs to hold the same faults as the
 * control process ({@link Network.rules}, {@link Network.adopt}).
 *
 * @example
 * ```ts
 * import { Network } from "./network.ts";
 * const net = new Network(["n1", "n2"], () => 0.5);
 * net.cut("n1", "n2");
 * net.rules().blocks[0]?.links; // ["n1>n2"] (the link keys it cuts)
 * ```
 */
export interface NetworkRules {
  /** The fault-free behaviour every rule overrides. */
  readonly base: LinkFaults;
  readonly rules: readonly LinkRule[];
  readonly blocks: readonly {
    readonly id: number;
    readonly kind: LinkBlock["kind"];
    readonly description: string;
    readonly links: readonly string[];
  }[];
}

/**
 * A link's count of copies in flight, as {@link Fate.link} hands it out.
 *
 * @example
 * ```ts
 * import { Network } from "./network.ts";
 * const net = new Network(["n1", "n2"], () => 0.5);
 * const link = net.route("n1", "n2", 0).link!;
 * net.leftLink(link); // the copy was delivered
 * ```
 */
export interface LinkHandle {
  inFlight: number;
}

interface Effective {
  /**
   * The delay of every copy when the link does nothing else — no loss, queue limit,
   * bandwidth, duplication, reorder or tampering, and a constant delay: its fate is then
   * one copy at a known time, with no draw (the usual link of a benchmark). NaN otherwise.
   */
  plainDelay: number;
  drop: number;
  delay: Delay;
  duplicate: number;
  reorder: number;
  tamper: number;
  queueLimit: number;
  bandwidth: number;
  integrity: Integrity;
}

/**
 * The links from one sender, by receiver index, in typed arrays: no object per link (a
 * thousand nodes have a million links, and objects that many were a cache miss and then
 * a pointer to chase per message, and work for the collector). What a fault-free link
 * needs — its FIFO horizon and its count in flight — sits side by side in one array;
 * what only rules and blocks need is allocated when they first do.
 */
interface LinkRow {
  /**
   * Receivers the row has room for: grown by doubling as higher ones are first sent to
   * (a node that talks to a few peers holds a few links, not a row for every node).
   */
  room: number;
  /** `[lastAt, inFlight]` of receiver `t` at `2t`, `2t + 1`. */
  state: Float64Array;
  /** Bandwidth horizon (`freeAt`) by receiver; null until a bandwidth rule applies. */
  freeAt: Float64Array | null;
  /** `blockVersion * 2 + blocked` by receiver; null until a block exists. */
  blocked: Int32Array | null;
  /** The effective faults by receiver while rules exist, and the version they are of. */
  eff: (Effective | undefined)[] | null;
  effVersion: Int32Array | null;
}

/** Makes `row` hold receiver `t`: its arrays are copied into ones twice as long (or more). */
function widen(row: LinkRow, t: number): void {
  let room = row.room;
  while (room <= t) room *= 2;
  row.room = room;
  const grow = <A extends Float64Array | Int32Array>(a: A, len: number): A => {
    const b = new (a.constructor as new (n: number) => A)(len);
    b.set(a);
    return b;
  };
  row.state = grow(row.state, 2 * room);
  if (row.freeAt !== null) row.freeAt = grow(row.freeAt, room);
  if (row.blocked !== null) row.blocked = grow(row.blocked, room);
  if (row.effVersion !== null) row.effVersion = grow(row.effVersion, room);
  if (row.eff !== null) { while (row.eff.length < room) row.eff.push(undefined); }
}

/**
 * Link ids are `from * LINK_ROW + to` (indices given on first sight, never changed):
 * small integers (below 2^30), kept unboxed in the runtime's events.
 */
const LINK_BITS = 15;
const LINK_ROW = 2 ** LINK_BITS;
const LINK_MASK = LINK_ROW - 1;

/**
 * The {@link Fate} a network reuses: its `link` is a getter on the prototype, so that the
 * fields written per message stay plain (a getter on the object itself slowed every
 * route by a few percent).
 */
class RoutedFate implements Fate {
  count = 0;
  reason: DropReason | null = null;
  linkId = -1;
  readonly at = [0, 0];
  readonly tampered = [false, false];
  integrity: Integrity = "none";
  readonly #handle: (id: number) => LinkHandle;

  constructor(handle: (id: number) => LinkHandle) {
    this.#handle = handle;
  }

  get link(): LinkHandle | null {
    return this.linkId < 0 ? null : this.#handle(this.linkId);
  }
}

/**
 * A fault-injecting network. `random` must be the run's seeded source so fates replay.
 *
 * @example
 * ```ts
 * import { Network } from "./network.ts";
 * const net = new Network(["n1", "n2", "n3"], () => 0.5);
 * net.partition([["n1"], ["n2", "n3"]]);
 * net.route("n1", "n2", 0).count; // 0: dropped, reason "partition"
 * ```
 */
export class Network {
  #nodes: NodeId[];
  #random: () => number;
  #base: LinkFaults;
  #rules: LinkRule[] = [];
  #blocks: LinkBlock[] = [];
  #blocked = new Set<string>();
  /**
   * Link state by sender, then receiver, each a small number (an index given on first
   * sight): one hot map of ids and array rows, not a map per sender — with a thousand
   * nodes those maps were cold, a cache miss per message.
   */
  #index = new Map<NodeId, number>();
  #rows: (LinkRow | undefined)[] = [];
  /** Bumped whenever the rules change (never 0: a fresh row's versions are 0). */
  #version = 1;
  /** Bumped whenever the blocked set changes (never 0, as `#version`). */
  #blockVersion = 1;
  #nextId = 1;
  #watchers = new Set<() => void>();
  /** The effective faults of every link while no rule exists (shared, never changed). */
  #baseEff: Effective | null = null;
  /** The receivers' links of the last sender routed from (a flush routes many in a row). */
  #lastFrom: NodeId | null = null;
  #lastF = 0;
  /** The receiver routed to last, and its index (a flush sends many to one node). */
  #lastTo: NodeId | null = null;
  #lastT = 0;
  #fate: Fate;
  /**
   * Where the runtime's copies in flight can be listed (their link ids), or null: then
   * every link's count in flight is kept at all times, else only while a queue limit
   * needs it (see {@link countInFlightFrom}).
   */
  #inFlightSource: (() => Iterable<number>) | null = null;
  /** Whether the counts in flight are kept now (always, without a source). */
  #counting = true;
  /** Handles handed out by {@link Fate.link}, by link id (only for who asks for them). */
  #handles = new Map<number, LinkHandle>();

  /** `base` is the fault-free behaviour (default: 1–3 ms uniform delay). */
  constructor(
    nodes: readonly NodeId[],
    random: () => number,
    base: LinkFaults = DEFAULT_LINK_FAULTS,
  ) {
    this.#nodes = [...nodes];
    this.#random = random;
    this.#base = base;
    this.#fate = new RoutedFate((id) => this.#handle(id));
  }

  /** The nodes partitions are computed over. */
  get nodes(): readonly NodeId[] {
    return this.#nodes;
  }

  /** Replaces the node list (membership change); existing blocks keep their links. */
  setNodes(nodes: readonly NodeId[]): void {
    this.#nodes = [...nodes];
  }

  /** Decides the fate of one message sent at `now`. */
  route(from: NodeId, to: NodeId, now: number): Fate {
    const fate = this.#fate;
    fate.count = 0;
    fate.reason = null;
    let f = this.#lastF;
    if (from !== this.#lastFrom) {
      f = this.#indexOf(from);
      this.#lastFrom = from;
      this.#lastF = f;
    }
    let t = this.#lastT;
    if (to !== this.#lastTo) {
      t = this.#indexOf(to);
      this.#lastTo = to;
      this.#lastT = t;
    }
    const row = this.#rows[f] ?? this.#newRow(f);
    if (t >= row.room) widen(row, t);
    fate.linkId = (f << LINK_BITS) | t;
    if (this.#blocked.size > 0 && this.#isBlockedAt(row, t, from, to)) {
      fate.reason = "partition";
      return fate;
    }
    const e = this.#rules.length === 0
      ? this.#baseEff ??= this.#merge(from, to)
      : this.#ruledEff(row, t, from, to);
    const state = row.state;
    const s = 2 * t;
    // Not counting: no queue limit applies (see #recount).
    const counting = this.#counting;
    const plain = e.plainDelay;
    if (plain === plain) {
      // A plain link (see Effective.plainDelay): what the general path below does for it.
      let at = now + plain;
      if (at < state[s]!) at = state[s]!; // per-link FIFO
      else state[s] = at;
      fate.at[0] = at;
      fate.tampered[0] = false;
      fate.count = 1;
      fate.integrity = e.integrity;
      if (counting) state[s + 1] = state[s + 1]! + 1;
      return fate;
    }
    const rnd = this.#random;
    if (e.drop > 0 && rnd() < e.drop) {
      fate.reason = "loss";
      return fate;
    }
    if (counting && state[s + 1]! >= e.queueLimit) {
      fate.reason = "queue";
      return fate;
    }
    let depart = now;
    if (e.bandwidth < Infinity) {
      const freeAt = row.freeAt ??= new Float64Array(row.room);
      depart = Math.max(now, freeAt[t]!) + 1000 / e.bandwidth;
      freeAt[t] = depart;
    }
    const copies = e.duplicate > 0 && rnd() < e.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      let at = depart + sampleDelay(e.delay, rnd);
      if (e.reorder > 0 && rnd() < e.reorder) {
        // Out of order: an extra random hold lets later messages overtake this one.
        at += rnd() * (2 * (at - depart) + 5);
      } else if (at < state[s]!) {
        at = state[s]!; // per-link FIFO unless reordered
      } else {
        state[s] = at;
      }
      fate.at[i] = at;
      fate.tampered[i] = e.tamper > 0 && rnd() < e.tamper;
    }
    fate.count = copies;
    fate.integrity = e.integrity;
    if (counting) state[s + 1] = state[s + 1]! + copies;
    return fate;
  }

  /** Tells the network a copy on `from → to` left the link (delivered or discarded). */
  delivered(from: NodeId, to: NodeId): void {
    if (!this.#counting) return;
    const f = this.#index.get(from), t = this.#index.get(to);
    if (f === undefined || t === undefined) return;
    this.leftLinkId((f << LINK_BITS) | t);
  }

  /** {@link delivered} for the link a {@link Fate} handed out. */
  leftLink(link: LinkHandle): void {
    if (link.inFlight > 0) link.inFlight--;
  }

  /** {@link delivered} for the link id a {@link Fate} handed out ({@link Fate.linkId}). */
  leftLinkId(id: number): void {
    if (!this.#counting) return;
    const f = id >> LINK_BITS;
    const row = this.#rows[f];
    if (row === undefined) return;
    const s = 2 * (id & LINK_MASK) + 1;
    const state = row.state;
    if (state[s]! > 0) state[s] = state[s]! - 1;
  }

  /**
   * The runtime can list the copies in flight (the {@link Fate.linkId} of each copy it
   * holds and has not yet told {@link leftLinkId} or {@link delivered} of): then the
   * network counts copies in flight only while a queue limit applies, and recounts from
   * `source` when one starts to. A copy in flight costs a memory access less on each
   * end (with a thousand nodes, a million links: a cache miss), and every decision is
   * the one full counting would make.
   */
  countInFlightFrom(source: () => Iterable<number>): void {
    this.#inFlightSource = source;
    this.#recount();
  }

  /** Keeps counts in flight only while a queue limit needs them (see {@link countInFlightFrom}). */
  #recount(): void {
    if (this.#inFlightSource === null) return;
    const need = this.#base.queueLimit !== undefined ||
      this.#rules.some((r) => r.queueLimit !== undefined);
    if (need) this.#countNow();
    else this.#counting = false;
  }

  /** Starts counting, from the copies the runtime lists, if it had stopped. */
  #countNow(): void {
    if (this.#counting) return;
    for (const row of this.#rows) {
      if (row === undefined) continue;
      const state = row.state;
      for (let s = 1; s < state.length; s += 2) state[s] = 0;
    }
    for (const id of this.#inFlightSource!()) {
      const f = id >> LINK_BITS;
      const row = this.#rows[f] ?? this.#newRow(f);
      const s = 2 * (id & LINK_MASK) + 1;
      row.state[s] = row.state[s]! + 1;
    }
    this.#counting = true;
  }

  /** Whether messages from `from` to `to` are currently blocked by a partition or cut. */
  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.#blocked.has(linkKey(from, to));
  }

  /** Splits the nodes into groups (unlisted nodes form one more group). Returns the block id. */
  partition(groups: readonly (readonly NodeId[])[]): number {
    const description = groups.map((g) => g.join(",")).join(" | ");
    return this.#block("partition", description, partitionLinks(this.#nodes, groups));
  }

  /** Cuts a node off from every other node. */
  isolate(node: NodeId): number {
    return this.#block("isolate", node, partitionLinks(this.#nodes, [[node]]));
  }

  /** Cuts only the direction `from → to`. */
  cut(from: NodeId, to: NodeId): number {
    return this.#block("cut", `${from} -> ${to}`, new Set([linkKey(from, to)]));
  }

  /** Two halves joined only through the middle node. */
  bridge(): number {
    return this.#block("bridge", this.#nodes.join(","), bridgeLinks(this.#nodes));
  }

  /** Every node sees a majority, no two the same one. */
  majoritiesRing(): number {
    return this.#block("majorities-ring", this.#nodes.join(","), majoritiesRingLinks(this.#nodes));
  }

  /** Adds a link rule (`*` for any node); later rules override earlier ones field by field. */
  addRule(from: NodeId | "*", to: NodeId | "*", faults: LinkFaults): number {
    const id = this.#nextId++;
    this.#rules.push({ ...faults, id, from, to });
    this.#version++;
    this.#recount();
    this.#changed();
    return id;
  }

  /** Removes a rule or block by id; returns whether it existed. */
  remove(id: number): boolean {
    const r = this.#rules.findIndex((x) => x.id === id);
    if (r >= 0) {
      this.#rules.splice(r, 1);
      this.#version++;
      this.#recount();
      this.#unqueue();
      this.#changed();
      return true;
    }
    const b = this.#blocks.findIndex((x) => x.id === id);
    if (b >= 0) {
      this.#blocks.splice(b, 1);
      this.#recomputeBlocked();
      this.#changed();
      return true;
    }
    return false;
  }

  /**
   * Removes every partition, cut and rule: the network is reliable again (up to `base`),
   * at once — messages sent from now on do not queue behind ones a removed delay or
   * bandwidth rule still holds (those arrive when they were due, after newer ones).
   */
  heal(): void {
    this.#rules = [];
    this.#blocks = [];
    this.#blocked.clear();
    this.#blockVersion++;
    this.#version++;
    this.#recount();
    this.#unqueue();
    this.#changed();
  }

  /** Forgets each link's FIFO and bandwidth horizon: what is sent next leaves at once. */
  #unqueue(): void {
    for (const row of this.#rows) {
      if (row === undefined) continue;
      const state = row.state;
      for (let s = 0; s < state.length; s += 2) state[s] = 0;
      row.freeAt?.fill(0);
    }
  }

  /** Removes partitions and cuts only, keeping loss/delay rules. */
  healPartitions(): void {
    this.#blocks = [];
    this.#blocked.clear();
    this.#blockVersion++;
    this.#changed();
  }

  /** Every rule and block, with the links each block cuts (see {@link NetworkRules}). */
  rules(): NetworkRules {
    return {
      base: this.#base,
      rules: this.#rules.map((r) => ({ ...r })),
      blocks: this.#blocks.map(({ id, kind, description, links }) => ({
        id,
        kind,
        description,
        links: [...links],
      })),
    };
  }

  /**
   * Replaces every rule and block with `r` (another network's {@link rules}): a node
   * process adopts the control process's faults this way.
   */
  adopt(r: NetworkRules): void {
    this.#base = r.base;
    this.#baseEff = null; // the shared base faults changed with it
    this.#rules = r.rules.map((x) => ({ ...x }));
    this.#blocks = r.blocks.map((b) => ({ ...b, links: new Set(b.links) }));
    this.#nextId = Math.max(
      this.#nextId,
      ...r.rules.map((x) => x.id + 1),
      ...r.blocks.map((b) => b.id + 1),
    );
    this.#version++;
    this.#recount();
    this.#recomputeBlocked();
    this.#unqueue();
    this.#changed();
  }

  /** Calls `fn` after every change of rules or blocks; returns the unsubscribe function. */
  watch(fn: () => void): () => void {
    this.#watchers.add(fn);
    return () => this.#watchers.delete(fn);
  }

  #changed(): void {
    for (const fn of this.#watchers) fn();
  }

  /** The active rules and blocks as plain data. */
  state(): NetworkState {
    return {
      base: this.#base,
      rules: this.#rules.map((r) => ({ ...r })),
      blocks: this.#blocks.map(({ id, kind, description }) => ({ id, kind, description })),
    };
  }

  #block(kind: LinkBlock["kind"], description: string, links: Set<string>): number {
    const id = this.#nextId++;
    this.#blocks.push({ id, kind, description, links });
    for (const l of links) this.#blocked.add(l);
    this.#blockVersion++;
    this.#changed();
    return id;
  }

  #recomputeBlocked(): void {
    this.#blocked.clear();
    for (const b of this.#blocks) for (const l of b.links) this.#blocked.add(l);
    this.#blockVersion++;
  }

  /** Whether a partition or cut blocks `from → to`, remembered per link until the blocks change. */
  #isBlockedAt(row: LinkRow, t: number, from: NodeId, to: NodeId): boolean {
    const blocked = row.blocked ??= new Int32Array(row.room);
    const v = blocked[t]!;
    if (v >> 1 === this.#blockVersion) return (v & 1) === 1;
    const b = this.#blocked.has(linkKey(from, to));
    blocked[t] = this.#blockVersion * 2 + (b ? 1 : 0);
    return b;
  }

  /** The effective faults of `from → to` while rules exist, merged once per rule change. */
  #ruledEff(row: LinkRow, t: number, from: NodeId, to: NodeId): Effective {
    const effs = row.eff ??= new Array<Effective | undefined>(row.room).fill(undefined);
    const versions = row.effVersion ??= new Int32Array(row.room);
    let e = effs[t];
    if (e === undefined || versions[t] !== this.#version) {
      e = effs[t] = this.#merge(from, to);
      versions[t] = this.#version;
    }
    return e;
  }

  #newRow(f: number): LinkRow {
    const row: LinkRow = {
      room: 4,
      state: new Float64Array(8),
      freeAt: null,
      blocked: null,
      eff: null,
      effVersion: null,
    };
    this.#rows[f] = row;
    return row;
  }

  /** A {@link LinkHandle} over the link's count in flight, for {@link Fate.link}. */
  #handle(id: number): LinkHandle {
    let h = this.#handles.get(id);
    if (h === undefined) {
      const f = id >> LINK_BITS;
      const s = 2 * (id & LINK_MASK) + 1;
      const row = () => this.#rows[f] ?? this.#newRow(f);
      const counted = () => this.#countNow();
      h = {
        get inFlight(): number {
          counted();
          return row().state[s]!;
        },
        set inFlight(v: number) {
          counted();
          row().state[s] = v;
        },
      };
      this.#handles.set(id, h);
    }
    return h;
  }

  #indexOf(id: NodeId): number {
    let i = this.#index.get(id);
    if (i === undefined) {
      i = this.#index.size;
      if (i >= LINK_ROW) throw new RangeError(`a network holds at most ${LINK_ROW} nodes`);
      this.#index.set(id, i);
      this.#rows.push(undefined);
    }
    return i;
  }

  #merge(from: NodeId, to: NodeId): Effective {
    const merged: LinkFaults = { ...this.#base };
    // Broader rules first, then more specific ones; within a level, later rules win.
    for (let level = 0; level < 3; level++) {
      for (const r of this.#rules) {
        const spec = (r.from === "*" ? 0 : 1) + (r.to === "*" ? 0 : 1);
        if (spec !== level) continue;
        if ((r.from === "*" || r.from === from) && (r.to === "*" || r.to === to)) {
          for (const k of FIELDS) {
            if (r[k] !== undefined) (merged as Record<string, unknown>)[k] = r[k];
          }
        }
      }
    }
    const e: Effective = {
      plainDelay: NaN,
      drop: merged.drop ?? 0,
      delay: merged.delay ?? { kind: "constant", ms: 0 },
      duplicate: merged.duplicate ?? 0,
      reorder: merged.reorder ?? 0,
      tamper: merged.tamper ?? 0,
      queueLimit: merged.queueLimit ?? Infinity,
      bandwidth: merged.bandwidth ?? Infinity,
      integrity: merged.integrity ?? "none",
    };
    if (
      e.delay.kind === "constant" && !(e.drop > 0) && !(e.duplicate > 0) && !(e.reorder > 0) &&
      !(e.tamper > 0) && e.queueLimit === Infinity && e.bandwidth === Infinity
    ) {
      // A constant delay draws nothing: the same number `sampleDelay` gives at each route.
      e.plainDelay = sampleDelay(e.delay, () => 0);
    }
    return e;
  }
}

const FIELDS = [
  "drop",
  "delay",
  "duplicate",
  "reorder",
  "tamper",
  "queueLimit",
  "bandwidth",
  "integrity",
] as const;

/**
 * Checks link faults received from an API or command line; returns an error or null.
 *
 * @example
 * ```ts
 * import { validateLinkFaults } from "./network.ts";
 * validateLinkFaults({ drop: 1.5 }); // "drop must be a probability between 0 and 1"
 * ```
 */
export function validateLinkFaults(f: LinkFaults): string | null {
  for (const k of ["drop", "duplicate", "reorder", "tamper"] as const) {
    const v = f[k];
    if (v !== undefined && !(typeof v === "number" && v >= 0 && v <= 1)) {
      return `${k} must be a probability between 0 and 1`;
    }
  }
  for (const k of ["queueLimit", "bandwidth"] as const) {
    const v = f[k];
    if (v !== undefined && !(typeof v === "number" && v > 0)) {
      return `${k} must be a positive number`;
    }
  }
  if (
    f.integrity !== undefined && !(INTEGRITY_KINDS as readonly unknown[]).includes(f.integrity)
  ) {
    return `integrity must be one of ${INTEGRITY_KINDS.join(", ")}`;
  }
  return null;
}
