/**
 * The latest played events, kept for the space-time diagram and the ShiViz export.
 *
 * @module
 */

import type { TraceEvent } from "../nodes/trace.ts";

/**
 * A bounded log of events in the order they were played.
 *
 * @example
 * ```ts
 * import { EventLog } from "./event_log.ts";
 * const log = new EventLog(2);
 * for (const t of [1, 2, 3]) log.push({ time: t, kind: "role", node: "n1" });
 * log.events().map((e) => e.time); // [2, 3]
 * ```
 */
export class EventLog {
  #events: TraceEvent[] = [];
  #keep;

  /** @param keep events kept (20 000) */
  constructor(keep: number = 20_000) {
    this.#keep = keep;
  }
  push(e: TraceEvent): void {
    this.#events.push(e);
    if (this.#events.length > this.#keep * 1.25) {
      this.#events = this.#events.slice(this.#events.length - this.#keep);
    }
  }

  /** @returns every kept event, oldest first */
  events(): readonly TraceEvent[] {
    const extra = this.#events.length - this.#keep;
    return extra > 0 ? this.#events.slice(extra) : this.#events;
  }

  /** Events kept. */
  get size(): number {
    return Math.min(this.#events.length, this.#keep);
  }
}
