// @ts-check
/**
 * The latest played events, kept for the space-time diagram and the ShiViz export.
 *
 * @module
 */

/** @typedef {import("./types.js").TraceEvent} TraceEvent */

/**
 * A bounded log of events in the order they were played.
 *
 * @example
 * ```js
 * import { EventLog } from "./event_log.js";
 * const log = new EventLog(2);
 * for (const t of [1, 2, 3]) log.push({ time: t, kind: "role", node: "n1" });
 * log.events().map((e) => e.time); // [2, 3]
 * ```
 */
export class EventLog {
  /** @type {TraceEvent[]} */
  #events = [];
  #keep;

  /** @param {number} [keep] events kept (20 000) */
  constructor(keep = 20_000) {
    this.#keep = keep;
  }

  /** @param {TraceEvent} e */
  push(e) {
    this.#events.push(e);
    if (this.#events.length > this.#keep * 1.25) {
      this.#events = this.#events.slice(this.#events.length - this.#keep);
    }
  }

  /** @returns {readonly TraceEvent[]} every kept event, oldest first */
  events() {
    const extra = this.#events.length - this.#keep;
    return extra > 0 ? this.#events.slice(extra) : this.#events;
  }

  /** Events kept. */
  get size() {
    return Math.min(this.#events.length, this.#keep);
  }
}
