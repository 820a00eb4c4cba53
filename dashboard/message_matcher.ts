/**
 * Pairs the trace's message events into messages: a `send` (stamped by the router with
 * the sender's clocks) with its `deliver` (stamped with the receiver's), a `drop` or a
 * `duplicate`. Trace events carry no message id, so a delivery is matched to the oldest
 * undelivered send on the same link with the same body; a body altered in transit
 * (tamper) or forged by the API (an election `timeout`) arrives unmatched and becomes a
 * message of its own, sent when it was delivered. Events stamped only with their node's
 * own vector entry (`vc`, the simulator's) get their vectors derived from the events seen
 * (`clocks/trace_vectors.ts`).
 *
 * @module
 */

import type { TraceEvent } from "../nodes/trace.ts";
import type { VectorClock } from "../clocks/vector.ts";
import { VectorDeriver } from "../clocks/trace_vectors.ts";

/**
 * One message between two nodes.
 *
 * @example
 * ```ts
 * import type { MessageRecord } from "./message_matcher.ts";
 * const m: MessageRecord = {
 *   id: 1, from: "n1", to: "n2", type: "vote", body: {}, sendTime: 5,
 *   status: "flight", duplicate: false,
 * };
 * ```
 */
export interface MessageRecord {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly type: string;
  readonly body: unknown;
  readonly sendTime: number;
  readonly sendLamport?: number;
  readonly sendVclock?: VectorClock;
  status: "flight" | "delivered" | "dropped";
  duplicate: boolean;
  endTime?: number;
  endLamport?: number;
  endVclock?: VectorClock;
  reason?: string;
}

/**
 * What an event did to a message: the message and what happened to it.
 *
 * @example
 * ```ts
 * import type { MessageChange, MessageRecord } from "./message_matcher.ts";
 * declare const message: MessageRecord;
 * const c: MessageChange = { message, change: "deliver" };
 * ```
 */
export interface MessageChange {
  readonly message: MessageRecord;
  readonly change: "send" | "deliver" | "drop" | "duplicate";
}

/**
 * The type of a message body (`append`, `vote`, …), or `?`.
 *
 * @example
 * ```ts
 * import { messageType } from "./message_matcher.ts";
 * messageType({ type: "heartbeat", term: 3 }); // "heartbeat"
 * messageType(42); // "?"
 * ```
 */
export function messageType(body: unknown): string {
  if (body !== null && typeof body === "object") {
    const t = (body as { type?: unknown; kind?: unknown }).type ??
      (body as { kind?: unknown }).kind;
    if (typeof t === "string") return t;
  }
  return "?";
}

/**
 * Matches message events into {@link MessageRecord}s and keeps the latest ones.
 *
 * @example
 * ```ts
 * import { MessageMatcher } from "./message_matcher.ts";
 * const m = new MessageMatcher();
 * m.apply({ time: 1, kind: "send", node: "n1", peer: "n2", body: { type: "vote" }, lamport: 4 });
 * const c = m.apply({ time: 3, kind: "deliver", node: "n2", peer: "n1", body: { type: "vote" } });
 * c?.change; // "deliver"
 * c?.message.sendTime; // 1
 * ```
 */
export class MessageMatcher {
  #pending: Map<string, MessageRecord[]> = new Map();
  #pendingCount = 0;
  #recent: MessageRecord[] = [];
  #nextId = 1;
  #keep;
  #maxPending;
  #vectors = new VectorDeriver({ keep: 256 });

  /**
   * @param options `keep`: messages remembered
   *   for the diagrams (5000); `maxPending`: undelivered sends remembered (20 000)
   */
  constructor(options: { keep?: number; maxPending?: number } = {}) {
    this.#keep = options.keep ?? 5000;
    this.#maxPending = options.maxPending ?? 20_000;
  }

  /**
   * The latest messages, oldest first (by send).
   */
  recent(): readonly MessageRecord[] {
    return this.#recent;
  }

  /** Sends not yet delivered or dropped. */
  get pendingCount(): number {
    return this.#pendingCount;
  }

  /**
   * Takes in one event; returns what it did to a message, or null for other events.
   */
  apply(e: TraceEvent): MessageChange | null {
    switch (e.kind) {
      case "send":
        return e.peer === undefined
          ? null
          : { message: this.#send(e, e.node, e.peer), change: "send" };
      case "deliver":
        return e.peer === undefined ? null : { message: this.#deliver(e), change: "deliver" };
      case "drop":
        return this.#drop(e);
      case "duplicate":
        return this.#duplicate(e);
      default:
        return null;
    }
  }
  #send(e: TraceEvent, from: string, to: string): MessageRecord {
    const m: MessageRecord = {
      id: this.#nextId++,
      from,
      to,
      type: messageType(e.body),
      body: e.body,
      sendTime: e.time,
      status: "flight",
      duplicate: false,
    };
    if (e.lamport !== undefined) {
      (m as { sendLamport?: number }).sendLamport = e.lamport;
    }
    const vclock = e.vclock ?? this.#vectors.stamp(e);
    if (vclock !== undefined) {
      (m as { sendVclock?: VectorClock }).sendVclock = vclock;
    }
    this.#remember(m);
    this.#enqueue(m);
    return m;
  }
  #deliver(e: TraceEvent): MessageRecord {
    const from = e.peer as string;
    const key = linkKey(from, e.node, e.body);
    let m = this.#dequeue(key, "oldest");
    if (m === null) {
      // Forged or altered on the way: a message of its own, sent as it arrived.
      m = this.#send({ ...e, lamport: undefined, vclock: undefined, vc: undefined }, from, e.node);
      this.#dequeue(key, "newest");
    }
    m.status = "delivered";
    m.endTime = e.time;
    if (e.lamport !== undefined) m.endLamport = e.lamport;
    const vclock = e.vclock ?? this.#vectors.stamp(e);
    if (vclock !== undefined) m.endVclock = vclock;
    return m;
  }

  /**
   * The router drops at the sender (node = sender); the cluster drops a message that
   * reaches a crashed node at the receiver (node = receiver): try both directions.
   */
  #drop(e: TraceEvent): MessageChange | null {
    if (e.peer === undefined) return null;
    let m = this.#dequeue(linkKey(e.node, e.peer, e.body), "newest");
    if (m === null) m = this.#dequeue(linkKey(e.peer, e.node, e.body), "oldest");
    if (m === null) return null;
    m.status = "dropped";
    m.endTime = e.time;
    if (e.reason !== undefined) m.reason = e.reason;
    return { message: m, change: "drop" };
  }
  #duplicate(e: TraceEvent): MessageChange | null {
    if (e.peer === undefined) return null;
    const list = this.#pending.get(linkKey(e.node, e.peer, e.body));
    const original = list?.[list.length - 1];
    if (original === undefined) return null;
    const copy: MessageRecord = { ...original, id: this.#nextId++, duplicate: true };
    this.#remember(copy);
    this.#enqueue(copy);
    return { message: copy, change: "duplicate" };
  }
  #remember(m: MessageRecord) {
    this.#recent.push(m);
    if (this.#recent.length > this.#keep * 1.25) {
      this.#recent = this.#recent.slice(this.#recent.length - this.#keep);
    }
  }
  #enqueue(m: MessageRecord) {
    const key = linkKey(m.from, m.to, m.body);
    const list = this.#pending.get(key);
    if (list === undefined) this.#pending.set(key, [m]);
    else list.push(m);
    if (++this.#pendingCount > this.#maxPending) this.#forgetOldest();
  }
  #dequeue(key: string, which: "oldest" | "newest"): MessageRecord | null {
    const list = this.#pending.get(key);
    if (list === undefined) return null;
    const m = which === "oldest" ? list.shift() : list.pop();
    if (list.length === 0) this.#pending.delete(key);
    if (m === undefined) return null;
    this.#pendingCount--;
    return m;
  }

  /** Sends whose fate was never traced (the stream lagged): forget the oldest half. */
  #forgetOldest() {
    const all = [...this.#pending.values()].flat().sort((a, b) => a.id - b.id);
    const cut = all[Math.floor(all.length / 2)]?.id ?? 0;
    for (const [key, list] of this.#pending) {
      const kept = list.filter((m) => m.id >= cut);
      if (kept.length === 0) this.#pending.delete(key);
      else this.#pending.set(key, kept);
    }
    this.#pendingCount = [...this.#pending.values()].reduce((n, l) => n + l.length, 0);
  }
}
function linkKey(from: string, to: string, body: unknown) {
  return `${from}>${to}>${JSON.stringify(body) ?? ""}`;
}
