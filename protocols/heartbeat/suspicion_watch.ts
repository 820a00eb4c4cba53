/**
 * Which peers to judge, and when, so that a failure detector's work per event does not
 * grow with the number of peers. A trusted peer waits in a {@link DeadlineHeap} keyed by
 * the earliest time it could be suspected, and a heartbeat moves it there; a review
 * judges only the peers whose deadline has passed (and a suspect just heard from),
 * never the others. Suspicion only
 * grows with the silence (φ and the fixed timeout both do), so a suspected peer stays
 * suspected until it is heard from again — or until the node's clock steps back (a skew
 * fault), when the suspects are judged again.
 *
 * The outcome is the same as judging every peer at every review, in the same order.
 *
 * @module
 */

import {
  createDeadlineHeap,
  type DeadlineHeap,
  earliestDeadline,
  earliestSlot,
  removeSlot,
  setDeadline,
} from "./deadline_heap.ts";

/**
 * What a watch asks of a detector, for peer number `peer` (0 … size − 1).
 *
 * @example
 * ```ts
 * import type { SuspicionRules } from "./suspicion_watch.ts";
 * const last = [0, 0];
 * const rules: SuspicionRules = {
 *   from: (p) => last[p]! + 500,
 *   judge: (p, now) => now - last[p]! > 500,
 * };
 * ```
 */
export interface SuspicionRules {
  /**
   * A time before which `judge(peer, ·)` is surely false, given what is known now (a
   * lower bound: early is fine, late would miss a suspicion).
   */
  from(peer: number): number;
  /** Whether `peer` is suspected at `now`; once true it stays true as `now` grows. */
  judge(peer: number, now: number): boolean;
}

/**
 * A watch's state: the trusted peers by deadline, the suspected ones.
 *
 * @example
 * ```ts
 * import { createSuspicionWatch, type SuspicionWatch } from "./suspicion_watch.ts";
 * const w: SuspicionWatch = createSuspicionWatch(2, { from: () => 500, judge: () => false }, 0);
 * w.suspected.size; // 0
 * ```
 */
export interface SuspicionWatch {
  /** The trusted peers, by the time from which each may be suspected. */
  readonly trusted: DeadlineHeap;
  /** The suspected peers. */
  readonly suspected: Set<number>;
  /** The time of the last review: a clock that steps back re-judges the suspects. */
  lastReview: number;
  /** Scratch: peers whose deadline passed but that were judged still trusted. */
  readonly recheck: number[];
  /** What the last review returned (reused: a review allocates nothing). */
  readonly flipped: number[];
}

/**
 * A watch over `size` peers, all trusted at `now`.
 *
 * @example
 * ```ts
 * import { createSuspicionWatch } from "./suspicion_watch.ts";
 * const w = createSuspicionWatch(3, { from: () => 500, judge: () => false }, 0);
 * w.trusted.length; // 3
 * ```
 */
export function createSuspicionWatch(
  size: number,
  rules: SuspicionRules,
  now: number,
): SuspicionWatch {
  const trusted = createDeadlineHeap(size);
  for (let p = 0; p < size; p++) setDeadline(trusted, p, rules.from(p));
  return { trusted, suspected: new Set(), lastReview: now, recheck: [], flipped: [] };
}

/**
 * Judges the peers that may have changed at `now` — those whose deadline passed, and
 * `heard` (a peer just heard from, −1 for none) if it was suspected; a trusted `heard`
 * only moves to its new deadline — and returns the peers whose suspicion flipped, in
 * ascending order (now in or out of `w.suspected`), in an array the next review reuses.
 * The work is O(log N) per peer judged or moved; the peers not due are not visited.
 *
 * @example
 * ```ts
 * import { createSuspicionWatch, reviewSuspicions } from "./suspicion_watch.ts";
 * const last = [0, 0];
 * const rules = {
 *   from: (p: number) => last[p]! + 500,
 *   judge: (p: number, now: number) => now - last[p]! > 500,
 * };
 * const w = createSuspicionWatch(2, rules, 0);
 * last[1] = 400;
 * reviewSuspicions(w, rules, 400, 1); // []
 * reviewSuspicions(w, rules, 510); // [0]: silent for 510 ms
 * last[0] = 520;
 * reviewSuspicions(w, rules, 520, 0); // [0]: heard again, trusted
 * ```
 */
export function reviewSuspicions(
  w: SuspicionWatch,
  rules: SuspicionRules,
  now: number,
  heard = -1,
): number[] {
  const { trusted, suspected, recheck, flipped } = w;
  flipped.length = 0;
  if (now < w.lastReview) {
    // The clock stepped back: a suspicion judged at a later time may not hold now.
    for (const p of suspected) if (p !== heard && !rules.judge(p, now)) flipped.push(p);
  }
  w.lastReview = now;
  const heardSuspected = heard >= 0 && suspected.has(heard);
  // A trusted peer just heard from moves to its new deadline (it may even be due).
  if (heard >= 0 && !heardSuspected) setDeadline(trusted, heard, rules.from(heard));
  while (earliestDeadline(trusted) <= now) {
    const p = earliestSlot(trusted);
    removeSlot(trusted, p);
    if (rules.judge(p, now)) flipped.push(p);
    else recheck.push(p); // due by the bound, not yet by the judge: keep it due
  }
  for (const p of recheck) setDeadline(trusted, p, rules.from(p));
  recheck.length = 0;
  if (heardSuspected && !rules.judge(heard, now)) flipped.push(heard);
  if (flipped.length > 1) flipped.sort((a, b) => a - b);
  for (const p of flipped) {
    if (suspected.has(p)) {
      suspected.delete(p);
      setDeadline(trusted, p, rules.from(p));
    } else {
      suspected.add(p);
    }
  }
  return flipped;
}
