/**
 * Finding a node by name, for the search box over the ring: what was typed names a node
 * exactly (case aside), or is the start of one (`n5` → `n5`, else `n50`…), or is part of
 * one (`57` → `n57`); the first in cluster order wins among equals.
 *
 * @module
 */

/**
 * The node `query` names among `nodes`, or null.
 *
 * @example
 * ```ts
 * import { findNode } from "./node_search.ts";
 * const nodes = Array.from({ length: 64 }, (_, i) => `n${i + 1}`);
 * findNode("n57", nodes); // "n57"
 * findNode("N5", nodes); // "n5": an exact name beats the longer ones it starts
 * findNode("57", nodes); // "n57"
 * findNode("x", nodes); // null
 * ```
 */
export function findNode(query: string, nodes: readonly string[]): string | null {
  const q = query.trim().toLowerCase();
  if (q === "") return null;
  const lower = nodes.map((n) => n.toLowerCase());
  const at = (i: number) => i < 0 ? null : nodes[i] as string;
  const exact = lower.indexOf(q);
  if (exact >= 0) return at(exact);
  const prefix = lower.findIndex((n) => n.startsWith(q));
  if (prefix >= 0) return at(prefix);
  return at(lower.findIndex((n) => n.includes(q)));
}
