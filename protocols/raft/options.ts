/**
 * Raft options: what a host may set through `ctx.options`, with their defaults.
 *
 * @module
 */

import type { NodeId } from "../node.ts";

/**
 * How the leader serves `read` operations.
 *
 * - `read-index` (default): the leader records its commit index, confirms it is
 *   still leader with one heartbeat round acknowledged by a majority, waits until it
 *   has applied that index, and answers. Linearizable.
 * - `lease`: the leader answers from its state machine without a round trip while its
 *   lease holds (a majority acknowledged a heartbeat less than
 *   `electionMinMs · (1 − ρ) / (1 + ρ)` ago, ρ = `clockDriftBound`). Followers refuse
 *   votes for `electionMinMs` after hearing from their leader, so no other leader can
 *   exist meanwhile. **Unsafe** if clocks drift faster than ρ, or jump (pause, VM
 *   migration): then two leaders can overlap and reads can be stale. Needs
 *   `checkQuorum`; without it falls back to `read-index`.
 * - `log`: reads are appended to the log like writes (slow, simple, linearizable).
 * - `stale`: any node, follower or leader, answers from its own applied state at
 *   once. Fast and available in a minority partition, but not linearizable: a
 *   follower may lag, and a deposed leader may not know it yet.
 *
 * @example
 * ```ts
 * import type { ReadMode } from "./options.ts";
 * const mode: ReadMode = "lease";
 * ```
 */
export type ReadMode = "read-index" | "lease" | "log" | "stale";

/**
 * Parsed Raft options (times in milliseconds of the node's clock).
 *
 * @example
 * ```ts
 * import { parseRaftOptions } from "./options.ts";
 * const o = parseRaftOptions({ heartbeatMs: 20 });
 * o.electionMinMs; // 150
 * ```
 */
export interface RaftOptions {
  /** Leader heartbeat interval (default 50). */
  readonly heartbeatMs: number;
  /** Election timeout is drawn uniformly from [electionMinMs, electionMaxMs) (150, 300). */
  readonly electionMinMs: number;
  /** See `electionMinMs`. */
  readonly electionMaxMs: number;
  /**
   * The election window is at least this wide per voter: timers are drawn from
   * [electionMinMs, max(electionMaxMs, electionMinMs + voters × this)). A campaign asks
   * every voter, so where the broadcast time grows with the cluster (many nodes sharing
   * two cores) the timers must fire further apart than one campaign takes, or the votes
   * split again and again (§5.6: broadcastTime ≪ electionTimeout). Default 0 (the window
   * as set); the live cluster uses 20, which widens it past 50 voters.
   */
  readonly electionSpreadPerVoterMs: number;
  /**
   * After each campaign its own timer started that ended with no leader heard, the
   * node's window doubles in width, at most this many times; hearing a leader (or
   * winning) restores it. On an overloaded host a campaign can take longer than any
   * fixed window allows, and the doubling spreads the timers until one campaign
   * completes alone (binary exponential backoff, as Ethernet's after a collision).
   * Default 0 (off); the live cluster uses 4.
   */
  readonly electionBackoff: number;
  /** Run a PreVote round before incrementing the term (thesis §9.6). Default true. */
  readonly preVote: boolean;
  /** Leader steps down without a majority's contact for `electionMinMs`; voters ignore
   * candidates while they hear from a leader. Default true. */
  readonly checkQuorum: boolean;
  /**
   * A pre-candidate refused by a voter with a newer log asks that voter (the first such,
   * once a campaign) to campaign at once, so an election whose first timer fired on a
   * stale follower does not wait for the next timer. Only with PreVote. Default true.
   */
  readonly campaignHint: boolean;
  /** How reads are served (see {@link ReadMode}). Default `read-index`. */
  readonly readMode: ReadMode;
  /**
   * Appends in flight per follower in the replicate state (flow control). Default 4:
   * entries proposed while the window is full wait and leave together in one append, so
   * a small window batches well without costing throughput (see `bench/raft_bench.ts`).
   */
  readonly maxInflight: number;
  /** Entries per append message. Default 64. */
  readonly maxEntriesPerAppend: number;
  /** Approximate bytes of entries per append message (at least one entry is sent). */
  readonly maxBytesPerAppend: number;
  /** Take a snapshot when this many applied entries follow the last one. Default 1000. */
  readonly snapshotThreshold: number;
  /** Entries kept before a new snapshot's index, so slightly lagging followers can
   * still be caught up from the log. Default 100. */
  readonly compactMargin: number;
  /** Assumed bound ρ on clock rate error, for lease reads. Default 0.1. */
  readonly clockDriftBound: number;
  /** ReadIndex heartbeat rounds in flight at once: 1 batches reads best (fewest
   * messages), more cut read latency toward one round trip. Default 2. */
  readonly maxReadRounds: number;
  /** Client sessions kept (least recently used evicted). Default 10000. */
  readonly maxSessions: number;
  /**
   * The configuration this node starts with when it has no state: the voters. Default:
   * itself and `ctx.peers`. With `join: true` the default is `ctx.peers` alone: the node
   * then waits, not campaigning, until a leader adds it.
   */
  readonly members?: readonly NodeId[];
  /** See `members`. Default false. */
  readonly join: boolean;
  /**
   * The leader writes its log in parallel with replication (Raft thesis §10.2.1): its
   * appends leave before its own sync (`beforeSync`), and it counts itself towards the
   * commit quorum only once the host reports the write synced. Default true; false
   * syncs first, then sends (one more fsync of latency per write, the anchor of
   * `bench api`).
   */
  readonly parallelWrite: boolean;
}

/**
 * Defaults of every option.
 *
 * @example
 * ```ts
 * import { DEFAULT_RAFT_OPTIONS } from "./options.ts";
 * DEFAULT_RAFT_OPTIONS.electionMinMs; // 150
 * ```
 */
export const DEFAULT_RAFT_OPTIONS: RaftOptions = {
  heartbeatMs: 50,
  electionMinMs: 150,
  electionMaxMs: 300,
  electionSpreadPerVoterMs: 0,
  electionBackoff: 0,
  preVote: true,
  checkQuorum: true,
  campaignHint: true,
  readMode: "read-index",
  maxInflight: 4,
  maxEntriesPerAppend: 64,
  maxBytesPerAppend: 64 * 1024,
  snapshotThreshold: 1000,
  compactMargin: 100,
  clockDriftBound: 0.1,
  maxReadRounds: 2,
  maxSessions: 10000,
  join: false,
  parallelWrite: true,
};

const READ_MODES: readonly ReadMode[] = ["read-index", "lease", "log", "stale"];

/**
 * Reads options from plain JSON, falling back to defaults for anything missing, and
 * throwing on an unknown option, a value of the wrong type, or values that make no
 * sense — a typo on the command line should not silently run the defaults.
 *
 * @example
 * ```ts
 * import { parseRaftOptions } from "./options.ts";
 * parseRaftOptions({ readMode: "lease", preVote: false }).readMode; // "lease"
 * ```
 */
export function parseRaftOptions(raw: Readonly<Record<string, unknown>>): RaftOptions {
  for (const k of Object.keys(raw)) {
    if (!(k in DEFAULT_RAFT_OPTIONS) && k !== "members") {
      throw new RangeError(
        `unknown raft-kv option '${k}' (known: ${Object.keys(DEFAULT_RAFT_OPTIONS).join(", ")})`,
      );
    }
  }
  const num = (k: keyof RaftOptions): number => {
    const v = raw[k];
    if (v === undefined) return DEFAULT_RAFT_OPTIONS[k] as number;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(`option ${k} must be a number, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const bool = (k: keyof RaftOptions): boolean => {
    const v = raw[k];
    if (v === undefined) return DEFAULT_RAFT_OPTIONS[k] as boolean;
    if (typeof v !== "boolean") {
      throw new RangeError(`option ${k} must be true or false, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  if (raw.readMode !== undefined && !READ_MODES.includes(raw.readMode as ReadMode)) {
    throw new RangeError(`option readMode must be one of ${READ_MODES.join(", ")}`);
  }
  const readMode = (raw.readMode as ReadMode | undefined) ?? DEFAULT_RAFT_OPTIONS.readMode;
  if (
    raw.members !== undefined &&
    !(Array.isArray(raw.members) && raw.members.every((m) => typeof m === "string"))
  ) {
    throw new RangeError("option members must be a list of node ids");
  }
  const members = raw.members as NodeId[] | undefined;
  const o: RaftOptions = {
    heartbeatMs: num("heartbeatMs"),
    electionMinMs: num("electionMinMs"),
    electionMaxMs: num("electionMaxMs"),
    electionSpreadPerVoterMs: num("electionSpreadPerVoterMs"),
    electionBackoff: Math.max(0, Math.min(10, Math.floor(num("electionBackoff")))),
    preVote: bool("preVote"),
    checkQuorum: bool("checkQuorum"),
    campaignHint: bool("campaignHint"),
    readMode,
    maxInflight: Math.max(1, Math.floor(num("maxInflight"))),
    maxEntriesPerAppend: Math.max(1, Math.floor(num("maxEntriesPerAppend"))),
    maxBytesPerAppend: Math.max(1, num("maxBytesPerAppend")),
    snapshotThreshold: Math.max(1, Math.floor(num("snapshotThreshold"))),
    compactMargin: Math.max(0, Math.floor(num("compactMargin"))),
    clockDriftBound: num("clockDriftBound"),
    maxReadRounds: Math.max(1, Math.floor(num("maxReadRounds"))),
    maxSessions: Math.max(1, Math.floor(num("maxSessions"))),
    join: bool("join"),
    parallelWrite: bool("parallelWrite"),
    ...(members ? { members } : {}),
  };
  if (o.heartbeatMs <= 0) throw new RangeError("heartbeatMs must be positive");
  if (o.electionMinMs <= o.heartbeatMs) {
    throw new RangeError("electionMinMs must exceed heartbeatMs");
  }
  if (o.electionMaxMs <= o.electionMinMs) {
    throw new RangeError("electionMaxMs must exceed electionMinMs");
  }
  if (o.electionSpreadPerVoterMs < 0) {
    throw new RangeError("electionSpreadPerVoterMs must not be negative");
  }
  if (o.clockDriftBound < 0 || o.clockDriftBound >= 1) {
    throw new RangeError("clockDriftBound must be in [0, 1)");
  }
  return o;
}
