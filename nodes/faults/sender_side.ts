/**
 * The fault model applied where a node's messages leave, for runtimes in which nodes
 * send to each other directly (node processes over TCP; later, Workers with their own
 * `MessagePort`s) instead of through one router that sees every message. It is the
 * Worker cluster's {@link Router} — the same message path, schema check, integrity and
 * delays — over a {@link Network} that holds the rules the control side pushes
 * (`faults` messages, each with a version: one older than the rules held is ignored) and
 * the node's Byzantine mode, if control gives it one.
 * Copies that survive are handed to `transmit`, one batch per destination per firing;
 * it knows nothing of the transport. What it counts and traces is kept for
 * {@link SenderSide.takeReport}, which the node sends to control as a `links` report.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import type { MessageSchema } from "../../protocols/message_schema.ts";
import { createRng } from "../../protocols/random.ts";
import type { Outgoing } from "../node_host.ts";
import type { TraceEvent } from "../trace.ts";
import { LinkCounters } from "../worker/link_counters.ts";
import { Router } from "../worker/router.ts";
import type { LinkReport, WireDelivery } from "../worker_protocol.ts";
import { Network, type NetworkRules } from "./network.ts";
import { Byzantine, type ByzantineMode, type Liar } from "./byzantine.ts";

/**
 * What a {@link SenderSide} is wired to.
 *
 * @example
 * ```ts
 * import type { SenderSideOptions } from "./sender_side.ts";
 * const o: SenderSideOptions = { id: "n1", peers: ["n2"], transmit: () => 0 };
 * ```
 */
export interface SenderSideOptions {
  /** The sending node. */
  readonly id: NodeId;
  /** Every node it may send to. */
  readonly peers: readonly NodeId[];
  /**
   * Hands `to` a batch of copies that survived the fault model, in order; returns how
   * many of them the transport dropped itself (a full queue), counted and traced as
   * `queue` drops.
   */
  readonly transmit: (to: NodeId, batch: WireDelivery[]) => number;
  /** Called when there is something to report (to schedule a {@link SenderSide.takeReport}). */
  readonly onReport?: () => void;
  /** Seeds the fault model's random choices (default: the node id). */
  readonly seed?: string;
  /**
   * The clock of delays and trace events (default: `performance.now()`); a Worker gives
   * the cluster's time, so its events line up with the main thread's.
   */
  readonly now?: () => number;
  /** Why `transmit` dropped copies to `to`, for the trace (default: `queue`). */
  readonly dropReason?: (to: NodeId) => string;
  /**
   * `transmit` encodes the batch before it returns and keeps none of its objects (a
   * socket's transport): it is handed the router's copies as they are — deliveries with
   * a few more fields — instead of fresh deliveries (one object per message fewer).
   * Default false: a `postMessage` would carry the extra fields.
   */
  readonly transmitEncodes?: boolean;
}

/**
 * One node's sending side.
 *
 * @example
 * ```ts
 * import { SenderSide } from "./sender_side.ts";
 * import type { WireDelivery } from "../worker_protocol.ts";
 * const out: WireDelivery[] = [];
 * const side = new SenderSide({ id: "n1", peers: ["n2"], transmit: (_to, b) => (out.push(...b), 0) });
 * side.send([{ to: "n2", body: "hi", lamport: 1, vclock: { n1: 1 } }]);
 * await Promise.resolve(); // zero delay: flushed in a microtask
 * out.length; // 1
 * side.takeReport()?.counts; // [["n1", "n2", "sent", 1]]
 * side.close();
 * ```
 */
export class SenderSide {
  readonly #o: SenderSideOptions;
  readonly #network: Network;
  readonly #router: Router;
  readonly #counters = new LinkCounters({ changes: true });
  readonly #byzantine = new Byzantine();
  #events: TraceEvent[] = [];
  #version = -1;
  readonly #members = new Set<NodeId>();

  constructor(o: SenderSideOptions) {
    this.#o = o;
    const rng = createRng(`${o.seed ?? o.id}:network`);
    const random = () => rng.next();
    // No fault and no delay until the control side says otherwise.
    this.#network = new Network([o.id, ...o.peers], random, {});
    const members = this.#members;
    for (const p of [o.id, ...o.peers]) members.add(p);
    this.#router = new Router({
      network: this.#network,
      random,
      counters: this.#counters,
      now: o.now ?? (() => performance.now()),
      isMember: (id) => members.has(id),
      sink: (to, batch) => this.#transmit(to, batch),
      trace: (e) => this.#trace(e),
      byzantine: this.#byzantine,
    });
  }

  /**
   * Makes this node Byzantine in `mode` (null: correct again): what it sends is rewritten
   * first, as in every runtime (`byzantine.ts`); `liar` is the protocol's own lie.
   */
  setByzantine(mode: ByzantineMode | null, liar?: Liar): void {
    if (liar !== undefined) this.#byzantine.liar = liar;
    this.#byzantine.set(this.#o.id, mode);
  }

  /** This node's Byzantine mode, or null. */
  get byzantine(): ByzantineMode | null {
    return this.#byzantine.modeOf(this.#o.id);
  }

  /** Whether send / drop / duplicate events are kept for the report. */
  get tracing(): boolean {
    return this.#router.tracing;
  }

  set tracing(on: boolean) {
    this.#router.tracing = on;
  }

  /** The version of the fault rules held (-1: none yet). */
  get faultsVersion(): number {
    return this.#version;
  }

  /** The fault model (read it; change it only through {@link applyFaults}). */
  get network(): Network {
    return this.#network;
  }

  /** Checks every message against the protocol's schema from now on. */
  setMessageSchema(schema: MessageSchema | undefined): void {
    this.#router.setMessageSchema(schema);
  }

  /** Adopts the control side's rules unless they are older than those held; says whether. */
  applyFaults(version: number, rules: NetworkRules): boolean {
    if (version <= this.#version) return false;
    this.#version = version;
    this.#network.adopt(rules);
    return true;
  }

  /** Sends the messages the node emitted, through the fault model. */
  send(messages: readonly Outgoing[]): void {
    if (messages.length === 0) return;
    this.#router.send(this.#o.id, messages);
    this.#o.onReport?.();
  }

  /** Lets the node send to `peer` (a member that joined), or (false) no more: `unknown`. */
  setMember(peer: NodeId, member: boolean): void {
    if (member === this.#members.has(peer)) return;
    if (member) this.#members.add(peer);
    else this.#members.delete(peer);
    this.#network.setNodes([...this.#members]);
  }

  /**
   * Counts a copy from `from` that reached this node but was not taken in (a paused
   * node's full backlog), traced as a drop with `reason`.
   */
  droppedOnArrival(from: NodeId, body: unknown, reason: string): void {
    this.#counters.add(from, this.#o.id, "dropped");
    if (this.#router.tracing) {
      this.#trace({ time: this.#now(), kind: "drop", node: this.#o.id, peer: from, body, reason });
    }
    this.#o.onReport?.();
  }

  /** Counts messages the node took in (`delivered`, per sender), for the report. */
  delivered(batch: readonly WireDelivery[]): void {
    let from = batch[0]?.from;
    let n = 0;
    for (const d of batch) {
      if (d.from !== from) {
        this.#counters.add(from!, this.#o.id, "delivered", n);
        from = d.from;
        n = 0;
      }
      n++;
    }
    if (n > 0) this.#counters.add(from!, this.#o.id, "delivered", n);
    this.#o.onReport?.();
  }

  /** What was counted since the last report, and the events traced; null when nothing. */
  takeReport(): LinkReport | null {
    const counts = this.#counters.takeChanges();
    if (counts.length === 0 && this.#events.length === 0) return null;
    const events = this.#events;
    this.#events = [];
    return { type: "links", counts, events };
  }

  /** Forgets every copy still delayed. */
  close(): void {
    this.#router.close();
  }

  #transmit(
    to: NodeId,
    batch: readonly {
      from: NodeId;
      body: unknown;
      lamport: number;
      vclock: WireDelivery["vclock"];
      vc?: number;
    }[],
  ): void {
    const wire: WireDelivery[] = this.#o.transmitEncodes === true
      ? batch as WireDelivery[]
      : batch.map((m) =>
        // Only a host that keeps no vectors stamps its own entry (`vc`).
        m.vc === undefined
          ? { from: m.from, body: m.body, lamport: m.lamport, vclock: m.vclock }
          : { from: m.from, body: m.body, lamport: m.lamport, vclock: m.vclock, vc: m.vc }
      );
    const dropped = this.#o.transmit(to, wire);
    if (dropped === 0) return;
    this.#counters.add(this.#o.id, to, "dropped", dropped);
    if (this.#router.tracing) {
      for (const m of wire.slice(wire.length - dropped)) {
        this.#trace({
          time: this.#now(),
          kind: "drop",
          node: this.#o.id,
          peer: to,
          body: m.body,
          reason: this.#o.dropReason?.(to) ?? "queue",
        });
      }
    }
  }

  #now(): number {
    return this.#o.now?.() ?? performance.now();
  }

  #trace(e: TraceEvent): void {
    this.#events.push(e);
    this.#o.onReport?.();
  }
}
