// @ts-check
/**
 * Pairs the trace's message events into messages: a `send` (stamped by the router with
 * the sender's clocks) with its `deliver` (stamped with the receiver's), a `drop` or a
 * `duplicate`. Trace events carry no message id, so a delivery is matched to the oldest
 * undelivered send on the same link with the same body; a body altered in transit
 * (tamper) or forged by the API (an election `timeout`) arrives unmatched and becomes a
 * message of its own, sent when it was delivered.
 *
 * @module
 */

/** @typedef {import("./types.js").TraceEvent} TraceEvent */
/** @typedef {import("./types.js").VectorClock} VectorClock */

/**
 * One message between two nodes.
 * @typedef {{
 *   readonly id: number,
 *   readonly from: string,
 *   readonly to: string,
 *   readonly type: string,
 *   readonly body: unknown,
 *   readonly sendTime: number,
 *   readonly sendLamport?: number,
 *   readonly sendVclock?: VectorClock,
 *   status: "flight" | "delivered" | "dropped",
 *   duplicate: boolean,
 *   endTime?: number,
 *   endLamport?: number,
 *   endVclock?: VectorClock,
 *   reason?: string,
 * }} MessageRecord
 */

/**
 * What an event did to a message: the message and what happened to it.
 * @typedef {{ readonly message: MessageRecord, readonly change: "send" | "deliver" | "drop" | "duplicate" }} MessageChange
 */

/**
 * The type of a message body (`append`, `vote`, …), or `?`.
 *
 * @example
 * ```js
 * import { messageType } from "./message_matcher.js";
 * messageType({ type: "heartbeat", term: 3 }); // "heartbeat"
 * messageType(42); // "?"
 * ```
 * @param {unknown} body
 * @returns {string}
 */
export function messageType(body) {
  if (body !== null && typeof body === "object") {
    const t = /** @type {{ type?: unknown, kind?: unknown }} */ (body).type ??
      /** @type {{ kind?: unknown }} */ (body).kind;
    if (typeof t === "string") return t;
  }
  return "?";
}

/**
 * Matches message events into {@link MessageRecord}s and keeps the latest ones.
 *
 * @example
 * ```js
 * import { MessageMatcher } from "./message_matcher.js";
 * const m = new MessageMatcher();
 * m.apply({ time: 1, kind: "send", node: "n1", peer: "n2", body: { type: "vote" }, lamport: 4 });
 * const c = m.apply({ time: 3, kind: "deliver", node: "n2", peer: "n1", body: { type: "vote" } });
 * c?.change; // "deliver"
 * c?.message.sendTime; // 1
 * ```
 */
export class MessageMatcher {
  /** @type {Map<string, MessageRecord[]>} */
  #pending = new Map();
  #pendingCount = 0;
  /** @type {MessageRecord[]} */
  #recent = [];
  #nextId = 1;
  #keep;
  #maxPending;

  /**
   * @param {{ keep?: number, maxPending?: number }} [options] `keep`: messages remembered
   *   for the diagrams (5000); `maxPending`: undelivered sends remembered (20 000)
   */
  constructor(options = {}) {
    this.#keep = options.keep ?? 5000;
    this.#maxPending = options.maxPending ?? 20_000;
  }

  /**
   * The latest messages, oldest first (by send).
   * @returns {readonly MessageRecord[]}
   */
  recent() {
    return this.#recent;
  }

  /** Sends not yet delivered or dropped. */
  get pendingCount() {
    return this.#pendingCount;
  }

  /**
   * Takes in one event; returns what it did to a message, or null for other events.
   * @param {TraceEvent} e
   * @returns {MessageChange | null}
   */
  apply(e) {
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

  /**
   * @param {TraceEvent} e
   * @param {string} from
   * @param {string} to
   * @returns {MessageRecord}
   */
  #send(e, from, to) {
    /** @type {MessageRecord} */
    const m = {
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
      /** @type {{ sendLamport?: number }} */ (m).sendLamport = e.lamport;
    }
    if (e.vclock !== undefined) {
      /** @type {{ sendVclock?: VectorClock }} */ (m).sendVclock = e.vclock;
    }
    this.#remember(m);
    this.#enqueue(m);
    return m;
  }

  /**
   * @param {TraceEvent} e
   * @returns {MessageRecord}
   */
  #deliver(e) {
    const from = /** @type {string} */ (e.peer);
    const key = linkKey(from, e.node, e.body);
    let m = this.#dequeue(key, "oldest");
    if (m === null) {
      // Forged or altered on the way: a message of its own, sent as it arrived.
      m = this.#send({ ...e, lamport: undefined, vclock: undefined }, from, e.node);
      this.#dequeue(key, "newest");
    }
    m.status = "delivered";
    m.endTime = e.time;
    if (e.lamport !== undefined) m.endLamport = e.lamport;
    if (e.vclock !== undefined) m.endVclock = e.vclock;
    return m;
  }

  /**
   * The router drops at the sender (node = sender); the cluster drops a message that
   * reaches a crashed node at the receiver (node = receiver): try both directions.
   * @param {TraceEvent} e
   * @returns {MessageChange | null}
   */
  #drop(e) {
    if (e.peer === undefined) return null;
    let m = this.#dequeue(linkKey(e.node, e.peer, e.body), "newest");
    if (m === null) m = this.#dequeue(linkKey(e.peer, e.node, e.body), "oldest");
    if (m === null) return null;
    m.status = "dropped";
    m.endTime = e.time;
    if (e.reason !== undefined) m.reason = e.reason;
    return { message: m, change: "drop" };
  }

  /**
   * @param {TraceEvent} e
   * @returns {MessageChange | null}
   */
  #duplicate(e) {
    if (e.peer === undefined) return null;
    const list = this.#pending.get(linkKey(e.node, e.peer, e.body));
    const original = list?.[list.length - 1];
    if (original === undefined) return null;
    /** @type {MessageRecord} */
    const copy = { ...original, id: this.#nextId++, duplicate: true };
    this.#remember(copy);
    this.#enqueue(copy);
    return { message: copy, change: "duplicate" };
  }

  /** @param {MessageRecord} m */
  #remember(m) {
    this.#recent.push(m);
    if (this.#recent.length > this.#keep * 1.25) {
      this.#recent = this.#recent.slice(this.#recent.length - this.#keep);
    }
  }

  /** @param {MessageRecord} m */
  #enqueue(m) {
    const key = linkKey(m.from, m.to, m.body);
    const list = this.#pending.get(key);
    if (list === undefined) this.#pending.set(key, [m]);
    else list.push(m);
    if (++this.#pendingCount > this.#maxPending) this.#forgetOldest();
  }

  /**
   * @param {string} key
   * @param {"oldest" | "newest"} which
   * @returns {MessageRecord | null}
   */
  #dequeue(key, which) {
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

/**
 * @param {string} from
 * @param {string} to
 * @param {unknown} body
 */
function linkKey(from, to, body) {
  return `${from}>${to}>${JSON.stringify(body) ?? ""}`;
}
