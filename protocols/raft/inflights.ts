/**
 * The window of append messages in flight to one follower (flow control).
 *
 * The leader records the last index of every append it pipelines to a follower in
 * the replicate state, and frees them as acknowledgements arrive. When the window is
 * full it stops sending entries, so a slow or partitioned follower costs a bounded
 * number of messages and bytes instead of a growing queue.
 *
 * @module
 */

/**
 * A bounded FIFO of in-flight last indices, stored as a ring.
 *
 * @example
 * ```ts
 * import { Inflights } from "./inflights.ts";
 * const w = new Inflights(2);
 * w.add(5);
 * w.add(9);
 * w.full(); // true
 * w.freeTo(5);
 * w.count; // 1
 * ```
 */
export class Inflights {
  readonly #ring: number[];
  #start = 0;
  #count = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Array(capacity).fill(0);
  }

  /** Appends in flight. */
  get count(): number {
    return this.#count;
  }

  /** Whether no more appends may be sent. */
  full(): boolean {
    return this.#count >= this.capacity;
  }

  /** Records an append whose last entry is `index` (indices must be added in order). */
  add(index: number): void {
    if (this.full()) throw new Error("inflights: window is full");
    this.#ring[(this.#start + this.#count) % this.capacity] = index;
    this.#count++;
  }

  /** Frees every append whose last index is ≤ `index` (they were acknowledged). */
  freeTo(index: number): void {
    while (this.#count > 0 && this.#ring[this.#start] <= index) {
      this.#start = (this.#start + 1) % this.capacity;
      this.#count--;
    }
  }

  /** Frees the oldest append (used when acknowledgements seem lost). */
  freeFirst(): void {
    if (this.#count === 0) return;
    this.#start = (this.#start + 1) % this.capacity;
    this.#count--;
  }

  /** Empties the window. */
  reset(): void {
    this.#start = 0;
    this.#count = 0;
  }
}
