/**
 * Message delay distributions ("latency is zero" made false).
 *
 * @module
 */

/**
 * A delay distribution in milliseconds.
 *
 * @example
 * ```ts
 * import type { Delay } from "./delay.ts";
 * const wan: Delay = { kind: "normal", mean: 80, jitter: 20 };
 * ```
 */
export type Delay =
  | { readonly kind: "constant"; readonly ms: number }
  | { readonly kind: "uniform"; readonly min: number; readonly max: number }
  | { readonly kind: "exponential"; readonly mean: number }
  | { readonly kind: "normal"; readonly mean: number; readonly jitter: number };

/**
 * Draws one delay (never negative) from `delay` using `random`.
 *
 * @example
 * ```ts
 * import { sampleDelay } from "./delay.ts";
 * sampleDelay({ kind: "uniform", min: 1, max: 3 }, () => 0.5); // 2
 * ```
 */
export function sampleDelay(delay: Delay, random: () => number): number {
  const d = sampleUnbounded(delay, random);
  return d > MAX_DELAY_MS ? MAX_DELAY_MS : d;
}

/**
 * The longest delay a link may add, in ms (one minute). Larger values are refused as
 * input, and samples of long-tailed distributions are cut to it: a delay that outlives
 * every timeout in the cluster shows nothing a minute does not, and keeps timers and
 * messages alive for no purpose.
 *
 * @example
 * ```ts
 * import { MAX_DELAY_MS } from "./delay.ts";
 * MAX_DELAY_MS; // 60000
 * ```
 */
export const MAX_DELAY_MS = 60_000;

function sampleUnbounded(delay: Delay, random: () => number): number {
  switch (delay.kind) {
    case "constant":
      return delay.ms;
    case "uniform":
      return delay.min + (delay.max - delay.min) * random();
    case "exponential":
      return -delay.mean * Math.log(1 - random());
    case "normal": {
      // Box–Muller; one draw per call keeps the random stream simple to replay.
      const u = 1 - random();
      const v = random();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      const d = delay.mean + delay.jitter * z;
      return d < 0 ? 0 : d;
    }
  }
}

/**
 * The mean of a delay distribution (normal's clamping at 0 ignored).
 *
 * @example
 * ```ts
 * import { meanDelay } from "./delay.ts";
 * meanDelay({ kind: "uniform", min: 0, max: 10 }); // 5
 * ```
 */
export function meanDelay(delay: Delay): number {
  switch (delay.kind) {
    case "constant":
      return delay.ms;
    case "uniform":
      return (delay.min + delay.max) / 2;
    case "exponential":
    case "normal":
      return delay.mean;
  }
}

/**
 * Parses a delay as written on the command line: `50ms`, `50`, `20..80ms` (uniform),
 * `exp:30ms` (exponential), `50ms±10ms` or `50ms+-10ms` (normal with jitter).
 * Throws a one-line `Error` for anything else.
 *
 * @example
 * ```ts
 * import { parseDelay } from "./delay.ts";
 * parseDelay("50ms±10ms"); // { kind: "normal", mean: 50, jitter: 10 }
 * ```
 */
export function parseDelay(text: string): Delay {
  const t = text.trim();
  const num = (s: string): number => {
    const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(s.trim());
    if (!m) throw new Error(`invalid delay '${text}': expected e.g. 50ms, 20..80ms, 50ms±10ms`);
    return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
  };
  if (t.startsWith("exp:")) return bounded(text, { kind: "exponential", mean: num(t.slice(4)) });
  const pm = t.split(/±|\+-/);
  if (pm.length === 2) {
    return bounded(text, { kind: "normal", mean: num(pm[0]!), jitter: num(pm[1]!) });
  }
  const range = t.split("..");
  if (range.length === 2) {
    const unit = /(ms|s)$/.exec(range[1]!)?.[1] ?? "";
    const min = num(/(ms|s)$/.test(range[0]!) ? range[0]! : range[0]! + unit);
    const max = num(range[1]!);
    if (min > max) throw new Error(`invalid delay '${text}': minimum above maximum`);
    return bounded(text, { kind: "uniform", min, max });
  }
  return bounded(text, { kind: "constant", ms: num(t) });
}

function bounded(text: string, d: Delay): Delay {
  const bad = validateDelay(d);
  if (bad !== null) throw new Error(`invalid delay '${text}': ${bad}`);
  return d;
}

/**
 * Checks a delay value received from an API or file; returns an error message or null.
 *
 * @example
 * ```ts
 * import { validateDelay } from "./delay.ts";
 * validateDelay({ kind: "constant", ms: -1 }); // "delay must not be negative"
 * ```
 */
export function validateDelay(delay: Delay): string | null {
  const nums: number[] = delay.kind === "constant"
    ? [delay.ms]
    : delay.kind === "uniform"
    ? [delay.min, delay.max]
    : delay.kind === "exponential"
    ? [delay.mean]
    : delay.kind === "normal"
    ? [delay.mean, delay.jitter]
    : [NaN];
  if (nums.some((n) => typeof n !== "number" || !Number.isFinite(n))) {
    return "delay needs finite numbers";
  }
  if (nums.some((n) => n < 0)) return "delay must not be negative";
  if (nums.some((n) => n > MAX_DELAY_MS)) return `delay must be at most ${MAX_DELAY_MS} ms`;
  if (delay.kind === "uniform" && delay.min > delay.max) return "delay minimum above maximum";
  return null;
}
