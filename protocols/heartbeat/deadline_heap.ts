/**
 * A min-heap of deadlines over a fixed set of slots (0 … size − 1, one per peer), each
 * slot in the heap at most once: setting a slot's deadline moves it in place, so a
 * heartbeat costs O(log N) and finding the peers whose deadline passed costs O(log N)
 * per such peer, never a visit of the others.
 *
 * @module
 */

/**
 * The heap: a 4-ary heap whose entries `0 … length − 1` are the parallel `keys` and
 * `slots`, and `position[slot]` the entry of a slot (−1 when the slot is not in the
 * heap). Keys sit beside their slots in heap order, and a node's four children are
 * adjacent, so a sift reads a few cache lines per level over half the levels of a
 * binary heap: with a thousand nodes each keeping a heap of a thousand peers, the sift
 * is a walk through memory that is rarely cached.
 *
 * @example
 * ```ts
 * import { createDeadlineHeap, type DeadlineHeap } from "./deadline_heap.ts";
 * const h: DeadlineHeap = createDeadlineHeap(3);
 * h.length; // 0
 * ```
 */
export interface DeadlineHeap {
  /** The deadline of each entry, in heap order. */
  readonly keys: Float64Array;
  /** The slot of each entry, in heap order. */
  readonly slots: Int32Array;
  /** Where each slot sits in the heap, or −1. */
  readonly position: Int32Array;
  /** How many slots are in the heap. */
  length: number;
}

/**
 * An empty heap for slots 0 … size − 1.
 *
 * @example
 * ```ts
 * import { createDeadlineHeap, setDeadline, earliestDeadline } from "./deadline_heap.ts";
 * const h = createDeadlineHeap(2);
 * setDeadline(h, 1, 250);
 * earliestDeadline(h); // 250
 * ```
 */
export function createDeadlineHeap(size: number): DeadlineHeap {
  return {
    keys: new Float64Array(size),
    slots: new Int32Array(size),
    position: new Int32Array(size).fill(-1),
    length: 0,
  };
}

/**
 * Puts `slot` in the heap with deadline `at`, or moves it there if it is in already.
 *
 * @example
 * ```ts
 * import { createDeadlineHeap, setDeadline, earliestSlot } from "./deadline_heap.ts";
 * const h = createDeadlineHeap(2);
 * setDeadline(h, 0, 100);
 * setDeadline(h, 1, 200);
 * setDeadline(h, 0, 300); // a heartbeat pushed slot 0's deadline back
 * earliestSlot(h); // 1
 * ```
 */
export function setDeadline(h: DeadlineHeap, slot: number, at: number): void {
  const i = h.position[slot]!;
  if (i < 0) {
    siftUp(h, h.length++, slot, at);
    return;
  }
  if (at < h.keys[i]!) siftUp(h, i, slot, at);
  else siftDown(h, i, slot, at);
}

/**
 * Takes `slot` out of the heap (nothing happens if it is not in).
 *
 * @example
 * ```ts
 * import { createDeadlineHeap, setDeadline, removeSlot, hasSlot } from "./deadline_heap.ts";
 * const h = createDeadlineHeap(2);
 * setDeadline(h, 0, 100);
 * removeSlot(h, 0);
 * hasSlot(h, 0); // false
 * ```
 */
export function removeSlot(h: DeadlineHeap, slot: number): void {
  const i = h.position[slot]!;
  if (i < 0) return;
  h.position[slot] = -1;
  const last = --h.length;
  if (i === last) return;
  // The last entry fills the hole, moved up or down from there.
  const moved = h.slots[last]!, at = h.keys[last]!;
  if (at < h.keys[i]!) siftUp(h, i, moved, at);
  else siftDown(h, i, moved, at);
}

/**
 * Whether `slot` is in the heap.
 *
 * @example
 * ```ts
 * import { createDeadlineHeap, hasSlot } from "./deadline_heap.ts";
 * hasSlot(createDeadlineHeap(1), 0); // false
 * ```
 */
export function hasSlot(h: DeadlineHeap, slot: number): boolean {
  return h.position[slot]! >= 0;
}

/**
 * The slot with the earliest deadline, or −1 when the heap is empty.
 *
 * @example
 * ```ts
 * import { createDeadlineHeap, earliestSlot } from "./deadline_heap.ts";
 * earliestSlot(createDeadlineHeap(1)); // -1
 * ```
 */
export function earliestSlot(h: DeadlineHeap): number {
  return h.length === 0 ? -1 : h.slots[0]!;
}

/**
 * The earliest deadline, or +∞ when the heap is empty.
 *
 * @example
 * ```ts
 * import { createDeadlineHeap, earliestDeadline } from "./deadline_heap.ts";
 * earliestDeadline(createDeadlineHeap(1)); // Infinity
 * ```
 */
export function earliestDeadline(h: DeadlineHeap): number {
  return h.length === 0 ? Infinity : h.keys[0]!;
}

/** Places `slot` with key `at` at entry `i` or above it (entry `i` is free). */
function siftUp(h: DeadlineHeap, i: number, slot: number, at: number): void {
  const { keys, slots, position } = h;
  while (i > 0) {
    const parent = (i - 1) >> 2;
    const k = keys[parent]!;
    if (k <= at) break;
    keys[i] = k;
    const p = slots[parent]!;
    slots[i] = p;
    position[p] = i;
    i = parent;
  }
  keys[i] = at;
  slots[i] = slot;
  position[slot] = i;
}

/** Places `slot` with key `at` at entry `i` or below it (entry `i` is free). */
function siftDown(h: DeadlineHeap, i: number, slot: number, at: number): void {
  const { keys, slots, position, length } = h;
  for (;;) {
    const first = 4 * i + 1;
    if (first >= length) break;
    let child = first, k = keys[first]!;
    const end = Math.min(first + 4, length);
    for (let c = first + 1; c < end; c++) {
      if (keys[c]! < k) {
        child = c;
        k = keys[c]!;
      }
    }
    if (k >= at) break;
    keys[i] = k;
    const c = slots[child]!;
    slots[i] = c;
    position[c] = i;
    i = child;
  }
  keys[i] = at;
  slots[i] = slot;
  position[slot] = i;
}
