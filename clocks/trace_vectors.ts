/**
 * Vector clocks derived from a trace, so a runtime need not carry a vector (an entry per
 * node) on every message. Each event is stamped only with its node's own vector entry
 * `vc` (how many sends, deliveries and requests the node has had), and a delivery also
 * with `vcFrom`, the sender's entry at the send. That is enough: a node's vector learns
 * of other nodes only at deliveries, so the vector at entry `c` is the vector of the
 * node's last delivery at or before `c` with its own entry set to `c`; and a delivery's
 * vector is the merge of the node's vector just before it with the send's vector.
 *
 * The vectors are those of the events seen: a deriver started in the middle of a run
 * knows nothing of the deliveries before (own entries stay right, others may be low).
 * A send traced after a later delivery of its node (a message held for a sync) still
 * gets the vector of its own moment.
 *
 * @module
 */

import { vectorMerge } from "./vector.ts";
import type { VectorClock } from "./vector.ts";

/**
 * What the derivation reads of a trace event (a `TraceEvent` of `nodes/trace.ts`).
 *
 * @example
 * ```ts
 * import type { StampedEvent } from "./trace_vectors.ts";
 * const e: StampedEvent = { kind: "deliver", node: "n2", peer: "n1", vc: 1, vcFrom: 1 };
 * ```
 */
export interface StampedEvent {
  readonly kind: string;
  readonly node: string;
  readonly peer?: string;
  readonly vc?: number;
  readonly vcFrom?: number;
  readonly vclock?: VectorClock;
}

/** A node's deliveries: own entries ascending, and the vector at each. */
interface History {
  readonly at: number[];
  readonly vectors: VectorClock[];
}

/**
 * Derives vector clocks from stamped events fed in trace order.
 *
 * @example
 * ```ts
 * import { VectorDeriver } from "./trace_vectors.ts";
 * const d = new VectorDeriver();
 * d.stamp({ kind: "send", node: "n1", peer: "n2", vc: 1 }); // { n1: 1 }
 * d.stamp({ kind: "deliver", node: "n2", peer: "n1", vc: 1, vcFrom: 1 }); // { n1: 1, n2: 1 }
 * d.stamp({ kind: "send", node: "n2", peer: "n1", vc: 2 }); // { n1: 1, n2: 2 }
 * ```
 */
export class VectorDeriver {
  #nodes = new Map<string, History>();
  readonly #keep: number;

  /**
   * @param options `keep`: deliveries remembered per node (default: all). A bounded
   *   deriver (a live view) forgets the oldest; an event older than those kept gets
   *   only its own entry.
   */
  constructor(options: { keep?: number } = {}) {
    this.#keep = options.keep ?? Infinity;
  }

  /**
   * The vector clock of `e`: its own `vclock` if it has one, derived from `vc` (and
   * `vcFrom` on a delivery) otherwise, or undefined when it carries no stamp.
   */
  stamp(e: StampedEvent): VectorClock | undefined {
    if (e.vclock !== undefined) return e.vclock;
    if (e.vc === undefined) return undefined;
    if (e.kind === "deliver" && e.peer !== undefined && e.vcFrom !== undefined) {
      const sent = this.at(e.peer, e.vcFrom);
      const merged = vectorMerge(this.at(e.node, e.vc - 1), sent) as Record<string, number>;
      merged[e.node] = e.vc;
      this.#record(e.node, e.vc, merged);
      return merged;
    }
    return this.at(e.node, e.vc);
  }

  /** The vector of `node` when its own entry was `vc`, from the deliveries seen. */
  at(node: string, vc: number): VectorClock {
    const h = this.#nodes.get(node);
    let base: VectorClock = {};
    if (h !== undefined) {
      // The last delivery at or before `vc` (usually the last one: a binary search back).
      let lo = 0, hi = h.at.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (h.at[mid]! <= vc) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) {
        base = h.vectors[lo - 1]!;
        if (h.at[lo - 1] === vc) return base;
      }
    }
    if (vc <= 0 && base[node] === undefined) return base;
    return { ...base, [node]: vc };
  }

  #record(node: string, vc: number, v: VectorClock): void {
    let h = this.#nodes.get(node);
    if (h === undefined) {
      h = { at: [], vectors: [] };
      this.#nodes.set(node, h);
    }
    // Deliveries of a node are traced in its order; keep the list sorted if not.
    let i = h.at.length;
    while (i > 0 && h.at[i - 1]! > vc) i--;
    if (h.at[i - 1] === vc) {
      h.vectors[i - 1] = v;
      return;
    }
    h.at.splice(i, 0, vc);
    h.vectors.splice(i, 0, v);
    if (h.at.length > this.#keep * 2) {
      // Forget in batches: one splice per `keep` deliveries, not one per delivery.
      h.at.splice(0, h.at.length - this.#keep);
      h.vectors.splice(0, h.vectors.length - this.#keep);
    }
  }
}

/**
 * The events with their vector clocks filled in where they can be derived (see
 * {@link VectorDeriver}); events that carry a vector keep it.
 *
 * @example
 * ```ts
 * import { type StampedEvent, withVectorClocks } from "./trace_vectors.ts";
 * const out = withVectorClocks<StampedEvent>([
 *   { kind: "send", node: "a", peer: "b", vc: 1 },
 *   { kind: "deliver", node: "b", peer: "a", vc: 1, vcFrom: 1 },
 * ]);
 * out[1]!.vclock; // { a: 1, b: 1 }
 * ```
 */
export function withVectorClocks<E extends StampedEvent>(events: Iterable<E>): E[] {
  const d = new VectorDeriver();
  const out: E[] = [];
  for (const e of events) {
    const v = d.stamp(e);
    out.push(v === undefined || v === e.vclock ? e : { ...e, vclock: v });
  }
  return out;
}
