/**
 * Majorities. Any two majorities of the same cluster share at least one member; that
 * one acceptor carries what the first majority accepted into the second's promises.
 *
 * @module
 */

/**
 * The size of a majority of `n` members.
 *
 * @example
 * ```ts
 * import { majority } from "./quorum.ts";
 * majority(5); // 3
 * majority(4); // 3
 * ```
 */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}
