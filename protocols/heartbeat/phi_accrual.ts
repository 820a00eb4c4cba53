/**
 * The phi-accrual failure detector (Hayashibara et al., as in Akka and Cassandra).
 * Instead of a yes/no timeout it outputs a suspicion level φ = −log10(P(a heartbeat
 * this late)), learned from the recent inter-arrival times; a peer is suspected when
 * φ crosses a threshold (default 8: one wrong suspicion in 10^8 under the model).
 *
 * @module
 */

/**
 * Options of a phi-accrual detector.
 *
 * @example
 * ```ts
 * import { DEFAULT_PHI, type PhiOptions } from "./phi_accrual.ts";
 * const lenient: PhiOptions = { ...DEFAULT_PHI, threshold: 12, acceptablePauseMs: 200 };
 * ```
 */
export interface PhiOptions {
  /** Suspect when φ exceeds this (default 8). */
  readonly threshold: number;
  /** Samples kept per peer (default 100). */
  readonly windowSize: number;
  /** Floor for the standard deviation, so a very regular peer is not judged too harshly. */
  readonly minStdDevMs: number;
  /** Extra pause tolerated on top of the learned distribution (GC, scheduling). */
  readonly acceptablePauseMs: number;
  /** Interval assumed before any sample exists. */
  readonly firstIntervalMs: number;
}

/**
 * What a detector keeps about one peer: the recent inter-arrival times (a ring), their
 * sum and sum of squares, and the time of the last heartbeat. A caller that looks a
 * peer up once ({@link phiWindowOf}) can then use the `window*` functions without a
 * lookup per heartbeat.
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phiWindowOf, type PhiWindow } from "./phi_accrual.ts";
 * const w: PhiWindow | undefined = phiWindowOf(createPhiAccrual(["n2"], 0), "n2");
 * w?.last; // 0
 * ```
 */
export interface PhiWindow {
  intervals: number[];
  next: number;
  sum: number;
  sumSq: number;
  last: number;
}

/**
 * A phi-accrual detector's state for every peer.
 *
 * @example
 * ```ts
 * import { createPhiAccrual, type PhiAccrualDetector } from "./phi_accrual.ts";
 * const d: PhiAccrualDetector = createPhiAccrual(["n2"], 0, { threshold: 10 });
 * d.options.threshold; // 10
 * ```
 */
export interface PhiAccrualDetector {
  readonly options: PhiOptions;
  readonly peers: Map<string, PhiWindow>;
}

/**
 * The defaults of {@link PhiOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_PHI } from "./phi_accrual.ts";
 * DEFAULT_PHI.threshold; // 8
 * ```
 */
export const DEFAULT_PHI: PhiOptions = {
  threshold: 8,
  windowSize: 100,
  minStdDevMs: 10,
  acceptablePauseMs: 0,
  firstIntervalMs: 100,
};

// The logistic approximation of the normal CDF (phi() and phiSuspectedFrom()): z = y (A + B y²).
const LOGISTIC_A = 1.5976;
const LOGISTIC_B = 0.070566;

/**
 * Creates a detector for `peers`, starting at `now` as if a heartbeat had just arrived.
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phi } from "./phi_accrual.ts";
 * const d = createPhiAccrual(["n2"], 0, { firstIntervalMs: 100 });
 * phi(d, "n2", 50) < 1; // true
 * ```
 */
export function createPhiAccrual(
  peers: readonly string[],
  now: number,
  options: Partial<PhiOptions> = {},
): PhiAccrualDetector {
  const o = { ...DEFAULT_PHI, ...options };
  const d: PhiAccrualDetector = { options: o, peers: new Map() };
  for (const p of peers) d.peers.set(p, seedWindow(o, now));
  return d;
}

function seedWindow(o: PhiOptions, now: number): PhiWindow {
  // Two bootstrap samples around the expected interval, as Akka does, so that the
  // first real heartbeats are not judged against an empty history.
  const m = o.firstIntervalMs;
  const s = m / 4;
  const w: PhiWindow = { intervals: [], next: 0, sum: 0, sumSq: 0, last: now };
  addSample(w, o.windowSize, m - s);
  addSample(w, o.windowSize, m + s);
  return w;
}

function addSample(w: PhiWindow, size: number, x: number): void {
  if (w.intervals.length < size) {
    w.intervals.push(x);
  } else {
    const old = w.intervals[w.next]!;
    w.sum -= old;
    w.sumSq -= old * old;
    w.intervals[w.next] = x;
    w.next = (w.next + 1) % size;
  }
  w.sum += x;
  w.sumSq += x * x;
}

/**
 * Records a heartbeat from `peer` at `now`.
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phiHeartbeat } from "./phi_accrual.ts";
 * const d = createPhiAccrual(["n2"], 0);
 * phiHeartbeat(d, "n2", 100);
 * ```
 */
export function phiHeartbeat(d: PhiAccrualDetector, peer: string, now: number): void {
  const w = d.peers.get(peer);
  if (w === undefined) d.peers.set(peer, seedWindow(d.options, now));
  else windowHeartbeat(d, w, now);
}

/**
 * The window `d` keeps for `peer` (undefined for a peer never heard of). It stays the
 * same object for the detector's life.
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phiWindowOf } from "./phi_accrual.ts";
 * phiWindowOf(createPhiAccrual(["n2"], 0), "n3"); // undefined
 * ```
 */
export function phiWindowOf(d: PhiAccrualDetector, peer: string): PhiWindow | undefined {
  return d.peers.get(peer);
}

/**
 * {@link phiHeartbeat} for a peer's window.
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phiWindowOf, windowHeartbeat } from "./phi_accrual.ts";
 * const d = createPhiAccrual(["n2"], 0);
 * windowHeartbeat(d, phiWindowOf(d, "n2")!, 100);
 * ```
 */
export function windowHeartbeat(d: PhiAccrualDetector, w: PhiWindow, now: number): void {
  addSample(w, d.options.windowSize, now - w.last);
  w.last = now;
}

/**
 * The suspicion level of `peer` at `now` (0 = surely alive; grows without bound).
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phi } from "./phi_accrual.ts";
 * const d = createPhiAccrual(["n2"], 0, { firstIntervalMs: 100 });
 * phi(d, "n2", 1000) > 8; // true: ten intervals without a heartbeat
 * ```
 */
export function phi(d: PhiAccrualDetector, peer: string, now: number): number {
  const w = d.peers.get(peer);
  return w === undefined ? 0 : windowPhi(d, w, now);
}

/**
 * {@link phi} for a peer's window.
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phiWindowOf, windowPhi } from "./phi_accrual.ts";
 * const d = createPhiAccrual(["n2"], 0, { firstIntervalMs: 100 });
 * windowPhi(d, phiWindowOf(d, "n2")!, 1000) > 8; // true
 * ```
 */
export function windowPhi(d: PhiAccrualDetector, w: PhiWindow, now: number): number {
  const n = w.intervals.length;
  const mean = w.sum / n + d.options.acceptablePauseMs;
  const variance = Math.max(0, w.sumSq / n - (w.sum / n) ** 2);
  const std = Math.max(Math.sqrt(variance), d.options.minStdDevMs);
  const y = (now - w.last - mean) / std;
  // Logistic approximation of the normal CDF (error < 0.0002): P(later) = 1 / (1 + e^z),
  // so φ = log10(1 + e^z), computed in a form that neither overflows nor underflows.
  const z = y * (LOGISTIC_A + LOGISTIC_B * y * y);
  return (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) / Math.LN10;
}

/**
 * Whether `peer` is suspected at `now` (φ above the threshold).
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phiSuspected } from "./phi_accrual.ts";
 * phiSuspected(createPhiAccrual(["n2"], 0), "n2", 50); // false
 * ```
 */
export function phiSuspected(d: PhiAccrualDetector, peer: string, now: number): boolean {
  return phi(d, peer, now) > d.options.threshold;
}

/**
 * The time from which `peer` may be suspected (φ above `threshold`) if no heartbeat
 * arrives before it: a lower bound (a hair early, so rounding never makes it late). φ
 * only grows with the silence, so a caller need not judge the peer before then; +∞ for
 * a peer never heard of.
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phiSuspected, phiSuspectedFrom } from "./phi_accrual.ts";
 * const d = createPhiAccrual(["n2"], 0, { firstIntervalMs: 100 });
 * const t = phiSuspectedFrom(d, "n2");
 * phiSuspected(d, "n2", t - 1); // false
 * phiSuspected(d, "n2", t + 1); // true
 * ```
 */
export function phiSuspectedFrom(
  d: PhiAccrualDetector,
  peer: string,
  threshold: number = d.options.threshold,
): number {
  const w = d.peers.get(peer);
  return w === undefined ? Infinity : windowSuspectedFrom(d, w, threshold);
}

/**
 * {@link phiSuspectedFrom} for a peer's window.
 *
 * @example
 * ```ts
 * import { createPhiAccrual, phiWindowOf, windowSuspectedFrom } from "./phi_accrual.ts";
 * const d = createPhiAccrual(["n2"], 0, { firstIntervalMs: 100 });
 * windowSuspectedFrom(d, phiWindowOf(d, "n2")!, 8) > 100; // true
 * ```
 */
export function windowSuspectedFrom(
  d: PhiAccrualDetector,
  w: PhiWindow,
  threshold: number,
): number {
  // The same mean and deviation as windowPhi(): φ is a function of y = (silence − mean) / std.
  const n = w.intervals.length;
  const mean = w.sum / n + d.options.acceptablePauseMs;
  const variance = Math.max(0, w.sumSq / n - (w.sum / n) ** 2);
  const std = Math.max(Math.sqrt(variance), d.options.minStdDevMs);
  const t = w.last + mean + std * silenceAt(threshold);
  return t - (1e-6 + Math.abs(t) * 1e-9);
}

let cachedThreshold = NaN;
let cachedSilence = NaN;

/** The y (silence in deviations past the mean) at which φ reaches `threshold`. */
function silenceAt(threshold: number): number {
  if (threshold === cachedThreshold) return cachedSilence;
  // φ = log10(1 + e^z)  ⇒  z = ln(10^φ − 1); then solve z = y (a + b y²) for y.
  const a = LOGISTIC_A, b = LOGISTIC_B;
  const l = threshold * Math.LN10;
  const z = l > 700 ? l : Math.log(Math.expm1(l));
  // Cardano (one real root: the cubic is increasing), polished by Newton.
  const p = a / b, q = z / b;
  const s = Math.sqrt((q * q) / 4 + (p * p * p) / 27);
  let y = Math.cbrt(q / 2 + s) + Math.cbrt(q / 2 - s);
  for (let i = 0; i < 3; i++) y -= (y * (a + b * y * y) - z) / (a + 3 * b * y * y);
  cachedThreshold = threshold;
  cachedSilence = y;
  return y;
}
