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
 * - `suspicionMs` (5000): how long a member stays suspected before it is declared dead
 *   (confirmed), unless it refutes with a higher incarnation;
 * - `lambda` (4): the retransmit multiplier λ: each update rides on at most
 *   ⌈λ · log10(n + 1)⌉ messages (infection-style dissemination, §4.1);
 * - `piggyback` (8): the most updates one message carries.
 *
 * @example
 * ```ts
 * import type { SwimOptions } from "./options.ts";
 * const o: SwimOptions = {
 *   periodMs: 1000, pingTimeoutMs: 200, k: 3, suspicionMs: 5000, lambda: 4, piggyback: 8,
 * };
 * ```
 */
export interface SwimOptions {
  readonly periodMs: number;
  readonly pingTimeoutMs: number;
  readonly k: number;
  readonly suspicionMs: number;
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
    suspicionMs: num("suspicionMs", 5000),
    lambda: num("lambda", 4),
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
