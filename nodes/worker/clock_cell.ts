/**
 * A node's latest logical clocks in shared memory, written by its Worker after every
 * output and read by the next incarnation when the node restarts.
 *
 * A node with direct links sends its messages itself and tells the main thread its
 * clocks later (an output with nothing else in it waits up to 20 ms, `quietOutputs`); a
 * crash — the Worker terminated — loses what was not yet told. Restarted from the main
 * thread's copy, the node would stamp its next events lower than messages it had
 * already sent: a later event of the same node with a smaller Lamport time, against the
 * clock condition (e → f ⇒ L(e) < L(f)). The cell outlives the Worker, so the restart
 * continues from the clocks of the node's last output, told or not.
 *
 * Two halves, written in turn, and an index of the complete one, stored last: a write
 * cut short leaves the previous clocks readable. A terminated Worker finishes the task it
 * is in, so the cell also names the incarnation that may write ({@link claimClockCell},
 * before the next one starts): the last one's late writes are refused, and a reading that
 * does not parse counts as none (the main thread's copy is used).
 *
 * @module
 */

import type { LogicalClocks } from "../node_host.ts";

/** Bytes of each half: room for a vector clock of 256 nodes with ids of 100 characters. */
const HALF = 32 * 1024;
/** Int32 header: [complete half or -1, length of half 0, length of half 1, writer]. */
const HEADER_BYTES = 16;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A new, empty cell.
 *
 * @example
 * ```ts
 * import { createClockCell, loadClocks } from "./clock_cell.ts";
 * loadClocks(createClockCell()); // undefined
 * ```
 */
export function createClockCell(): SharedArrayBuffer {
  const cell = new SharedArrayBuffer(HEADER_BYTES + 2 * HALF);
  Atomics.store(new Int32Array(cell, 0, 4), 0, -1);
  return cell;
}

/**
 * Makes `writer` (an incarnation number) the only one whose {@link storeClocks} counts:
 * called before that incarnation starts, so the one before it can no longer write.
 *
 * @example
 * ```ts
 * import { claimClockCell, createClockCell, loadClocks, storeClocks } from "./clock_cell.ts";
 * const cell = createClockCell();
 * claimClockCell(cell, 1);
 * storeClocks(cell, { lamport: 9, vclock: {} }, 0); // false: incarnation 0 is gone
 * loadClocks(cell); // undefined
 * ```
 */
export function claimClockCell(cell: SharedArrayBuffer, writer: number): void {
  Atomics.store(new Int32Array(cell, 0, 4), 3, writer);
}

/**
 * Writes `clocks` into the half not in use, then makes it the complete one. False (and
 * the cell unchanged) when they do not fit, or `writer` is not the incarnation that
 * claimed the cell last ({@link claimClockCell}; 0 until one does).
 *
 * @example
 * ```ts
 * import { createClockCell, loadClocks, storeClocks } from "./clock_cell.ts";
 * const cell = createClockCell();
 * storeClocks(cell, { lamport: 7, vclock: { n1: 7 } }, 0); // true
 * loadClocks(cell)?.lamport; // 7
 * ```
 */
export function storeClocks(
  cell: SharedArrayBuffer,
  clocks: LogicalClocks,
  writer: number,
): boolean {
  const header = new Int32Array(cell, 0, 4);
  if (Atomics.load(header, 3) !== writer) return false;
  const half = Atomics.load(header, 0) === 0 ? 1 : 0;
  const bytes = new Uint8Array(cell, HEADER_BYTES + half * HALF, HALF);
  const json = JSON.stringify(clocks);
  const { read, written } = encoder.encodeInto(json, bytes);
  if (read < json.length) return false;
  Atomics.store(header, 1 + half, written);
  Atomics.store(header, 0, half);
  return true;
}

/**
 * The clocks last stored completely, or undefined for an empty cell (or one whose
 * reading does not parse: a late write of a gone incarnation crossed it).
 *
 * @example
 * ```ts
 * import { createClockCell, loadClocks, storeClocks } from "./clock_cell.ts";
 * const cell = createClockCell();
 * storeClocks(cell, { lamport: 3, vclock: {}, vc: 3 }, 0);
 * loadClocks(cell); // { lamport: 3, vclock: {}, vc: 3 }
 * ```
 */
export function loadClocks(cell: SharedArrayBuffer): LogicalClocks | undefined {
  const header = new Int32Array(cell, 0, 4);
  const half = Atomics.load(header, 0);
  if (half < 0) return undefined;
  const length = Atomics.load(header, 1 + half);
  // Copied out: a decoder does not read shared memory.
  const bytes = new Uint8Array(cell, HEADER_BYTES + half * HALF, length).slice();
  try {
    const clocks = JSON.parse(decoder.decode(bytes)) as LogicalClocks;
    return typeof clocks?.lamport === "number" && typeof clocks.vclock === "object"
      ? clocks
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The later of two readings of one node's clocks (its Lamport time only grows, and every
 * vector entry with it): what a restart continues from.
 *
 * @example
 * ```ts
 * import { laterClocks } from "./clock_cell.ts";
 * laterClocks({ lamport: 4, vclock: {} }, { lamport: 9, vclock: {} })?.lamport; // 9
 * laterClocks(undefined, undefined); // undefined
 * ```
 */
export function laterClocks(
  a: LogicalClocks | undefined,
  b: LogicalClocks | undefined,
): LogicalClocks | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.lamport > a.lamport ? b : a;
}
