/**
 * The cluster's clock as the page sees it. Events are stamped with the cluster's time
 * and arrive a little later; the smallest gap between an event's arrival (the page's
 * `performance.now()`) and its stamp is the best estimate of the offset between the
 * two clocks, since no event arrives before it happened.
 *
 * @module
 */

/**
 * Estimates the cluster's current time from the events seen so far.
 *
 * @example
 * ```ts
 * import { TimeBase } from "./time_base.ts";
 * const tb = new TimeBase();
 * tb.observe(100, 1_000); // stamped 100, arrived at page time 1000
 * tb.observe(200, 1_103); // a slower arrival does not move the estimate
 * tb.now(1_050); // 150
 * ```
 */
export class TimeBase {
  /** Page time minus cluster time; `Infinity` until an event is seen. */
  offset: number = Infinity;
  /** The latest stamp seen. */
  latest = 0;

  /**
   * Takes in one event's stamp and its arrival time (page ms).
   */
  observe(stamp: number, arrival: number): void {
    if (arrival - stamp < this.offset) this.offset = arrival - stamp;
    if (stamp > this.latest) this.latest = stamp;
  }

  /**
   * The cluster's time at page time `pageNow` (the latest stamp before any event).
   */
  now(pageNow: number): number {
    return this.offset === Infinity ? this.latest : Math.max(this.latest, pageNow - this.offset);
  }
}
