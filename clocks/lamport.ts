/**
 * Lamport clocks (chapter §7): one counter per node, advanced on every local event and
 * set past any timestamp received, so that if a happened before b then L(a) < L(b).
 *
 * @module
 */

/**
 * The Lamport time of a local event (including a send) that follows time `current`.
 *
 * @example
 * ```ts
 * import { lamportTick } from "./lamport.ts";
 * lamportTick(4); // 5
 * ```
 */
export function lamportTick(current: number): number {
  return current + 1;
}

/**
 * The Lamport time of receiving a message stamped `received` at a node whose clock
 * reads `current`: max(current, received) + 1.
 *
 * @example
 * ```ts
 * import { lamportReceive } from "./lamport.ts";
 * lamportReceive(2, 7); // 8
 * ```
 */
export function lamportReceive(current: number, received: number): number {
  return (current > received ? current : received) + 1;
}
