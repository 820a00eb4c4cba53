/**
 * The simplest failure detector (chapter §9): suspect a peer when no heartbeat has
 * arrived for `timeoutMs`. Cheap and easy to reason about, but one threshold must fit
 * every network: too short and slow links look dead, too long and crashes go unnoticed.
 *
 * @module
 */

/**
 * Per-peer state of a fixed-timeout detector.
 *
 * @example
 * ```ts
 * import { createFixedTimeout, type FixedTimeoutDetector } from "./fixed_timeout.ts";
 * const d: FixedTimeoutDetector = createFixedTimeout(["n2", "n3"], 500, 0);
 * d.last.get("n2"); // 0: every peer counts as heard at the start
 * ```
 */
export interface FixedTimeoutDetector {
  readonly timeoutMs: number;
  /** Time of the last heartbeat from each peer (or of the start). */
  readonly last: Map<string, number>;
}

/**
 * Creates a detector that starts trusting every peer at `now`.
 *
 * @example
 * ```ts
 * import { createFixedTimeout, heartbeatArrived, isSuspected } from "./fixed_timeout.ts";
 * const d = createFixedTimeout(["n2"], 500, 0);
 * heartbeatArrived(d, "n2", 100);
 * isSuspected(d, "n2", 700); // true: 600 ms without a heartbeat
 * ```
 */
export function createFixedTimeout(
  peers: readonly string[],
  timeoutMs: number,
  now: number,
): FixedTimeoutDetector {
  return { timeoutMs, last: new Map(peers.map((p) => [p, now])) };
}

/**
 * Records a heartbeat from `peer` at `now`.
 *
 * @example
 * ```ts
 * import { createFixedTimeout, heartbeatArrived } from "./fixed_timeout.ts";
 * const d = createFixedTimeout(["n2"], 500, 0);
 * heartbeatArrived(d, "n2", 100);
 * ```
 */
export function heartbeatArrived(d: FixedTimeoutDetector, peer: string, now: number): void {
  d.last.set(peer, now);
}

/**
 * Whether `peer` is suspected at `now`.
 *
 * @example
 * ```ts
 * import { createFixedTimeout, isSuspected } from "./fixed_timeout.ts";
 * isSuspected(createFixedTimeout(["n2"], 500, 0), "n2", 100); // false
 * ```
 */
export function isSuspected(d: FixedTimeoutDetector, peer: string, now: number): boolean {
  const last = d.last.get(peer);
  return last !== undefined && timedOut(last, now, d.timeoutMs);
}

/**
 * The rule itself, for a caller that keeps the times of last heartbeat its own way:
 * whether a peer last heard from at `last` is suspected at `now`.
 *
 * @example
 * ```ts
 * import { timedOut } from "./fixed_timeout.ts";
 * timedOut(100, 600, 500); // false
 * timedOut(100, 601, 500); // true
 * ```
 */
export function timedOut(last: number, now: number, timeoutMs: number): boolean {
  return now - last > timeoutMs;
}

/**
 * The time from which a peer last heard from at `last` may be suspected if no heartbeat
 * arrives before it: a lower bound (a hair early, so rounding never makes it late), so
 * a caller need not judge the peer before then.
 *
 * @example
 * ```ts
 * import { timedOut, timeoutFrom } from "./fixed_timeout.ts";
 * const t = timeoutFrom(100, 500); // 600, a hair early
 * timedOut(100, t, 500); // false
 * ```
 */
export function timeoutFrom(last: number, timeoutMs: number): number {
  const t = last + timeoutMs;
  return t - (1e-6 + Math.abs(t) * 1e-9);
}
