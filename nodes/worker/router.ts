/**
 * The fault-injecting router of the Worker cluster: every message a node sends passes
 * through the shared {@link Network} (the same fault model as the simulator), waits in
 * a time-ordered queue until its delivery time, and is then handed on in batches.
 *
 * One real timer is armed for the earliest due message. When it fires, every due copy
 * is taken out and grouped by destination, and the sink is called once per destination
 * — so a busy cluster costs one `postMessage` per node per firing, not one per message.
 * Copies that are due at once (a zero-delay network) skip the timer: they are flushed
 * in a microtask right after the output that sent them has been routed.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { EventQueue } from "../event_queue.ts";
import type { Network } from "../faults/network.ts";
import { NO_VECTOR, type Outgoing } from "../node_host.ts";
import { type PathSinks, routeMessages } from "../faults/message_path.ts";
import type { TraceEvent } from "../trace.ts";
import type { WireDelivery } from "../worker_protocol.ts";
import type { LinkCounters } from "./link_counters.ts";
import { LinkIntegrity } from "../faults/link_integrity.ts";
import { schemaCheck } from "../../protocols/message_schema.ts";
import type { MessageSchema } from "../../protocols/message_schema.ts";
import type { Byzantine } from "../faults/byzantine.ts";

/**
 * A copy on its way: due at `time` (router ms), tie-broken by `seq`.
 *
 * @example
 * ```ts
 * import type { InFlight } from "./router.ts";
 * const m: InFlight = { time: 12, seq: 0, from: "n1", to: "n2", body: {}, lamport: 3, vclock: { n1: 3 } };
 * ```
 */
export interface InFlight extends WireDelivery {
  time: number;
  seq: number;
  readonly to: NodeId;
}

/**
 * What a router is wired to.
 *
 * @example
 * ```ts ignore
 * import type { RouterOptions } from "./router.ts";
 * const o: RouterOptions = { network, random, counters, now, isMember, sink, trace };
 * ```
 */
export interface RouterOptions {
  readonly network: Network;
  /** The run's seeded source, for tampering. */
  readonly random: () => number;
  readonly counters: LinkCounters;
  /** Router time in ms (the clock the network's delays are added to). */
  readonly now: () => number;
  /** Whether `id` is a member; messages to others are dropped as `unknown`. */
  readonly isMember: (id: NodeId) => boolean;
  /** Receives every due copy for `to`, in delivery order, once per firing. */
  readonly sink: (to: NodeId, batch: InFlight[]) => void;
  /** Receives send / drop / duplicate events while {@link Router.tracing} is on. */
  readonly trace: (e: TraceEvent) => void;
  /** The secret every link key is derived from (default: 32 random bytes). */
  readonly secret?: Uint8Array;
  /**
   * The cluster's Byzantine nodes: what they send is rewritten on the shared message
   * path before anything else, as in the simulator (default: none ever).
   */
  readonly byzantine?: Byzantine;
}

/**
 * Copies due within this much of now are delivered in the same firing (timers have
 * millisecond granularity; waiting for a fraction of one would only cost a wake-up).
 */
const SLACK_MS = 0.5;

/**
 * A message router with a fault-injecting network and batched delivery.
 *
 * @example
 * ```ts
 * import { Router } from "./router.ts";
 * import { LinkCounters } from "./link_counters.ts";
 * import { Network } from "../faults/network.ts";
 * const batches: string[] = [];
 * const router = new Router({
 *   network: new Network(["n1", "n2"], () => 0.5, { delay: { kind: "constant", ms: 0 } }),
 *   random: () => 0.5,
 *   counters: new LinkCounters(),
 *   now: () => performance.now(),
 *   isMember: (id) => id === "n1" || id === "n2",
 *   sink: (to, batch) => batches.push(`${to}:${batch.length}`),
 *   trace: () => {},
 * });
 * router.send("n1", [{ to: "n2", body: 1, lamport: 1, vclock: { n1: 1 } }]);
 * // …after the timer fires, batches is ["n2:1"]
 * router.close();
 * ```
 */
export class Router {
  /** Whether send / drop / duplicate trace events are produced. */
  tracing = false;
  /** Batches handed to the sink so far (one per destination per firing). */
  batches = 0;
  /** Copies refused at the boundary: malformed, corrupt, unauthentic or replayed. */
  rejected = 0;
  readonly #o: RouterOptions;
  #queue = new EventQueue<InFlight>();
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #timerAt = Infinity;
  /** A flush of copies already due is queued as a microtask. */
  #flushQueued = false;
  #batches = new Map<NodeId, InFlight[]>();
  #closed = false;
  /**
   * Copies already due when routed while the queue was empty (zero delay, the usual
   * case): they skip the queue's heap, in routing order, each beside its link. Flushed
   * before the queue, whose copies were all routed after them.
   */
  #due: InFlight[] = [];
  /**
   * The link of each copy in {@link #due}, at its index: one buffer kept from flush to
   * flush (a flush reads it before anything can route again), not an array per flush.
   */
  #dueLinks = new Int32Array(64);
  /** Copies at or before this time are due now (set per routed output). */
  #dueBy = -Infinity;

  /** The message path's sinks: counters, the trace, and this router's queue. */
  readonly #sinks: PathSinks;

  constructor(options: RouterOptions) {
    this.#o = options;
    const counters = options.counters;
    this.#sinks = {
      isMember: options.isMember,
      count: (from, to, what) => {
        if (what === "rejected") this.rejected++;
        else counters.add(from, to, what);
      },
      countSent: (from, to, n) => counters.add(from, to, "sent", n),
      trace: null,
      deliverAt: (time, from, to, body, m, link) => {
        const copy: InFlight = {
          time,
          seq: this.#seq++,
          from,
          to,
          body,
          lamport: m.lamport,
          vclock: m.vclock,
          // A host that keeps no vectors (large clusters): its own entry stands for one.
          vc: m.vclock === NO_VECTOR ? m.vc : undefined,
        };
        if (time <= this.#dueBy && this.#queue.size === 0) {
          const i = this.#due.push(copy) - 1;
          if (i === this.#dueLinks.length) {
            const wider = new Int32Array(2 * i);
            wider.set(this.#dueLinks);
            this.#dueLinks = wider;
          }
          this.#dueLinks[i] = link;
        } else this.#queue.push(copy);
      },
      random: options.random,
      check: null,
      integrity: new LinkIntegrity(options.secret ?? crypto.getRandomValues(new Uint8Array(32))),
      ...(options.byzantine === undefined ? {} : { byzantine: options.byzantine }),
    };
  }

  /**
   * Checks every message against the protocol's schema from now on (the descriptor is
   * known once the protocol is loaded); a message that fails it is dropped as `malformed`.
   */
  setMessageSchema(schema: MessageSchema | undefined): void {
    this.#sinks.check = schemaCheck(schema);
  }

  /** Copies waiting in the queue. */
  get inFlight(): number {
    return this.#queue.size + this.#due.length;
  }

  /** Whether the delivery timer is armed. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** Routes the messages `from` sent (one output of its Worker). */
  send(from: NodeId, messages: readonly Outgoing[]): void {
    if (this.#closed || messages.length === 0) return;
    const now = this.#o.now();
    this.#sinks.trace = this.tracing ? this.#o.trace : null;
    this.#dueBy = now + SLACK_MS;
    try {
      routeMessages(this.#o.network, from, messages, now, this.#sinks);
    } finally {
      this.#dueBy = -Infinity;
    }
    this.#arm(now);
  }

  /** Stops the timer and forgets every copy in flight. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#queue = new EventQueue<InFlight>();
    this.#due = [];
  }

  #arm(now: number): void {
    const next = this.#queue.peek();
    if (this.#due.length > 0 || (next !== undefined && next.time <= now + SLACK_MS)) {
      // Already due (zero delay): a timer would add a millisecond or more per hop, so
      // flush right after this output is routed — still one batch per destination.
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        queueMicrotask(() => {
          this.#flushQueued = false;
          this.#deliverDue();
        });
      }
      return;
    }
    if (next === undefined || next.time >= this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = next.time;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.ceil(next.time - now)));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#deliverDue();
  }

  #deliverDue(): void {
    if (this.#closed) return;
    const now = this.#o.now();
    const due = now + SLACK_MS;
    const q = this.#queue;
    const { network } = this.#o;
    const batches = this.#batches;
    const direct = this.#due;
    const links = this.#dueLinks;
    this.#due = [];
    let one = direct.length > 0;
    for (let i = 0; i < direct.length; i++) {
      network.leftLinkId(links[i]!);
      if (direct[i]!.to !== direct[0]!.to) one = false;
    }
    const first = q.peek();
    if (one && (first === undefined || first.time > due)) {
      // The usual flush: every copy due to one node, none in the queue. They are the batch.
      this.batches++;
      this.#o.sink(direct[0]!.to, direct);
      this.#arm(now);
      return;
    }
    // A run of copies to one destination looks its batch up once.
    let lastTo: NodeId | null = null;
    let last: InFlight[] = [];
    for (let i = 0; i < direct.length; i++) {
      const next = direct[i]!;
      if (next.to !== lastTo) {
        lastTo = next.to;
        let batch = batches.get(lastTo);
        if (batch === undefined) {
          batch = [];
          batches.set(lastTo, batch);
        }
        last = batch;
      }
      last.push(next);
    }
    for (let next = q.peek(); next !== undefined && next.time <= due; next = q.peek()) {
      q.pop();
      network.delivered(next.from, next.to);
      let batch = batches.get(next.to);
      if (batch === undefined) {
        batch = [];
        batches.set(next.to, batch);
      }
      batch.push(next);
    }
    for (const [to, batch] of batches) {
      if (batch.length > 0) {
        this.batches++;
        this.#o.sink(to, batch);
      }
    }
    batches.clear();
    this.#arm(now);
  }
}
