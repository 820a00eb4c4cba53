/**
 * Timing options of two-phase commit, with defaults.
 *
 * @module
 */

import { positiveOption } from "../options.ts";

/**
 * Parsed timing options (milliseconds of the node's clock).
 *
 * @example
 * ```ts
 * import { type TwoPhaseOptions, twoPhaseOptions } from "./options.ts";
 * const o: TwoPhaseOptions = twoPhaseOptions({ voteTimeoutMs: 400 });
 * o.voteTimeoutMs; // 400
 * ```
 */
export interface TwoPhaseOptions {
  /** The coordinator aborts a transaction whose votes are not all in by then. */
  readonly voteTimeoutMs: number;
  /** The coordinator re-sends `prepare` / `decision` to peers that have not answered. */
  readonly resendMs: number;
  /** A prepared participant asks the coordinator this often until it learns the outcome. */
  readonly queryMs: number;
  /** A prepared participant suspects the coordinator after this long without a word. */
  readonly suspectMs: number;
}

/**
 * Reads the timing options, filling in defaults; throws on a bad value.
 *
 * @example
 * ```ts
 * import { twoPhaseOptions } from "./options.ts";
 * twoPhaseOptions({ voteTimeoutMs: 500 }).resendMs; // 150
 * ```
 */
export function twoPhaseOptions(raw: Readonly<Record<string, unknown>>): TwoPhaseOptions {
  const num = (k: string, d: number): number => positiveOption(raw, k, d);
  return {
    voteTimeoutMs: num("voteTimeoutMs", 1000),
    resendMs: num("resendMs", 150),
    queryMs: num("queryMs", 300),
    suspectMs: num("suspectMs", 500),
  };
}
