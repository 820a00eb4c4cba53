/**
 * A min-heap of deadlines over a fixed set of slots (0 … size − 1, one per peer), each
 * slot in the heap at most once: setting a slot's deadline moves it in place, so a
 * heartbeat costs O(log N) and finding the peers whose deadline passed costs O(log N)
 * per such peer, never a visit of the others.
 *
 * @module
 */

/**
 * The heap: `slots[0 … length − 1]` ordered by `keys`, `position[slot]` its index in
 * `slots` (−1 when the slot is not in the heap).
 *
 * @example
 * ```ts
 * import { createDeadlineHeap, type DeadlineHeap } from "./deadline_heap.ts";
 * const h: DeadlineHeap = createDeadlineHeap(3);
 * h.length; // 0
 * ```
 */
export interface DeadlineHeap {
  /** The deadline of each slot (meaningful while the slot is in the heap). */
  readonly keys: Float64Array;
  /** The heap array of slots. */
  readonly slots: Int32Array;
  /** Where each slot sits in `slots`, or −1. */
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
  let i = h.position[slot]!;
  if (i < 0) {
    i = h.length++;
    h.slots[i] = slot;
    h.position[slot] = i;
    h.keys[slot] = at;
    siftUp(h, i);
    return;
  }
  const before = h.keys[slot]!;
  h.keys[slot] = at;
  if (at < before) siftUp(h, i);
  else siftDown(h, i);
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
  const moved = h.slots[last]!;
  h.slots[i] = moved;
  h.position[moved] = i;
  if (h.keys[moved]! < h.keys[slot]!) siftUp(h, i);
  else siftDown(h, i);
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
  return h.length === 0 ? Infinity : h.keys[h.slots[0]!]!;
}

function siftUp(h: DeadlineHeap, i: number): void {
  const { keys, slots, position } = h;
  const slot = slots[i]!;
  const key = keys[slot]!;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = slots[parent]!;
    if (keys[p]! <= key) break;
    slots[i] = p;
    position[p] = i;
    i = parent;
  }
  slots[i] = slot;
  position[slot] = i;
}

function siftDown(h: DeadlineHeap, i: number): void {
  const { keys, slots, position, length } = h;
  const slot = slots[i]!;
  const key = keys[slot]!;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= length) break;
    const right = child + 1;
    if (right < length && keys[slots[right]!]! < keys[slots[child]!]!) child = right;
    const c = slots[child]!;
    if (keys[c]! >= key) break;
    slots[i] = c;
    position[c] = i;
    i = child;
  }
  slots[i] = slot;
  position[slot] = i;
}
