/**
 * Sliding windows of call outcomes, from which a circuit breaker computes its failure
 * and slow-call rates: the last N calls (count-based) or the calls of the last N seconds
 * (time-based, in 1-second buckets).
 *
 * Both keep running totals, so recording a call and reading the totals are O(1)
 * (amortized, for the time window, over the buckets that expire).
 *
 * @module
 */

/**
 * Totals over the calls a window currently holds.
 *
 * @example
 * ```ts
 * import type { WindowTotals } from "./sliding_window.ts";
 * const t: WindowTotals = { calls: 10, failures: 5, slow: 1 };
 * ```
 */
export interface WindowTotals {
  readonly calls: number;
  readonly failures: number;
  /** Calls slower than the threshold, failed or not. */
  readonly slow: number;
}

/**
 * A window of call outcomes.
 *
 * @example
 * ```ts
 * import { countWindow } from "./sliding_window.ts";
 * const w = countWindow(2);
 * w.record(0, true, false);
 * w.record(0, false, false);
 * w.record(0, false, true);
 * w.totals(0); // { calls: 2, failures: 0, slow: 1 }
 * ```
 */
export interface OutcomeWindow {
  /** Records one call that ended at `nowMs`. */
  record(nowMs: number, failed: boolean, slow: boolean): void;
  /** Totals of the calls in the window as of `nowMs`. */
  totals(nowMs: number): WindowTotals;
  /** Forgets every call. */
  clear(): void;
}

const FAILED = 1;
const SLOW = 2;

/**
 * A window of the last `size` calls (a ring buffer of outcomes).
 *
 * @example
 * ```ts
 * import { countWindow } from "./sliding_window.ts";
 * const w = countWindow(100);
 * w.record(0, true, false);
 * w.totals(0).failures; // 1
 * ```
 */
export function countWindow(size: number): OutcomeWindow {
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new RangeError(`window size must be an integer >= 1, got ${size}`);
  }
  const ring = new Uint8Array(size);
  let next = 0;
  let calls = 0;
  let failures = 0;
  let slow = 0;
  return {
    record(_nowMs: number, failed: boolean, isSlow: boolean): void {
      if (calls === size) {
        const old = ring[next];
        if (old & FAILED) failures--;
        if (old & SLOW) slow--;
      } else {
        calls++;
      }
      ring[next] = (failed ? FAILED : 0) | (isSlow ? SLOW : 0);
      if (failed) failures++;
      if (isSlow) slow++;
      next = next + 1 === size ? 0 : next + 1;
    },
    totals: () => ({ calls, failures, slow }),
    clear(): void {
      ring.fill(0);
      next =
        calls =
        failures =
        slow =
          0;
    },
  };
}

/**
 * A window of the calls of the last `seconds` seconds, in 1-second buckets aligned to
 * whole seconds of the clock: at time t it holds the bucket of the current second
 * (`floor(t/1000)`) and the `seconds − 1` before it, as resilience4j's time-based window.
 *
 * @example
 * ```ts
 * import { timeWindow } from "./sliding_window.ts";
 * const w = timeWindow(2);
 * w.record(0, true, false); // second 0
 * w.record(1500, false, false); // second 1
 * w.totals(1999).calls; // 2
 * w.totals(2000).calls; // 1: second 0 has left the window
 * ```
 */
export function timeWindow(seconds: number): OutcomeWindow {
  if (!(Number.isInteger(seconds) && seconds >= 1)) {
    throw new RangeError(`window seconds must be an integer >= 1, got ${seconds}`);
  }
  const bCalls = new Float64Array(seconds);
  const bFailures = new Float64Array(seconds);
  const bSlow = new Float64Array(seconds);
  let current = -Infinity; // the newest second seen
  let calls = 0;
  let failures = 0;
  let slow = 0;

  const slot = (second: number): number => ((second % seconds) + seconds) % seconds;

  /** Moves the window's end to the second of `nowMs`, emptying the buckets it passes. */
  function roll(nowMs: number): number {
    const second = Math.floor(nowMs / 1000);
    if (second <= current) return slot(current); // same second, or a clock that went back
    if (second - current >= seconds) {
      bCalls.fill(0);
      bFailures.fill(0);
      bSlow.fill(0);
      calls = failures = slow = 0;
    } else {
      for (let s = current + 1; s <= second; s++) {
        const i = slot(s);
        calls -= bCalls[i];
        failures -= bFailures[i];
        slow -= bSlow[i];
        bCalls[i] = bFailures[i] = bSlow[i] = 0;
      }
    }
    current = second;
    return slot(second);
  }

  return {
    record(nowMs: number, failed: boolean, isSlow: boolean): void {
      const i = roll(nowMs);
      bCalls[i]++;
      calls++;
      if (failed) {
        bFailures[i]++;
        failures++;
      }
      if (isSlow) {
        bSlow[i]++;
        slow++;
      }
    },
    totals(nowMs: number): WindowTotals {
      roll(nowMs);
      return { calls, failures, slow };
    },
    clear(): void {
      bCalls.fill(0);
      bFailures.fill(0);
      bSlow.fill(0);
      calls = failures = slow = 0;
      current = -Infinity;
    },
  };
}
