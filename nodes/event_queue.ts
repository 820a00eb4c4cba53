/**
 * A binary min-heap of events ordered by time, then by insertion sequence, so that
 * events at the same virtual time run in a deterministic order.
 *
 * @module
 */

/**
 * What the queue needs of an event.
 *
 * @example
 * ```ts
 * import { EventQueue, type Timed } from "./event_queue.ts";
 * const q = new EventQueue<Timed>();
 * q.push({ time: 5, seq: 1 });
 * q.push({ time: 5, seq: 0 });
 * q.pop()?.seq; // 0: same time, lower sequence first
 * ```
 */
export interface Timed {
  time: number;
  seq: number;
}

/**
 * A priority queue of timed events.
 *
 * @example
 * ```ts
 * import { EventQueue } from "./event_queue.ts";
 * const q = new EventQueue<{ time: number; seq: number }>();
 * q.push({ time: 5, seq: 0 });
 * q.push({ time: 1, seq: 1 });
 * q.pop()?.time; // 1
 * ```
 */
export class EventQueue<T extends Timed> {
  #heap: T[] = [];

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest event without removing it. */
  peek(): T | undefined {
    return this.#heap[0];
  }

  push(e: T): void {
    const h = this.#heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (parent.time < e.time || (parent.time === e.time && parent.seq < e.seq)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  pop(): T | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      const cl = h[l]!;
      if (r < n) {
        const cr = h[r]!;
        if (cr.time < cl.time || (cr.time === cl.time && cr.seq < cl.seq)) c = r;
      }
      const child = h[c]!;
      if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
