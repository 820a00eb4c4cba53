/**
 * The natural order of node ids, which roles, owners and membership lists default to.
 *
 * @module
 */

import type { NodeId } from "./node.ts";

/**
 * Compares node ids by their number (`n2` before `n10`), then as strings.
 *
 * @example
 * ```ts
 * import { byNodeIndex } from "./node_order.ts";
 * ["n10", "n2", "n1"].sort(byNodeIndex); // ["n1", "n2", "n10"]
 * ```
 */
export function byNodeIndex(a: NodeId, b: NodeId): number {
  const na = Number(a.replace(/\D/g, "")), nb = Number(b.replace(/\D/g, ""));
  return na - nb || (a < b ? -1 : a > b ? 1 : 0);
}
