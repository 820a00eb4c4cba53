/**
 * Eventual convergence: after the network heals and clients stop, every replica holds
 * the same value for every key.
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import { canonicalJson } from "./canonical_json.ts";

/**
 * A key on which replicas disagree, with each replica's value.
 *
 * @example
 * ```ts
 * import type { Divergence } from "./convergence.ts";
 * const d: Divergence = { key: "x", values: { n1: 1, n2: 2 } };
 * ```
 */
export interface Divergence {
  readonly key: string;
  readonly values: Record<NodeId, unknown>;
}

/**
 * The result of {@link checkConvergence}.
 *
 * @example
 * ```ts
 * import type { ConvergenceResult } from "./convergence.ts";
 * const r: ConvergenceResult = { converged: true, divergent: [], divergentKeys: [] };
 * ```
 */
export interface ConvergenceResult {
  readonly converged: boolean;
  /** Keys on which replicas disagree, by key. */
  readonly divergent: Divergence[];
  /** Just the keys of `divergent`, sorted. */
  readonly divergentKeys: string[];
}

/**
 * Compares what each replica holds, read locally from every replica after heal and
 * quiescence. A key a replica does not hold counts as `null` (absent), as in the kv
 * model; values are compared as JSON.
 *
 * @example
 * ```ts
 * import { checkConvergence } from "./convergence.ts";
 * const r = checkConvergence({ n1: { x: 1, y: 2 }, n2: { x: 1, y: 3 } });
 * r.divergent; // [{ key: "y", values: { n1: 2, n2: 3 } }]
 * ```
 */
export function checkConvergence(
  finalReads: Readonly<Record<NodeId, Readonly<Record<string, unknown>>>>,
): ConvergenceResult {
  const nodes = Object.keys(finalReads).sort();
  const keys = new Set<string>();
  for (const node of nodes) for (const key of Object.keys(finalReads[node])) keys.add(key);
  const divergent: Divergence[] = [];
  for (const key of [...keys].sort()) {
    const values: Record<NodeId, unknown> = {};
    const texts = new Set<string>();
    for (const node of nodes) {
      const value = Object.hasOwn(finalReads[node], key) ? finalReads[node][key] ?? null : null;
      values[node] = value;
      texts.add(canonicalJson(value));
    }
    if (texts.size > 1) divergent.push({ key, values });
  }
  return {
    converged: divergent.length === 0,
    divergent,
    divergentKeys: divergent.map((d) => d.key),
  };
}
