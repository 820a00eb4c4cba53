/**
 * The messages Raft nodes exchange.
 *
 * Heartbeats are separate from appends (as in etcd) so that an idle leader sends one
 * small message per follower per heartbeat interval, and so that a heartbeat round
 * number can confirm leadership for ReadIndex without touching the log.
 *
 * @module
 */

import type { Entry } from "./entry.ts";
import type { Snapshot } from "./snapshot.ts";

/**
 * A Raft message. Every message carries the sender's term.
 *
 * - `vote` / `vote-resp`: RequestVote, or PreVote when `pre` (then `term` is the term
 *   the sender would campaign in, and nobody changes term). `transfer` marks a
 *   campaign started by TimeoutNow: voters then ignore their leader lease.
 * - `append` / `append-resp`: AppendEntries. On success `index` is the last index the
 *   follower now matches; on rejection it is the rejected `prevIndex`, and
 *   `hintIndex`/`hintTerm` name the follower's last entry at or below it whose term is
 *   at most `prevTerm`, so the leader can skip a whole term per round trip; `lost` says
 *   that the follower is repairing a damaged log, so the leader's match for it is void.
 * - `heartbeat` / `heartbeat-resp`: keep followers quiet, carry the commit index and a
 *   round number echoed back for ReadIndex and CheckQuorum.
 * - `snapshot`: InstallSnapshot (the whole snapshot in one message).
 * - `timeout-now`: leadership transfer; the receiver campaigns at once. With `hint`, a
 *   pre-candidate whose PreVote this node refused for its newer log asks it to campaign
 *   now rather than at its own timeout — with PreVote, so voters keep their leases.
 *   `vote-resp`'s `newer` marks that refusal.
 *
 * @example
 * ```ts
 * import type { RaftMessage } from "./message.ts";
 * const hb: RaftMessage = { type: "heartbeat", term: 3, commit: 10, round: 42 };
 * ```
 */
export type RaftMessage =
  | {
    readonly type: "vote";
    readonly term: number;
    readonly pre: boolean;
    readonly lastIndex: number;
    readonly lastTerm: number;
    readonly transfer?: boolean;
  }
  | {
    readonly type: "vote-resp";
    readonly term: number;
    readonly pre: boolean;
    readonly granted: boolean;
    readonly newer?: boolean;
  }
  | {
    readonly type: "append";
    readonly term: number;
    readonly prevIndex: number;
    readonly prevTerm: number;
    readonly entries: readonly Entry[];
    readonly commit: number;
    /**
     * Only to a follower repairing a damaged log: the leader's last index when sent. The
     * follower votes again once it holds the leader's log up to here — every committed
     * entry, even one committed on the follower's acknowledgement before it lost it.
     */
    readonly upTo?: number;
  }
  | {
    readonly type: "append-resp";
    readonly term: number;
    readonly index: number;
    readonly reject: boolean;
    readonly hintIndex?: number;
    readonly hintTerm?: number;
    /** The follower lost entries it had acknowledged (a damaged disk): forget its match. */
    readonly lost?: boolean;
  }
  | {
    readonly type: "heartbeat";
    readonly term: number;
    readonly commit: number;
    readonly round: number;
  }
  | {
    readonly type: "heartbeat-resp";
    readonly term: number;
    readonly round: number;
    /** As on `append-resp`: the follower is repairing a damaged log. */
    readonly lost?: boolean;
  }
  | { readonly type: "snapshot"; readonly term: number; readonly snapshot: Snapshot }
  | { readonly type: "timeout-now"; readonly term: number; readonly hint?: boolean };
