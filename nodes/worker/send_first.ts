/**
 * Keeps a cluster's trace in causal order when its events come from many threads: with
 * direct links a message's `send` is reported by the sending Worker and its `deliver` by
 * the receiving one, and the main thread may hear the second first. Each node's events
 * pass through a queue of their own; a `deliver` waits (and every later event of its node
 * with it) until the `send` it pairs with has been emitted — the same link and the
 * message's Lamport stamp — or until `maxWaitMs` have passed (a message sent before
 * anyone traced has no `send` to wait for).
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import type { TraceEvent } from "../trace.ts";

/** A held event, with the send it waits for (if it is a delivery). */
interface Held {
  readonly e: TraceEvent;
  readonly link: string | null;
  readonly sent: number;
  readonly since: number;
}

/**
 * A per-node reordering buffer: sends before their deliveries.
 *
 * @example
 * ```ts
 * import { SendFirst } from "./send_first.ts";
 * const out: string[] = [];
 * const order = new SendFirst((e) => out.push(`${e.kind}@${e.node}`), () => 0, 100);
 * order.deliver({ time: 2, kind: "deliver", node: "n2", peer: "n1", lamport: 4 }, 3);
 * order.push({ time: 2, kind: "send", node: "n1", peer: "n2", lamport: 3 });
 * out; // ["send@n1", "deliver@n2"]
 * order.close();
 * ```
 */
export class SendFirst {
  readonly #emit: (e: TraceEvent) => void;
  readonly #now: () => number;
  readonly #maxWaitMs: number;
  /** The highest Lamport stamp of a send emitted per link (`from>to`). */
  readonly #lastSend = new Map<string, number>();
  readonly #queues = new Map<NodeId, Held[]>();
  /** Nodes whose queue waits on a link. */
  readonly #waitingOn = new Map<string, Set<NodeId>>();
  #timer: ReturnType<typeof setInterval> | undefined = undefined;
  /** Queues being emitted now (an emitted send can wake another; never the same twice). */
  readonly #draining = new Set<NodeId>();

  constructor(emit: (e: TraceEvent) => void, now: () => number, maxWaitMs = 100) {
    this.#emit = emit;
    this.#now = now;
    this.#maxWaitMs = maxWaitMs;
  }

  /** Events waiting. */
  get held(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  /** Passes on an event that is not a delivery (in its node's order). */
  push(e: TraceEvent): void {
    const q = this.#queues.get(e.node);
    if (q !== undefined) q.push({ e, link: null, sent: 0, since: this.#now() });
    else this.#out(e);
  }

  /** Passes on a delivery of the message stamped `sent`, after its send. */
  deliver(e: TraceEvent, sent: number): void {
    const link = `${e.peer}>${e.node}`;
    const q = this.#queues.get(e.node);
    if (q === undefined && (this.#lastSend.get(link) ?? -1) >= sent) return this.#out(e);
    const held: Held = { e, link, sent, since: this.#now() };
    if (q !== undefined) q.push(held);
    else {
      this.#queues.set(e.node, [held]);
      this.#wait(link, e.node);
    }
  }

  /** Emits everything held, in each node's order, and stops the timer. */
  close(): void {
    for (const node of [...this.#queues.keys()]) this.#drain(node, true);
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #out(e: TraceEvent): void {
    this.#emit(e);
    if (e.kind !== "send" || e.peer === undefined || e.lamport === undefined) return;
    const link = `${e.node}>${e.peer}`;
    if ((this.#lastSend.get(link) ?? -1) < e.lamport) this.#lastSend.set(link, e.lamport);
    const waiting = this.#waitingOn.get(link);
    if (waiting === undefined) return;
    this.#waitingOn.delete(link);
    for (const node of waiting) this.#drain(node, false);
  }

  #wait(link: string, node: NodeId): void {
    let set = this.#waitingOn.get(link);
    if (set === undefined) this.#waitingOn.set(link, set = new Set());
    set.add(node);
    this.#timer ??= setInterval(() => this.#expire(), Math.max(1, this.#maxWaitMs / 2));
  }

  /** Emits `node`'s events from the head while they may go (all of them if `force`). */
  #drain(node: NodeId, force: boolean): void {
    const q = this.#queues.get(node);
    if (q === undefined || this.#draining.has(node)) return;
    this.#draining.add(node);
    const now = this.#now();
    let i = 0;
    for (; i < q.length; i++) {
      const h = q[i]!;
      if (
        h.link !== null && !force && now - h.since < this.#maxWaitMs &&
        (this.#lastSend.get(h.link) ?? -1) < h.sent
      ) {
        this.#wait(h.link, node);
        break;
      }
      this.#out(h.e); // may drain other queues (a send they wait for)
    }
    this.#draining.delete(node);
    if (i >= q.length) this.#queues.delete(node);
    else q.splice(0, i);
  }

  #expire(): void {
    for (const node of [...this.#queues.keys()]) this.#drain(node, false);
    if (this.#queues.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#waitingOn.clear();
    }
  }
}
