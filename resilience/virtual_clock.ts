/**
 * A virtual clock: a deterministic timer queue that only moves when told to.
 *
 * Timers are kept in a binary heap ordered by due time, ties broken by the order in which
 * they were set, so the same sequence of calls always fires timers in the same order.
 * Use it in tests and in the simulator; hosts with real time use `nodes/real_clock.ts`.
 *
 * @module
 */

import type { Clock } from "./clock.ts";

/**
 * A {@link Clock} whose time advances only through {@link VirtualClock.advance} or
 * {@link VirtualClock.advanceAsync}.
 *
 * @example
 * ```ts
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const clock = createVirtualClock();
 * const fired: number[] = [];
 * clock.setTimer(10, () => fired.push(clock.now()));
 * clock.advance(25);
 * // fired is [10]; clock.now() is 25
 * ```
 */
export interface VirtualClock extends Clock {
  /**
   * Moves time forward by `ms`, running every timer that falls due on the way, in order,
   * each at its own due time (timers set by a callback run too if they fall due in range).
   */
  advance(ms: number): void;
  /**
   * Like {@link VirtualClock.advance}, but lets pending promise callbacks run (via
   * `settle`) before the first timer and after each timer, so async code reacting to a
   * timer can set the next timer before time moves on.
   */
  advanceAsync(ms: number): Promise<void>;
  /** Runs timers until none is left (or `limit` have fired); returns how many fired. */
  runAll(limit?: number): number;
  /** Number of timers set and neither fired nor cancelled. */
  readonly pending: number;
  /** Due time of the earliest pending timer, or `undefined`. */
  nextDue(): number | undefined;
}

/**
 * Options of {@link createVirtualClock}.
 *
 * @example
 * ```ts
 * import type { VirtualClockOptions } from "./virtual_clock.ts";
 * const options: VirtualClockOptions = { start: 1_000, settle: () => Promise.resolve() };
 * ```
 */
export interface VirtualClockOptions {
  /** Time the clock starts at (default 0). */
  readonly start?: number;
  /**
   * Lets pending promise reactions run during {@link VirtualClock.advanceAsync}. The
   * default drains 100 rounds of microtasks, which covers the policies in this folder;
   * a host can pass a macrotask yield instead.
   */
  readonly settle?: () => Promise<void>;
}

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  live: boolean;
}

async function drainMicrotasks(): Promise<void> {
  for (let i = 0; i < 100; i++) await undefined;
}

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/**
 * Creates a {@link VirtualClock}.
 *
 * @example
 * ```ts
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const clock = createVirtualClock({ start: 1000 });
 * const cancel = clock.setTimer(5, () => {});
 * cancel();
 * clock.pending; // 0
 * ```
 */
export function createVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  let now = options.start ?? 0;
  let seq = 0;
  let live = 0;
  const settle = options.settle ?? drainMicrotasks;
  const heap: Timer[] = [];

  function push(t: Timer): void {
    heap.push(t);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  function pop(): Timer {
    const top = heap[0];
    const last = heap.pop() as Timer;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }

  /** Drops cancelled timers from the top so heap[0] is live (or the heap is empty). */
  function peek(): Timer | undefined {
    while (heap.length > 0 && !heap[0].live) pop();
    return heap[0];
  }

  function fireNext(limit: number): boolean {
    const t = peek();
    if (t === undefined || t.due > limit) return false;
    pop();
    t.live = false;
    live--;
    now = t.due;
    t.fn();
    return true;
  }

  function target(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms} ms`);
    return now + ms;
  }

  return {
    now: () => now,
    setTimer(ms: number, fn: () => void): () => void {
      const t: Timer = { due: now + (ms > 0 ? ms : 0), seq: seq++, fn, live: true };
      live++;
      push(t);
      return () => {
        if (!t.live) return;
        t.live = false;
        live--;
      };
    },
    advance(ms: number): void {
      const end = target(ms);
      while (fireNext(end));
      now = end;
    },
    async advanceAsync(ms: number): Promise<void> {
      const end = target(ms);
      await settle();
      while (fireNext(end)) await settle();
      now = end;
    },
    runAll(limit = 1_000_000): number {
      let fired = 0;
      while (fired < limit && fireNext(Infinity)) fired++;
      return fired;
    },
    get pending(): number {
      return live;
    },
    nextDue: () => peek()?.due,
  };
}
