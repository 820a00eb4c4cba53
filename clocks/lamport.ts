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

/**
 * How a message sent to several peers at once is counted. `per-destination` (what
 * distlab's node host does: every `send` is its own event) ticks once per copy;
 * `one-event` (the textbook's multicast) ticks once and stamps every copy alike.
 *
 * @example
 * ```ts
 * import type { MulticastCounting } from "./lamport.ts";
 * const textbook: MulticastCounting = "one-event";
 * ```
 */
export type MulticastCounting = "per-destination" | "one-event";

/**
 * The Lamport stamps of a send of one message to `copies` peers from a node whose clock
 * reads `current`, one stamp per copy in send order; the node's clock afterwards is the
 * last stamp. The default counts each copy as its own event, as the node host does.
 *
 * @example
 * ```ts
 * import { lamportSend } from "./lamport.ts";
 * lamportSend(3, 2); // [4, 5]
 * lamportSend(3, 2, "one-event"); // [4, 4]
 * ```
 */
export function lamportSend(
  current: number,
  copies: number,
  counting: MulticastCounting = "per-destination",
): number[] {
  const stamps: number[] = [];
  let clock = current;
  for (let i = 0; i < copies; i++) {
    if (i === 0 || counting === "per-destination") clock = lamportTick(clock);
    stamps.push(clock);
  }
  return stamps;
}
