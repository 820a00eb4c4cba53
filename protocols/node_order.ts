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

/**
 * The number of a node id written `n` and a number (`n12` → 12; no leading zero, at most
 * nine digits), or −1 for any other id. Two ids with the same number are the same id,
 * so a node can keep per-peer state in arrays by number instead of a map by id (at a
 * thousand nodes each lookup in a map of a thousand ids is a walk through memory).
 *
 * @example
 * ```ts
 * import { nodeNumber } from "./node_order.ts";
 * nodeNumber("n12"); // 12
 * nodeNumber("n012"); // -1
 * nodeNumber("db-1"); // -1
 * ```
 */
export function nodeNumber(id: string): number {
  const len = id.length;
  if (len < 2 || len > 10 || id.charCodeAt(0) !== 110) return -1; // 110: "n"
  if (len > 2 && id.charCodeAt(1) === 48) return -1; // a leading zero: "n01" is not "n1"
  let v = 0;
  for (let k = 1; k < len; k++) {
    const d = id.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * A lookup of ids' positions in `ids` (the last one for an id listed twice; −1 for an id
 * not listed): by {@link nodeNumber} in an array for numbered ids, in a map for others.
 *
 * @example
 * ```ts
 * import { positionsOf } from "./node_order.ts";
 * const at = positionsOf(["n3", "n1", "db"]);
 * [at("n1"), at("db"), at("n2")]; // [1, 2, -1]
 * ```
 */
export function positionsOf(ids: readonly string[]): (id: string) => number {
  const byId = new Map<string, number>();
  let top = -1;
  for (const id of ids) {
    const k = nodeNumber(id);
    if (k >= 0 && k < NUMBERED) top = Math.max(top, k);
  }
  // Index + 1 by number (0: not listed).
  const byNumber = new Int32Array(top + 1);
  ids.forEach((id, i) => {
    const k = nodeNumber(id);
    if (k >= 0 && k < NUMBERED) byNumber[k] = i + 1;
    else byId.set(id, i);
  });
  return (id) => {
    const k = nodeNumber(id);
    if (k < 0 || k >= NUMBERED) return byId.get(id) ?? -1;
    return k < byNumber.length ? byNumber[k]! - 1 : -1;
  };
}

/** Numbered ids at or above this are looked up by id (an array by number stays small). */
const NUMBERED = 1 << 16;
