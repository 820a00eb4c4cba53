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
  return phiOf(d.options, w.intervals.length, w.sum, w.sumSq, w.last, now);
}

/** The mean interval of a window of `n` samples, the acceptable pause added. */
function meanOf(o: PhiOptions, n: number, sum: number): number {
  return sum / n + o.acceptablePauseMs;
}

/** The standard deviation of a window of `n` samples, at least `minStdDevMs`. */
function stdOf(o: PhiOptions, n: number, sum: number, sumSq: number): number {
  const variance = Math.max(0, sumSq / n - (sum / n) ** 2);
  return Math.max(Math.sqrt(variance), o.minStdDevMs);
}

/** φ at `now` of a window of `n` samples (sum, sum of squares) last heard at `last`. */
function phiOf(
  o: PhiOptions,
  n: number,
  sum: number,
  sumSq: number,
  last: number,
  now: number,
): number {
  const y = (now - last - meanOf(o, n, sum)) / stdOf(o, n, sum, sumSq);
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
  return suspectedFromOf(d.options, w.intervals.length, w.sum, w.sumSq, w.last, threshold);
}

function suspectedFromOf(
  o: PhiOptions,
  n: number,
  sum: number,
  sumSq: number,
  last: number,
  threshold: number,
): number {
  // The same mean and deviation as phiOf(): φ is a function of y = (silence − mean) / std.
  const t = last + meanOf(o, n, sum) + stdOf(o, n, sum, sumSq) * silenceAt(threshold);
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

/**
 * The windows of a fixed list of peers, by index, in typed arrays: the same samples,
 * sums and φ as one {@link PhiWindow} per peer, bit for bit, without an object (and three
 * boxed numbers, and an array) per peer. A thousand nodes watching each other hold a
 * million windows: as objects they were most of the heap the collector walked, and a
 * heartbeat followed four pointers to reach its peer's.
 *
 * @example
 * ```ts
 * import { createPhiTable, tableHeartbeat, tablePhi } from "./phi_accrual.ts";
 * const t = createPhiTable(2, 0, { firstIntervalMs: 100 });
 * tableHeartbeat(t, 1, 100);
 * tablePhi(t, 1, 150) < tablePhi(t, 0, 150); // true: peer 0 has been silent longer
 * ```
 */
export interface PhiTable {
  readonly options: PhiOptions;
  /** How many peers. */
  readonly size: number;
  /** `[sum, sumSq, last, samples, next]` of peer `i` at `5i`…`5i + 4`. */
  readonly stats: Float64Array;
  /** Peer `i`'s samples at `i * room`…, a ring once `room` is the window size. */
  samples: Float64Array;
  /** Samples each peer has room for (doubled as they come, up to the window size). */
  room: number;
}

/**
 * A table of `size` windows, each seeded at `now` as {@link createPhiAccrual} seeds one.
 *
 * @example
 * ```ts
 * import { createPhiTable } from "./phi_accrual.ts";
 * createPhiTable(3, 0).size; // 3
 * ```
 */
export function createPhiTable(
  size: number,
  now: number,
  options: Partial<PhiOptions> = {},
): PhiTable {
  const o = { ...DEFAULT_PHI, ...options };
  const room = Math.min(4, o.windowSize);
  const t: PhiTable = {
    options: o,
    size,
    stats: new Float64Array(5 * size),
    samples: new Float64Array(size * room),
    room,
  };
  for (let i = 0; i < size; i++) seedTableWindow(t, i, now);
  return t;
}

/**
 * Starts peer `i`'s window of a table afresh at `now`, as {@link createPhiTable} seeds
 * one (for a peer first met after the table was made).
 *
 * @example
 * ```ts
 * import { createPhiTable, seedTableWindow, tablePhi } from "./phi_accrual.ts";
 * const t = createPhiTable(2, 0);
 * seedTableWindow(t, 1, 500);
 * tablePhi(t, 1, 550) < tablePhi(t, 0, 550); // true: peer 1 was seeded later
 * ```
 */
export function seedTableWindow(t: PhiTable, i: number, now: number): void {
  // Two bootstrap samples around the expected interval, as seedWindow() adds them.
  const m = t.options.firstIntervalMs;
  const s = m / 4;
  t.stats.fill(0, 5 * i, 5 * i + 5);
  t.stats[5 * i + 2] = now;
  tableSample(t, i, m - s);
  tableSample(t, i, m + s);
}

/** {@link addSample} on a table's window: the same operations, in the same order. */
function tableSample(t: PhiTable, i: number, x: number): void {
  const size = t.options.windowSize;
  const st = t.stats;
  const k = 5 * i;
  const n = st[k + 3]!;
  if (n < size) {
    if (n === t.room) widen(t, Math.min(2 * t.room, size));
    t.samples[i * t.room + n] = x;
    st[k + 3] = n + 1;
  } else {
    const at = i * t.room + st[k + 4]!;
    const old = t.samples[at]!;
    st[k] = st[k]! - old;
    st[k + 1] = st[k + 1]! - old * old;
    t.samples[at] = x;
    st[k + 4] = (st[k + 4]! + 1) % size;
  }
  st[k] = st[k]! + x;
  st[k + 1] = st[k + 1]! + x * x;
}

function widen(t: PhiTable, room: number): void {
  const samples = new Float64Array(t.size * room);
  for (let i = 0; i < t.size; i++) {
    samples.set(t.samples.subarray(i * t.room, (i + 1) * t.room), i * room);
  }
  t.samples = samples;
  t.room = room;
}

/**
 * {@link windowHeartbeat} for peer `i` of a table.
 *
 * @example
 * ```ts
 * import { createPhiTable, tableHeartbeat } from "./phi_accrual.ts";
 * tableHeartbeat(createPhiTable(1, 0), 0, 100);
 * ```
 */
export function tableHeartbeat(t: PhiTable, i: number, now: number): void {
  tableSample(t, i, now - t.stats[5 * i + 2]!);
  t.stats[5 * i + 2] = now;
}

/**
 * {@link windowPhi} for peer `i` of a table.
 *
 * @example
 * ```ts
 * import { createPhiTable, tablePhi } from "./phi_accrual.ts";
 * tablePhi(createPhiTable(1, 0, { firstIntervalMs: 100 }), 0, 1000) > 8; // true
 * ```
 */
export function tablePhi(t: PhiTable, i: number, now: number): number {
  const st = t.stats, k = 5 * i;
  return phiOf(t.options, st[k + 3]!, st[k]!, st[k + 1]!, st[k + 2]!, now);
}

/**
 * {@link windowSuspectedFrom} for peer `i` of a table.
 *
 * @example
 * ```ts
 * import { createPhiTable, tableSuspectedFrom } from "./phi_accrual.ts";
 * tableSuspectedFrom(createPhiTable(1, 0, { firstIntervalMs: 100 }), 0, 8) > 100; // true
 * ```
 */
export function tableSuspectedFrom(t: PhiTable, i: number, threshold: number): number {
  const st = t.stats, k = 5 * i;
  return suspectedFromOf(t.options, st[k + 3]!, st[k]!, st[k + 1]!, st[k + 2]!, threshold);
}

/**
 * A copy of `t` with room for `size` peers: the first `t.size` windows as they are, the
 * others seeded at `now` as {@link createPhiTable} seeds them (for peers that joined).
 *
 * @example
 * ```ts
 * import { createPhiTable, growPhiTable, tablePhi } from "./phi_accrual.ts";
 * const t = growPhiTable(createPhiTable(1, 0), 2, 500);
 * tablePhi(t, 1, 550) < tablePhi(t, 0, 550); // true: peer 1 was seeded later
 * ```
 */
export function growPhiTable(t: PhiTable, size: number, now: number): PhiTable {
  const g = createPhiTable(size, now, t.options);
  if (g.room < t.room) widen(g, t.room);
  g.stats.set(t.stats.subarray(0, 5 * t.size));
  for (let i = 0; i < t.size; i++) {
    g.samples.set(t.samples.subarray(i * t.room, (i + 1) * t.room), i * g.room);
  }
  return g;
}
