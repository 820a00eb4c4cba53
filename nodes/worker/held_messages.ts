/**
 * What a paused node that receives for itself (a Worker on direct links, a TCP node)
 * holds until it resumes: bounded, the oldest dropped first, and counted for the main
 * thread's backlog view (`held` / `heldDropped` in a `links` report).
 *
 * @module
 */

import type { LinkReport, WireDelivery } from "../worker_protocol.ts";

/**
 * Messages held while paused.
 *
 * @example
 * ```ts
 * import { HeldMessages } from "./held_messages.ts";
 * const dropped: unknown[] = [];
 * const held = new HeldMessages((d) => dropped.push(d.body));
 * held.limit = 1;
 * held.hold([{ from: "n1", body: 1, lamport: 1, vclock: {} }, { from: "n1", body: 2, lamport: 2, vclock: {} }]);
 * dropped; // [1]
 * held.take().length; // 1
 * ```
 */
export class HeldMessages {
  /** At most this many are held (default: no bound). */
  limit = Infinity;
  #held: WireDelivery[] = [];
  #reported = 0;
  #dropped = 0;

  /** `onDrop` is told of each message dropped for the limit (to count and trace it). */
  constructor(readonly onDrop: (d: WireDelivery) => void) {}

  /** How many are held. */
  get length(): number {
    return this.#held.length;
  }

  /** Holds a batch, dropping the oldest held beyond the limit. */
  hold(batch: readonly WireDelivery[]): void {
    for (const d of batch) {
      if (this.#held.length >= this.limit) {
        this.onDrop(this.#held.shift()!);
        this.#dropped++;
      }
      this.#held.push(d);
    }
  }

  /** Everything held, in arrival order; none is held after. */
  take(): WireDelivery[] {
    const all = this.#held;
    this.#held = [];
    return all;
  }

  /** Whether the count changed, or messages were dropped, since the last report. */
  get changed(): boolean {
    return this.#held.length !== this.#reported || this.#dropped > 0;
  }

  /**
   * `m` (or an empty `links` report) with the held count and the drops since the last
   * report, if they changed; else `m` as it is.
   */
  addTo(m: LinkReport | null): LinkReport | null {
    if (!this.changed) return m;
    const out: LinkReport = {
      ...(m ?? { type: "links", counts: [], events: [] }),
      held: this.#held.length,
      heldDropped: this.#dropped,
    };
    this.#reported = this.#held.length;
    this.#dropped = 0;
    return out;
  }
}
