/**
 * Frame timing of the live view: how long each frame's work took (measured with
 * performance marks around it) and how far apart frames came, over the latest frames.
 *
 * @module
 */

/**
 * A summary of frame times, in ms.
 *
 * @example
 * ```ts
 * import type { FrameSummary } from "./frame_stats.ts";
 * const s: FrameSummary = { frames: 60, p50: 1.2, p95: 4, max: 9, mean: 1.6 };
 * ```
 */
export type FrameSummary = { frames: number; p50: number; p95: number; max: number; mean: number };

/**
 * Keeps the latest frame durations.
 *
 * @example
 * ```ts
 * import { FrameStats } from "./frame_stats.ts";
 * const s = new FrameStats(4);
 * for (const ms of [1, 2, 3, 10, 4]) s.add(ms);
 * s.summary().max; // 10
 * s.summary().frames; // 4
 * ```
 */
export class FrameStats {
  #ring: number[] = [];
  #next = 0;
  #size;
  /** Frames measured since the start. */
  total = 0;

  /** @param size frames kept (600: ten seconds at 60 Hz) */
  constructor(size: number = 600) {
    this.#size = size;
  }
  add(ms: number): void {
    if (this.#ring.length < this.#size) this.#ring.push(ms);
    else this.#ring[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#size;
    this.total++;
  }

  /** Forgets the frames so far. */
  reset(): void {
    this.#ring = [];
    this.#next = 0;
  }
  summary(): FrameSummary {
    const v = [...this.#ring].sort((a, b) => a - b);
    const at = (p: number) =>
      v.length === 0 ? 0 : (v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)] as number);
    const sum = v.reduce((a, b) => a + b, 0);
    return {
      frames: v.length,
      p50: round(at(0.5)),
      p95: round(at(0.95)),
      max: round(v[v.length - 1] ?? 0),
      mean: round(v.length === 0 ? 0 : sum / v.length),
    };
  }
}
function round(v: number) {
  return Math.round(v * 100) / 100;
}
