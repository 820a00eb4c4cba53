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

import type { TraceEvent } from "../nodes/trace.ts";

/**
 * How the view's clock moves: `live` (follows the cluster), `playing` (at `speed`,
 * behind the cluster) or `paused`.
 *
 * @example
 * ```ts
 * import type { PlaybackMode } from "./playback.ts";
 * const m: PlaybackMode = "paused";
 * ```
 */
export type PlaybackMode = "live" | "playing" | "paused";

/**
 * What one frame plays: events to apply and animate, and events only to apply.
 *
 * @example
 * ```ts
 * import type { Frame } from "./playback.ts";
 * const f: Frame = { played: [], skipped: [] };
 * ```
 */
export interface Frame {
  readonly played: TraceEvent[];
  readonly skipped: TraceEvent[];
}

/**
 * A buffer of events and the view's clock.
 *
 * @example
 * ```ts
 * import { Playback } from "./playback.ts";
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
  mode: PlaybackMode = "live";
  /** Real ms per view ms while `playing` is 1 / speed. */
  speed = 1;
  /** The view's clock (cluster ms). */
  viewTime = 0;
  /** Events played without animation because the buffer was full or skipped. */
  skippedTotal = 0;
  #queue: TraceEvent[] = [];
  #head = 0;
  #capacity;

  /** @param options `capacity`: events buffered at most (100 000). */
  constructor(options: { capacity?: number } = {}) {
    this.#capacity = options.capacity ?? 100_000;
  }

  /** Events waiting to be played. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }
  push(e: TraceEvent): void {
    this.#queue.push(e);
  }

  pause(): void {
    this.mode = "paused";
  }

  /** Resumes at the current speed (live at 1×, if nothing is waiting). */
  play(): void {
    this.mode = this.speed === 1 && this.pending === 0 ? "live" : "playing";
  }

  /** @param speed a positive factor; 1 is real time */
  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    this.speed = speed;
    if (this.mode === "live" && speed !== 1) this.mode = "playing";
  }

  /**
   * Jumps to the present: every waiting event is played at once, without animation.
   * @param liveNow the cluster's current time
   * @returns the events played
   */
  goLive(liveNow: number): TraceEvent[] {
    const out = this.#take(Infinity);
    this.skippedTotal += out.length;
    this.speed = 1;
    this.mode = "live";
    this.viewTime = Math.max(this.viewTime, liveNow);
    return out;
  }

  /**
   * Moves the view's clock by one frame.
   * @param liveNow the cluster's current time
   * @param wallMs real ms since the last frame
   */
  advance(liveNow: number, wallMs: number): Frame {
    if (this.mode === "live") {
      this.viewTime = Math.max(this.viewTime, liveNow);
    } else if (this.mode === "playing") {
      const next = Math.min(liveNow, this.viewTime + wallMs * this.speed);
      if (next > this.viewTime) this.viewTime = next;
      // Caught up at real speed: follow the cluster again.
      if (this.speed === 1 && this.viewTime >= liveNow && this.pending === 0) this.mode = "live";
    }
    const skipped: TraceEvent[] = [];
    while (this.pending > this.#capacity) {
      const e = (this.#queue[this.#head++]) as TraceEvent;
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
   */
  step(): TraceEvent | null {
    this.mode = "paused";
    if (this.pending === 0) return null;
    const e = (this.#queue[this.#head++]) as TraceEvent;
    if (e.time > this.viewTime) this.viewTime = e.time;
    this.#compact();
    return e;
  }
  #take(until: number): TraceEvent[] {
    const out = [];
    while (this.#head < this.#queue.length) {
      const e = this.#queue[this.#head] as TraceEvent;
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
