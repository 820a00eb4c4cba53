/**
 * Shared inputs for the partitioning tests: reproducible key and node-id lists.
 *
 * @example
 * ```ts
 * import { keysFor, nodeIds } from "./fixtures.ts";
 * const keys = keysFor("run7", 1000);
 * const nodes = nodeIds("c", 10); // ["c-1", …, "c-10"]
 * ```
 *
 * @module
 */

/**
 * `count` distinct keys `<prefix>:<i>`; different prefixes give independent hash sets.
 *
 * @example
 * ```ts
 * import { keysFor } from "./fixtures.ts";
 * keysFor("a", 2); // ["a:0", "a:1"]
 * ```
 */
export function keysFor(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
}

/**
 * `count` node ids `<prefix>-1` … `<prefix>-<count>`.
 *
 * @example
 * ```ts
 * import { nodeIds } from "./fixtures.ts";
 * nodeIds("n", 2); // ["n-1", "n-2"]
 * ```
 */
export function nodeIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
}
