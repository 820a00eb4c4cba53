/**
 * Per-node physical clocks ("physical clocks agree" made false): an offset (skew) and a
 * rate error (drift, e.g. 0.01 = runs 1% fast), changeable while running without the
 * clock jumping except by the skew change itself.
 *
 * @module
 */

/**
 * A node's clock relative to true (host) time.
 *
 * @example
 * ```ts
 * import type { NodeClock } from "./clock_skew.ts";
 * // 200 ms ahead at true time 1000, running 1% fast.
 * const clock: NodeClock = { skew: 200, drift: 0.01, anchor: 1000 };
 * ```
 */
export interface NodeClock {
  /** Offset in ms at `anchor`. */
  skew: number;
  /** Rate error: local time advances (1 + drift) ms per true ms. */
  drift: number;
  /** The true time at which `skew` was measured. */
  anchor: number;
}

/**
 * A clock that agrees with true time.
 *
 * @example
 * ```ts
 * import { perfectClock } from "./clock_skew.ts";
 * perfectClock().skew; // 0
 * ```
 */
export function perfectClock(): NodeClock {
  return { skew: 0, drift: 0, anchor: 0 };
}

/**
 * The node's local reading at true time `t`.
 *
 * @example
 * ```ts
 * import { localTime } from "./clock_skew.ts";
 * localTime({ skew: 200, drift: 0.01, anchor: 0 }, 1000); // 1210
 * ```
 */
export function localTime(clock: NodeClock, t: number): number {
  return t + clock.skew + clock.drift * (t - clock.anchor);
}

/**
 * Changes skew and/or drift at true time `t`. An omitted skew keeps the current offset,
 * so changing only the drift does not make the clock jump.
 *
 * @example
 * ```ts
 * import { perfectClock, setClock, localTime } from "./clock_skew.ts";
 * const c = setClock(perfectClock(), 0, { skew: -50 });
 * localTime(c, 100); // 50
 * ```
 */
export function setClock(
  clock: NodeClock,
  t: number,
  change: { skew?: number; drift?: number },
): NodeClock {
  const current = localTime(clock, t) - t;
  return { skew: change.skew ?? current, drift: change.drift ?? clock.drift, anchor: t };
}
