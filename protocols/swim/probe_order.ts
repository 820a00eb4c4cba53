/**
 * Round-robin probe target selection (SWIM §4.3): the members are probed in a random
 * permutation, one per protocol period, and shuffled again when it is used up. Every
 * member is probed within one pass, so a crashed member is probed by every other within
 * (n − 1) periods at worst, where a uniform random choice has no bound.
 *
 * @module
 */

import type { NodeId } from "../node.ts";

/**
 * A node's probe order: a permutation and the position in it.
 *
 * @example
 * ```ts
 * import { createProbeOrder } from "./probe_order.ts";
 * createProbeOrder().order.length; // 0: shuffled on first use
 * ```
 */
export interface ProbeOrder {
  order: NodeId[];
  next: number;
}

/**
 * An empty order, shuffled on its first use.
 *
 * @example
 * ```ts
 * import { createProbeOrder } from "./probe_order.ts";
 * createProbeOrder().next; // 0
 * ```
 */
export function createProbeOrder(): ProbeOrder {
  return { order: [], next: 0 };
}

/**
 * The next member of `candidates` to probe for which `eligible` holds, in round-robin
 * order over a permutation of `candidates` drawn with `random` (redrawn after each
 * pass); null when no candidate is eligible.
 *
 * @example
 * ```ts
 * import { createProbeOrder, nextTarget } from "./probe_order.ts";
 * const o = createProbeOrder();
 * const seen = new Set([1, 2, 3].map(() => nextTarget(o, ["n2", "n3", "n4"], () => true, () => 0.5)));
 * seen.size; // 3: each once per pass
 * ```
 */
export function nextTarget(
  o: ProbeOrder,
  candidates: readonly NodeId[],
  eligible: (id: NodeId) => boolean,
  random: () => number,
): NodeId | null {
  for (let tries = 0; tries <= candidates.length; tries++) {
    if (o.next >= o.order.length) {
      o.order = shuffled(candidates, random);
      o.next = 0;
      if (o.order.length === 0) return null;
    }
    const id = o.order[o.next++]!;
    if (eligible(id)) return id;
  }
  return null;
}

/**
 * Up to `k` distinct members of `candidates`, drawn uniformly with `random`.
 *
 * @example
 * ```ts
 * import { pickRandom } from "./probe_order.ts";
 * pickRandom(["n2", "n3", "n4"], 2, () => 0).length; // 2
 * ```
 */
export function pickRandom(
  candidates: readonly NodeId[],
  k: number,
  random: () => number,
): NodeId[] {
  const a = [...candidates];
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

function shuffled(xs: readonly NodeId[], random: () => number): NodeId[] {
  return pickRandom(xs, xs.length, random);
}
