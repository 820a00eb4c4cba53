/**
 * The options of the `swim` protocol, with the defaults of SWIM's paper (Das, Gupta and
 * Motivala, 2002) where it gives them, and of its best-known implementation (HashiCorp
 * memberlist's LAN profile) where it leaves them to the deployment.
 *
 * @module
 */

import { positiveOption } from "../options.ts";

/**
 * Parsed options of the `swim` protocol.
 *
 * - `periodMs` (1000): the protocol period T′; each node probes one member per period;
 * - `pingTimeoutMs` (200): how long to wait for a direct ack before asking `k` others
 *   to probe indirectly (well under the period, so the indirect round fits in it);
 * - `k` (3): indirect probers asked by a `ping-req` when the direct ping goes unanswered;
 * - `suspicionMult` (4): how long a member stays suspected before it is declared dead
 *   (confirmed), unless it refutes with a higher incarnation, in protocol periods per
 *   decade of group size: `suspicionMult · max(1, log10 n) · periodMs` (memberlist's
 *   rule; the paper asks for a timeout that leaves the suspicion time to reach the
 *   suspect and its refutation time to spread, which takes O(log n) periods);
 * - `suspicionMs` (none): a fixed suspicion timeout in ms instead;
 * - `lambda` (3): the retransmit multiplier λ: each update rides on at most
 *   ⌈λ · ln(n + 1)⌉ messages (infection-style dissemination, §4.1);
 * - `piggyback` (8): the most updates one message carries.
 *
 * @example
 * ```ts
 * import type { SwimOptions } from "./options.ts";
 * const o: SwimOptions = {
 *   periodMs: 1000, pingTimeoutMs: 200, k: 3, suspicionMult: 4, suspicionMs: null,
 *   lambda: 3, piggyback: 8,
 * };
 * ```
 */
export interface SwimOptions {
  readonly periodMs: number;
  readonly pingTimeoutMs: number;
  readonly k: number;
  readonly suspicionMult: number;
  readonly suspicionMs: number | null;
  readonly lambda: number;
  readonly piggyback: number;
}

/**
 * Reads SWIM options, filling in defaults; throws a one-line error on a bad value.
 *
 * @example
 * ```ts
 * import { swimOptions } from "./options.ts";
 * swimOptions({ k: 2 }).periodMs; // 1000
 * ```
 */
export function swimOptions(raw: Readonly<Record<string, unknown>>): SwimOptions {
  const num = (k: string, d: number): number => positiveOption(raw, k, d);
  const o: SwimOptions = {
    periodMs: num("periodMs", 1000),
    pingTimeoutMs: num("pingTimeoutMs", 200),
    k: num("k", 3),
    suspicionMult: num("suspicionMult", 4),
    suspicionMs: raw.suspicionMs === undefined ? null : num("suspicionMs", 0),
    lambda: num("lambda", 3),
    piggyback: num("piggyback", 8),
  };
  if (o.pingTimeoutMs >= o.periodMs) {
    throw new Error("option pingTimeoutMs must be below periodMs");
  }
  for (const key of ["k", "piggyback"] as const) {
    if (!Number.isInteger(o[key])) throw new Error(`option ${key} must be a whole number`);
  }
  return o;
}

/**
 * The suspicion timeout in a group of `n` members: `suspicionMs` when set, else
 * `suspicionMult · max(1, log10 n) · periodMs`.
 *
 * @example
 * ```ts
 * import { suspicionTimeout, swimOptions } from "./options.ts";
 * suspicionTimeout(swimOptions({}), 100); // 8000
 * suspicionTimeout(swimOptions({ suspicionMs: 3000 }), 100); // 3000
 * ```
 */
export function suspicionTimeout(o: SwimOptions, n: number): number {
  return o.suspicionMs ?? Math.round(o.suspicionMult * Math.max(1, Math.log10(n)) * o.periodMs);
}
