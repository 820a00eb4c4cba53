/**
 * Options of the two Paxos protocols, with their defaults (times in ms of the node's
 * clock). Hosts pass them as plain JSON through `ctx.options`.
 *
 * @module
 */

import { booleanOption, positiveOption } from "../options.ts";

/**
 * Options of `paxos-register` (single-decree Paxos).
 *
 * @example
 * ```ts
 * import { parsePaxosRegisterOptions } from "./options.ts";
 * parsePaxosRegisterOptions({ backoff: false }).retryMs; // 40
 * ```
 */
export interface PaxosRegisterOptions {
  /**
   * Wait a random, exponentially growing time before retrying with a higher ballot
   * (default true). Without it a beaten proposer retries at once, and two proposers
   * can keep pre-empting each other: the duelling-proposers livelock.
   */
  readonly backoff: boolean;
  /** A round that makes no progress for this long is abandoned (default 40). */
  readonly retryMs: number;
  /** First backoff window (default 10); it doubles per failed round. */
  readonly backoffBaseMs: number;
  /** Largest backoff window (default 320). */
  readonly backoffMaxMs: number;
}

/**
 * Options of `paxos-kv` (Multi-Paxos).
 *
 * @example
 * ```ts
 * import { parsePaxosKvOptions } from "./options.ts";
 * parsePaxosKvOptions({}).heartbeatMs; // 50
 * ```
 */
export interface PaxosKvOptions {
  /** Leader heartbeat period (default 50). */
  readonly heartbeatMs: number;
  /** A follower suspects the leader after [electionMinMs, electionMaxMs) of silence (300, 600). */
  readonly electionMinMs: number;
  readonly electionMaxMs: number;
  /** Accepts not acknowledged for this long are sent again (default 100). */
  readonly retransmitMs: number;
  /** A deposed leader answers `info` for requests still undecided after this long (default 1500). */
  readonly requestTimeoutMs: number;
  /** Discard instances every node has applied (default true). */
  readonly forget: boolean;
  /** Chosen values per catch-up message (default 256). */
  readonly catchUpBatch: number;
  /** Accept rounds a leader keeps outstanding before batching new commands (default 4). */
  readonly maxInflight: number;
  /** Client sessions kept (default 10000). */
  readonly maxSessions: number;
}

/**
 * Reads `paxos-register` options, filling in defaults; throws on a bad value.
 *
 * @example
 * ```ts
 * import { parsePaxosRegisterOptions } from "./options.ts";
 * parsePaxosRegisterOptions({}).backoff; // true
 * ```
 */
export function parsePaxosRegisterOptions(
  raw: Readonly<Record<string, unknown>>,
): PaxosRegisterOptions {
  return {
    backoff: booleanOption(raw, "backoff", true),
    retryMs: positiveOption(raw, "retryMs", 40),
    backoffBaseMs: positiveOption(raw, "backoffBaseMs", 10),
    backoffMaxMs: positiveOption(raw, "backoffMaxMs", 320),
  };
}

/**
 * Reads `paxos-kv` options, filling in defaults; throws on a bad value.
 *
 * @example
 * ```ts
 * import { parsePaxosKvOptions } from "./options.ts";
 * parsePaxosKvOptions({ forget: false }).forget; // false
 * ```
 */
export function parsePaxosKvOptions(raw: Readonly<Record<string, unknown>>): PaxosKvOptions {
  const o: PaxosKvOptions = {
    heartbeatMs: positiveOption(raw, "heartbeatMs", 50),
    electionMinMs: positiveOption(raw, "electionMinMs", 300),
    electionMaxMs: positiveOption(raw, "electionMaxMs", 600),
    retransmitMs: positiveOption(raw, "retransmitMs", 100),
    requestTimeoutMs: positiveOption(raw, "requestTimeoutMs", 1500),
    forget: booleanOption(raw, "forget", true),
    catchUpBatch: positiveOption(raw, "catchUpBatch", 256),
    maxInflight: positiveOption(raw, "maxInflight", 4),
    maxSessions: positiveOption(raw, "maxSessions", 10000),
  };
  if (o.electionMaxMs <= o.electionMinMs) {
    throw new Error("option electionMaxMs must be above electionMinMs");
  }
  return o;
}
