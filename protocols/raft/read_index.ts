/**
 * ReadIndex (thesis §6.4): serving linearizable reads without writing to the log.
 *
 * A read arriving at the leader records the commit index as its *read index*. The
 * leader must then learn that it was still leader after the read arrived: every
 * heartbeat broadcast is a numbered *round*, followers echo the number back, and once
 * a majority (the leader included) has echoed a round sent after the read arrived, no
 * other leader can have committed anything the read would miss. The read is answered
 * when the state machine has applied the read index.
 *
 * Rounds coalesce reads: every read that arrived before a round was sent is confirmed
 * by that one round. The queue also reports when the latest confirmed round was sent,
 * which is where a leader lease starts.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { quorumIndex } from "./quorum.ts";

const MAX_TRACKED_ROUNDS = 1024;

/**
 * A read waiting for leadership to be confirmed.
 *
 * @example
 * ```ts
 * import type { PendingRead } from "./read_index.ts";
 * const r: PendingRead<number> = { readIndex: 12, round: 3, item: 7 };
 * ```
 */
export interface PendingRead<T> {
  readonly readIndex: number;
  /** The first round that, once acknowledged by a majority, confirms this read. */
  readonly round: number;
  readonly item: T;
}

/**
 * The leader's queue of reads and heartbeat rounds.
 *
 * @example
 * ```ts
 * import { ReadIndexQueue } from "./read_index.ts";
 * const q = new ReadIndexQueue<string>("n1");
 * q.add(5, "read x");
 * const round = q.startRound(1000);
 * const { confirmed } = q.ack("n2", round, ["n1", "n2", "n3"]);
 * confirmed.map((r) => r.item); // ["read x"]
 * ```
 */
export class ReadIndexQueue<T> {
  #nextRound = 1;
  #confirmedRound = 0;
  readonly #acked = new Map<NodeId, number>();
  readonly #sentAt = new Map<number, number>();
  #waiting: PendingRead<T>[] = [];

  constructor(readonly self: NodeId) {}

  /** Reads waiting for confirmation. */
  get size(): number {
    return this.#waiting.length;
  }

  /** Numbers a new round sent at `now` and returns its number. */
  startRound(now: number): number {
    const round = this.#nextRound++;
    this.#sentAt.set(round, now);
    // A leader cut off from its followers keeps sending rounds nobody confirms: forget
    // the oldest send times (their rounds can then still confirm reads, not leases).
    if (this.#sentAt.size > MAX_TRACKED_ROUNDS) {
      this.#sentAt.delete(this.#sentAt.keys().next().value as number);
    }
    return round;
  }

  /** Queues a read with its read index; it waits for the next round to be sent. */
  add(readIndex: number, item: T): void {
    this.#waiting.push({ readIndex, round: this.#nextRound, item });
  }

  /** Whether a queued read needs a round that has not been sent yet. */
  needsRound(): boolean {
    const last = this.#waiting.at(-1);
    return last !== undefined && last.round >= this.#nextRound;
  }

  /** How many rounds were sent after the latest one a majority confirmed. */
  inFlight(): number {
    return this.#nextRound - 1 - this.#confirmedRound;
  }

  /**
   * `peer` echoed `round`. Returns the reads this confirms, in arrival order, and, if a
   * newer round became confirmed, the time it was sent.
   */
  ack(
    peer: NodeId,
    round: number,
    voters: readonly NodeId[],
  ): { confirmed: PendingRead<T>[]; sentAt?: number } {
    if (round > (this.#acked.get(peer) ?? 0)) this.#acked.set(peer, round);
    const sent = this.#nextRound - 1;
    const q = quorumIndex(voters, (id) => id === this.self ? sent : this.#acked.get(id));
    const quorumRound = Math.min(q, sent);
    if (quorumRound <= this.#confirmedRound) return { confirmed: [] };
    const sentAt = this.#sentAt.get(quorumRound);
    for (let r = this.#confirmedRound + 1; r <= quorumRound; r++) this.#sentAt.delete(r);
    this.#confirmedRound = quorumRound;
    let n = 0;
    while (n < this.#waiting.length && this.#waiting[n].round <= quorumRound) n++;
    const confirmed = this.#waiting.slice(0, n);
    this.#waiting = this.#waiting.slice(n);
    return sentAt === undefined ? { confirmed } : { confirmed, sentAt };
  }

  /** Drops every queued read (leadership lost) and returns their items. */
  clear(): T[] {
    const items = this.#waiting.map((r) => r.item);
    this.#waiting = [];
    return items;
  }
}
