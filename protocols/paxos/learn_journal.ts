/**
 * A learner's journal: the recent (instance, value) pairs a node has learned, with a
 * running total, so an observer that looks after every step (the agreement checker)
 * sees every decision without the node keeping them all. Bounded: only the newest
 * entries are kept.
 *
 * @module
 */

/**
 * What a node exposes about what it has learned.
 *
 * @example
 * ```ts
 * import { createLearnJournal, journalLearned } from "./learn_journal.ts";
 * const j = createLearnJournal(2);
 * journalLearned(j, 0, "a");
 * j.total; // 1
 * ```
 */
export interface LearnJournal {
  /** Decisions learned since the node started (this incarnation). */
  total: number;
  /** The newest decisions, oldest first; `entries.length <= total`. */
  readonly entries: [instance: number, value: unknown][];
  /** Entries kept before trimming. */
  readonly capacity: number;
}

/**
 * An empty journal keeping at least `capacity` recent entries.
 *
 * @example
 * ```ts
 * import { createLearnJournal, journalLearned } from "./learn_journal.ts";
 * const j = createLearnJournal(100);
 * journalLearned(j, 3, "x");
 * j.total; // 1
 * ```
 */
export function createLearnJournal(capacity = 4096): LearnJournal {
  return { total: 0, entries: [], capacity };
}

/**
 * Records that `instance` was learned with `value`.
 *
 * @example
 * ```ts
 * import { createLearnJournal, journalLearned } from "./learn_journal.ts";
 * const j = createLearnJournal(2);
 * for (let i = 0; i < 10; i++) journalLearned(j, i, i);
 * j.entries.length <= 4; // true: trimmed
 * ```
 */
export function journalLearned(j: LearnJournal, instance: number, value: unknown): void {
  j.total++;
  j.entries.push([instance, value]);
  // Trim in halves so trimming costs O(1) per entry on average.
  if (j.entries.length > 2 * j.capacity) j.entries.splice(0, j.entries.length - j.capacity);
}

/**
 * The journal of a node, when it keeps one (white-box access for checkers).
 *
 * @example
 * ```ts
 * import { journalOf } from "./learn_journal.ts";
 * journalOf({}); // undefined
 * ```
 */
export function journalOf(node: unknown): LearnJournal | undefined {
  if (node === null || typeof node !== "object") return undefined;
  const f = (node as { learnJournal?: unknown }).learnJournal;
  return typeof f === "function" ? (f as () => LearnJournal).call(node) : undefined;
}
