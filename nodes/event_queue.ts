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
  // The keys live in typed arrays beside the events: sifting compares numbers in
  // contiguous memory instead of reading fields of events scattered over the heap
  // (with thousands queued, those reads were cache misses).
  #items: (T | undefined)[] = [];
  #times = new Float64Array(1024);
  #seqs = new Float64Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Every queued event, in no particular order. */
  *values(): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.#items[i]!;
  }

  /** The earliest event without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[0];
  }

  push(e: T): void {
    if (this.#size === this.#times.length) this.#grow();
    const items = this.#items, times = this.#times, seqs = this.#seqs;
    const time = e.time, seq = e.seq;
    let i = this.#size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && seqs[p]! < seq)) break;
      items[i] = items[p];
      times[i] = pt;
      seqs[i] = seqs[p]!;
      i = p;
    }
    items[i] = e;
    times[i] = time;
    seqs[i] = seq;
  }

  pop(): T | undefined {
    const n = this.#size;
    if (n === 0) return undefined;
    const items = this.#items, times = this.#times, seqs = this.#seqs;
    const top = items[0];
    const m = n - 1;
    this.#size = m;
    const last = items[m];
    items[m] = undefined; // let it be collected
    if (m === 0) return top;
    const lt = times[m]!, ls = seqs[m]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= m) break;
      const r = l + 1;
      let c = l;
      let ct = times[l]!, cs = seqs[l]!;
      if (r < m) {
        const rt = times[r]!, rs = seqs[r]!;
        if (rt < ct || (rt === ct && rs < cs)) {
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      if (lt < ct || (lt === ct && ls < cs)) break;
      items[i] = items[c];
      times[i] = ct;
      seqs[i] = cs;
      i = c;
    }
    items[i] = last;
    times[i] = lt;
    seqs[i] = ls;
    return top;
  }

  #grow(): void {
    const times = new Float64Array(this.#times.length * 2);
    times.set(this.#times);
    this.#times = times;
    const seqs = new Float64Array(this.#seqs.length * 2);
    seqs.set(this.#seqs);
    this.#seqs = seqs;
  }
}
