/**
 * What a leader knows about one follower's log, and how it sends to it.
 *
 * A follower is in one of three states:
 *
 * - `probe`: the leader does not know where the logs match. It sends at most one
 *   append per heartbeat response and waits for the answer, backing `next` up using
 *   the follower's conflict hint.
 * - `replicate`: the logs match up to `match`. The leader pipelines appends,
 *   advancing `next` optimistically, bounded by the {@link Inflights} window.
 * - `snapshot`: the entries the follower needs are compacted away; an
 *   InstallSnapshot is in flight and appends wait until it is acknowledged (or,
 *   if no answer comes within a timeout, the leader probes again).
 *
 * @module
 */

import { Inflights } from "./inflights.ts";

/**
 * The three replication states of a follower.
 *
 * @example
 * ```ts
 * import type { ProgressState } from "./progress.ts";
 * const s: ProgressState = "replicate";
 * ```
 */
export type ProgressState = "probe" | "replicate" | "snapshot";

/**
 * A follower's progress as its leader tracks it.
 *
 * @example
 * ```ts
 * import { Progress } from "./progress.ts";
 * const p = new Progress(11, 4);
 * p.maybeUpdate(10); // true: the follower matches up to 10
 * p.becomeReplicate();
 * p.next; // 11
 * ```
 */
export class Progress {
  /** Highest index known to match the leader's log. */
  match = 0;
  /** Next index to send; entries in (match, next) are in flight. */
  next: number;
  state: ProgressState = "probe";
  /** In probe (and replicate with nothing new to send): an append was sent and is
   * unanswered, so no further probe until a response arrives. */
  paused = false;
  /** Index of the snapshot in flight (state `snapshot`). */
  pendingSnapshot = 0;
  /** When the snapshot was sent (leader's clock). */
  snapshotSentAt = 0;
  /** Heard from since the last CheckQuorum. */
  recentActive = false;
  #lost = false;
  /** Highest commit index sent to the follower (never above next − 1). */
  pendingCommit = 0;
  readonly inflights: Inflights;

  constructor(next: number, maxInflight: number) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
  }

  #reset(state: ProgressState): void {
    this.state = state;
    this.paused = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }

  /** Back to probing from just after `match`. */
  becomeProbe(): void {
    this.#reset("probe");
    this.next = this.match + 1;
    this.pendingCommit = Math.min(this.pendingCommit, this.match);
  }

  /** Logs match up to `match`: start pipelining from there. */
  becomeReplicate(): void {
    this.#reset("replicate");
    this.next = this.match + 1;
    this.pendingCommit = Math.min(this.pendingCommit, this.match);
  }

  /** A snapshot at `index` was sent at time `now`. */
  becomeSnapshot(index: number, now: number): void {
    this.#reset("snapshot");
    this.pendingSnapshot = index;
    this.snapshotSentAt = now;
  }

  /** An append with `count` entries was sent from `next`. */
  sentEntries(count: number): void {
    if (this.state === "replicate" && count > 0) {
      this.next += count;
      this.inflights.add(this.next - 1);
    }
    this.paused = true;
  }

  /** A message carrying `commit` was sent. */
  sentCommit(commit: number): void {
    this.pendingCommit = Math.min(Math.max(this.pendingCommit, commit), this.next - 1);
  }

  /** Whether sending `commit` could advance the follower's commit index. */
  canBumpCommit(commit: number): boolean {
    return this.pendingCommit < Math.min(commit, this.next - 1);
  }

  /** Whether entries up to `lastIndex` may be sent now. */
  canSendEntries(lastIndex: number): boolean {
    if (this.state === "snapshot" || this.next > lastIndex) return false;
    return this.state === "probe" ? !this.paused : !this.inflights.full();
  }

  /**
   * The follower acknowledged everything up to `index`. Returns false for an old or
   * duplicated acknowledgement.
   */
  maybeUpdate(index: number): boolean {
    if (index <= this.match) return false;
    this.match = index;
    this.next = Math.max(this.next, index + 1);
    return true;
  }

  /**
   * Whether the follower says it is repairing a damaged log (`repairing`): the first time
   * it does, what it acknowledged is void — match goes back to 0 and probing starts over
   * (returns true); until it says it is repaired, it is not reset again, so the catch-up
   * it then makes counts.
   */
  /** Whether the follower said it is repairing, and has not said it is repaired since. */
  get repairing(): boolean {
    return this.#lost;
  }

  lost(repairing: boolean): boolean {
    if (!repairing) {
      this.#lost = false;
      return false;
    }
    if (this.#lost) return false;
    this.#lost = true;
    this.match = 0;
    this.becomeProbe();
    return true;
  }

  /**
   * The follower rejected an append at `rejected`; `matchHint` is the highest index
   * where the logs may match. Returns false for a stale rejection. Otherwise lowers
   * `next` past the conflict (never below match + 1); a replicating follower falls back
   * to probing.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === "replicate") {
      if (rejected <= this.match) return false;
      // The pipeline is broken: fall back to probing from the hint.
      this.#reset("probe");
      this.next = Math.max(this.match + 1, Math.min(rejected, matchHint + 1));
      this.pendingCommit = Math.min(this.pendingCommit, this.next - 1);
      return true;
    }
    // Probes go one at a time, so a rejection of anything but the last one is stale.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(this.match + 1, Math.min(rejected, matchHint + 1));
    this.pendingCommit = Math.min(this.pendingCommit, this.next - 1);
    this.paused = false;
    return true;
  }
}
