// @ts-check
/**
 * The live view's playback: every arriving event waits in a buffer until the view's
 * clock reaches its time. Live, the view's clock is the cluster's; slowed down it runs
 * at a fraction of real time (and falls behind, the buffer growing); paused it stops;
 * a step plays exactly one event. A buffer over its capacity is caught up by playing
 * its oldest events at once (marked as skipped: applied to the state, not animated), so
 * the view's state is never wrong, only less animated.
 *
 * @module
 */

/** @typedef {import("./types.js").TraceEvent} TraceEvent */

/**
 * How the view's clock moves: `live` (follows the cluster), `playing` (at `speed`,
 * behind the cluster) or `paused`.
 * @typedef {"live" | "playing" | "paused"} PlaybackMode
 */

/**
 * What one frame plays: events to apply and animate, and events only to apply.
 * @typedef {{ played: TraceEvent[], skipped: TraceEvent[] }} Frame
 */

/**
 * A buffer of events and the view's clock.
 *
 * @example
 * ```js
 * import { Playback } from "./playback.js";
 * const p = new Playback();
 * p.push({ time: 10, kind: "role", node: "n1" });
 * p.push({ time: 20, kind: "role", node: "n2" });
 * p.pause();
 * p.step()?.node; // "n1"
 * p.setSpeed(0.5);
 * p.play(); // at half speed from t = 10
 * p.advance(100, 20).played.length; // 1: the clock moved 10 ms, to 20
 * ```
 */
export class Playback {
  /** @type {PlaybackMode} */
  mode = "live";
  /** Real ms per view ms while `playing` is 1 / speed. */
  speed = 1;
  /** The view's clock (cluster ms). */
  viewTime = 0;
  /** Events played without animation because the buffer was full or skipped. */
  skippedTotal = 0;
  /** @type {TraceEvent[]} */
  #queue = [];
  #head = 0;
  #capacity;

  /** @param {{ capacity?: number }} [options] `capacity`: events buffered at most (100 000). */
  constructor(options = {}) {
    this.#capacity = options.capacity ?? 100_000;
  }

  /** Events waiting to be played. */
  get pending() {
    return this.#queue.length - this.#head;
  }

  /** @param {TraceEvent} e */
  push(e) {
    this.#queue.push(e);
  }

  pause() {
    this.mode = "paused";
  }

  /** Resumes at the current speed (live at 1×, if nothing is waiting). */
  play() {
    this.mode = this.speed === 1 && this.pending === 0 ? "live" : "playing";
  }

  /** @param {number} speed a positive factor; 1 is real time */
  setSpeed(speed) {
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    this.speed = speed;
    if (this.mode === "live" && speed !== 1) this.mode = "playing";
  }

  /**
   * Jumps to the present: every waiting event is played at once, without animation.
   * @param {number} liveNow the cluster's current time
   * @returns {TraceEvent[]} the events played
   */
  goLive(liveNow) {
    const out = this.#take(Infinity);
    this.skippedTotal += out.length;
    this.speed = 1;
    this.mode = "live";
    this.viewTime = Math.max(this.viewTime, liveNow);
    return out;
  }

  /**
   * Moves the view's clock by one frame.
   * @param {number} liveNow the cluster's current time
   * @param {number} wallMs real ms since the last frame
   * @returns {Frame}
   */
  advance(liveNow, wallMs) {
    if (this.mode === "live") {
      this.viewTime = Math.max(this.viewTime, liveNow);
    } else if (this.mode === "playing") {
      const next = Math.min(liveNow, this.viewTime + wallMs * this.speed);
      if (next > this.viewTime) this.viewTime = next;
      // Caught up at real speed: follow the cluster again.
      if (this.speed === 1 && this.viewTime >= liveNow && this.pending === 0) this.mode = "live";
    }
    /** @type {TraceEvent[]} */
    const skipped = [];
    while (this.pending > this.#capacity) {
      const e = /** @type {TraceEvent} */ (this.#queue[this.#head++]);
      skipped.push(e);
      if (e.time > this.viewTime) this.viewTime = e.time;
    }
    this.skippedTotal += skipped.length;
    const played = this.mode === "paused" ? [] : this.#take(this.viewTime);
    this.#compact();
    return { played, skipped };
  }

  /**
   * Pauses and plays the next event, moving the view's clock to it.
   * @returns {TraceEvent | null}
   */
  step() {
    this.mode = "paused";
    if (this.pending === 0) return null;
    const e = /** @type {TraceEvent} */ (this.#queue[this.#head++]);
    if (e.time > this.viewTime) this.viewTime = e.time;
    this.#compact();
    return e;
  }

  /**
   * @param {number} until
   * @returns {TraceEvent[]}
   */
  #take(until) {
    const out = [];
    while (this.#head < this.#queue.length) {
      const e = /** @type {TraceEvent} */ (this.#queue[this.#head]);
      if (e.time > until) break;
      out.push(e);
      this.#head++;
    }
    return out;
  }

  #compact() {
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
