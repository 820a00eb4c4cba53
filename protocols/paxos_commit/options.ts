/**
 * Options of Paxos Commit, with defaults.
 *
 * @module
 */

import { positiveOption } from "../options.ts";

/**
 * Parsed options (times in milliseconds of the node's clock).
 *
 * @example
 * ```ts
 * import { type PaxosCommitOptions, paxosCommitOptions } from "./options.ts";
 * const o: PaxosCommitOptions = paxosCommitOptions({ f: 2 });
 * o.f; // 2
 * ```
 */
export interface PaxosCommitOptions {
  /** Faults tolerated: 2F + 1 acceptors, the first nodes in index order. */
  readonly f: number;
  /** The registrar starts a ballot of its own (abort for unknown votes) after this long. */
  readonly voteTimeoutMs: number;
  /** Each further acceptor node waits this much longer before it takes over as leader. */
  readonly takeoverMs: number;
  /** Resend period of `prepare`, `p1a`, `p2a` to nodes that have not answered. */
  readonly resendMs: number;
  /** A leader whose ballot has not decided by then starts a higher one. */
  readonly ballotTimeoutMs: number;
}

/**
 * Reads the options, filling in defaults; throws on a bad value.
 *
 * @example
 * ```ts
 * import { paxosCommitOptions } from "./options.ts";
 * paxosCommitOptions({}).f; // 1
 * ```
 */
export function paxosCommitOptions(raw: Readonly<Record<string, unknown>>): PaxosCommitOptions {
  const num = (k: string, d: number): number => positiveOption(raw, k, d);
  const f = num("f", 1);
  if (!Number.isInteger(f)) throw new Error("option f must be a positive integer");
  return {
    f,
    voteTimeoutMs: num("voteTimeoutMs", 600),
    takeoverMs: num("takeoverMs", 300),
    resendMs: num("resendMs", 150),
    ballotTimeoutMs: num("ballotTimeoutMs", 500),
  };
}
