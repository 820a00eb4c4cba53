/**
 * The real-time {@link Clock} for hosts (Workers, the HTTP front end): `performance.now()`
 * and host timers.
 *
 * Timers are coalesced the way Node.js keeps its timer lists: all timers of the same
 * duration go into one FIFO list (they fall due in the order they were set), and each
 * list owns at most one host timer, armed for its oldest entry. Setting or cancelling a
 * timer is then a linked-list append or unlink, not a host timer call — which matters for
 * a timeout policy that sets and cancels a timer around every call. A cancelled timer's
 * host timer is left to fire harmlessly (it re-arms for the next live entry, if any);
 * {@link RealClock.dispose} clears them all, e.g. at the end of a test.
 *
 * @module
 */

import type { Clock } from "../resilience/clock.ts";

/**
 * Options of {@link createRealClock}.
 *
 * @example
 * ```ts
 * import type { RealClockOptions } from "./real_clock.ts";
 * const options: RealClockOptions = { unref: true };
 * ```
 */
export interface RealClockOptions {
  /** Do not let pending timers keep the process alive (Deno only); default false. */
  readonly unref?: boolean;
  /** The time source; default `performance.now()`. */
  readonly now?: () => number;
}

/**
 * A {@link Clock} on real time, with a way to clear its host timers.
 *
 * @example
 * ```ts
 * import { createRealClock } from "./real_clock.ts";
 * const clock = createRealClock();
 * const cancel = clock.setTimer(1000, () => console.log("late"));
 * cancel();
 * clock.dispose();
 * ```
 */
export interface RealClock extends Clock {
  /** Cancels every pending timer and clears every host timer. */
  dispose(): void;
  /** Timers set and neither fired nor cancelled. */
  readonly pending: number;
}

interface Entry {
  readonly due: number;
  readonly fn: () => void;
  prev: Entry | undefined;
  next: Entry | undefined;
  list: TimerList | undefined;
}

interface TimerList {
  readonly ms: number;
  head: Entry | undefined;
  tail: Entry | undefined;
  handle: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Creates a {@link RealClock}.
 *
 * @example
 * ```ts
 * import { createRealClock } from "./real_clock.ts";
 * const clock = createRealClock({ unref: true });
 * const started = clock.now();
 * clock.setTimer(10, () => console.log(`fired after ${clock.now() - started} ms`));
 * ```
 */
export function createRealClock(options: RealClockOptions = {}): RealClock {
  const now = options.now ?? (() => performance.now());
  const unref = options.unref === true && typeof Deno !== "undefined";
  const lists = new Map<number, TimerList>();
  let pending = 0;

  function arm(list: TimerList, delay: number): void {
    const handle = setTimeout(() => fire(list), Math.max(0, delay));
    if (unref) Deno.unrefTimer(handle);
    list.handle = handle;
  }

  function unlink(e: Entry): void {
    const list = e.list as TimerList;
    if (e.prev) e.prev.next = e.next;
    else list.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else list.tail = e.prev;
    e.prev = e.next = e.list = undefined;
    pending--;
  }

  function fire(list: TimerList): void {
    list.handle = undefined;
    try {
      const t = now();
      while (list.head !== undefined && list.head.due <= t) {
        const e = list.head;
        unlink(e);
        e.fn();
      }
    } finally {
      if (list.head !== undefined) arm(list, list.head.due - now());
      else lists.delete(list.ms);
    }
  }

  return {
    now,
    setTimer(ms: number, fn: () => void): () => void {
      const delay = ms > 0 ? ms : 0;
      let list = lists.get(delay);
      if (list === undefined) {
        list = { ms: delay, head: undefined, tail: undefined, handle: undefined };
        lists.set(delay, list);
      }
      const e: Entry = { due: now() + delay, fn, prev: list.tail, next: undefined, list };
      if (list.tail) list.tail.next = e;
      else list.head = e;
      list.tail = e;
      pending++;
      if (list.handle === undefined) arm(list, delay);
      return () => {
        if (e.list !== undefined) unlink(e);
      };
    },
    dispose(): void {
      for (const list of lists.values()) {
        if (list.handle !== undefined) clearTimeout(list.handle);
        while (list.head !== undefined) unlink(list.head);
      }
      lists.clear();
    },
    get pending(): number {
      return pending;
    },
  };
}
