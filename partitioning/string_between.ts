/**
 * A string strictly between two strings in JavaScript's (UTF-16 code unit) order: where
 * a range partitioner cuts a range when no key sample says where the keys are.
 *
 * @example
 * ```ts
 * import { stringBetween } from "./string_between.ts";
 * stringBetween("apple", "apricot"); // "apq"
 * ```
 *
 * @module
 */

/**
 * A string strictly between `lo` and `hi` (`hi` null = no upper bound), cutting at the
 * first code unit where they differ; undefined when none exists (`hi === lo + "\0"`).
 *
 * @param lo the lower bound (exclusive)
 * @param hi the upper bound (exclusive), greater than `lo`, or null
 * @returns a string m with lo < m < hi, or undefined
 *
 * @example
 * ```ts
 * import { stringBetween } from "./string_between.ts";
 * stringBetween("a", "c"); // "b"
 * stringBetween("", null); // "\u7fff"
 * ```
 */
export function stringBetween(lo: string, hi: string | null): string | undefined {
  let i = 0;
  if (hi !== null) {
    while (i < lo.length && i < hi.length && lo.charCodeAt(i) === hi.charCodeAt(i)) i++;
    if (i >= hi.length) return undefined; // hi ≤ lo
  }
  // Digits: a code unit, −1 where `lo` has ended, 0x10000 for an unbounded `hi`.
  const a = i < lo.length ? lo.charCodeAt(i) : -1;
  const b = hi === null ? 0x10000 : hi.charCodeAt(i);
  if (b <= a) return undefined;
  const prefix = lo.slice(0, i);
  if (b - a >= 2) return prefix + String.fromCharCode(Math.floor((a + b) / 2));
  if (a === -1) {
    // hi = lo + "\0" + rest: lo + "\0" lies between iff rest is not empty.
    return hi !== null && hi.length > i + 1 ? prefix + "\0" : undefined;
  }
  // Adjacent digits leave no room here: keep lo's digit and go above lo's remainder.
  return prefix + lo[i] + stringBetween(lo.slice(i + 1), null);
}
