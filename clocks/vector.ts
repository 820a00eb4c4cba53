/**
 * Vector clocks (chapter §7): one counter per node. Unlike Lamport clocks they
 * characterise causality exactly: a happened before b if and only if V(a) < V(b), and
 * two events are concurrent when neither vector dominates the other.
 *
 * Vectors are plain objects from node id to counter; a missing entry means 0. They are
 * never mutated: every operation returns a new vector.
 *
 * @module
 */

/**
 * A vector clock: node id → number of events of that node seen.
 *
 * @example
 * ```ts
 * import type { VectorClock } from "./vector.ts";
 * const v: VectorClock = { n1: 3, n2: 1 };
 * ```
 */
export type VectorClock = Readonly<Record<string, number>>;

/**
 * How two vector clocks relate.
 *
 * @example
 * ```ts
 * import { type Ordering, vectorCompare } from "./vector.ts";
 * const o: Ordering = vectorCompare({ n1: 1 }, { n2: 1 }); // "concurrent"
 * ```
 */
export type Ordering = "before" | "after" | "concurrent" | "equal";

/**
 * The vector after a local event (including a send) at `node`.
 *
 * @example
 * ```ts
 * import { vectorTick } from "./vector.ts";
 * vectorTick({ n1: 1 }, "n2"); // { n1: 1, n2: 1 }
 * ```
 */
export function vectorTick(clock: VectorClock, node: string): VectorClock {
  return { ...clock, [node]: (clock[node] ?? 0) + 1 };
}

/**
 * The entrywise maximum of two vectors.
 *
 * @example
 * ```ts
 * import { vectorMerge } from "./vector.ts";
 * vectorMerge({ n1: 2, n2: 1 }, { n2: 3 }); // { n1: 2, n2: 3 }
 * ```
 */
export function vectorMerge(a: VectorClock, b: VectorClock): VectorClock {
  const out: Record<string, number> = { ...a };
  for (const k in b) {
    const v = b[k]!;
    if (v > (out[k] ?? 0)) out[k] = v;
  }
  return out;
}

/**
 * The vector of receiving a message stamped `received` at `node`: merge, then tick.
 *
 * @example
 * ```ts
 * import { vectorReceive } from "./vector.ts";
 * vectorReceive({ n2: 1 }, { n1: 3 }, "n2"); // { n1: 3, n2: 2 }
 * ```
 */
export function vectorReceive(
  current: VectorClock,
  received: VectorClock,
  node: string,
): VectorClock {
  return vectorTick(vectorMerge(current, received), node);
}

/**
 * Compares two vectors: `before` when a happened before b, `after` when b before a,
 * `equal`, or `concurrent`.
 *
 * @example
 * ```ts
 * import { vectorCompare } from "./vector.ts";
 * vectorCompare({ n1: 1 }, { n1: 1, n2: 1 }); // "before"
 * vectorCompare({ n1: 1 }, { n2: 1 }); // "concurrent"
 * ```
 */
export function vectorCompare(a: VectorClock, b: VectorClock): Ordering {
  let less = false;
  let greater = false;
  for (const k in a) {
    const x = a[k]!;
    const y = b[k] ?? 0;
    if (x < y) less = true;
    else if (x > y) greater = true;
  }
  for (const k in b) {
    if (k in a) continue;
    if (b[k]! > 0) less = true;
  }
  if (less && greater) return "concurrent";
  if (less) return "before";
  if (greater) return "after";
  return "equal";
}
