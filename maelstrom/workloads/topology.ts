/**
 * The neighbour maps Maelstrom offers a broadcast cluster in its `topology` message:
 * `grid` (the default), `line`, `total`, and `tree2` / `tree3` / `tree4`.
 *
 * @module
 */

/**
 * The names `--topology` accepts.
 *
 * @example
 * ```ts
 * import { TOPOLOGIES } from "./topology.ts";
 * TOPOLOGIES[0]; // "grid"
 * ```
 */
export const TOPOLOGIES: readonly string[] = ["grid", "line", "total", "tree2", "tree3", "tree4"];

/**
 * Each node's neighbours under topology `name` (links are symmetric).
 *
 * @example
 * ```ts
 * import { topology } from "./topology.ts";
 * topology("line", ["n0", "n1", "n2"]); // { n0: ["n1"], n1: ["n0", "n2"], n2: ["n1"] }
 * ```
 */
export function topology(name: string, nodes: readonly string[]): Record<string, string[]> {
  const n = nodes.length;
  const links = new Map<number, Set<number>>(nodes.map((_, i) => [i, new Set()]));
  const link = (a: number, b: number) => {
    if (a === b || a < 0 || b < 0 || a >= n || b >= n) return;
    links.get(a)!.add(b);
    links.get(b)!.add(a);
  };
  if (name === "grid") {
    const side = Math.max(1, Math.ceil(Math.sqrt(n)));
    for (let i = 0; i < n; i++) {
      if ((i + 1) % side !== 0) link(i, i + 1);
      link(i, i + side);
    }
  } else if (name === "line") {
    for (let i = 0; i + 1 < n; i++) link(i, i + 1);
  } else if (name === "total") {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) link(i, j);
  } else {
    const k = Number(name.slice(4));
    if (!name.startsWith("tree") || !(k >= 2)) throw new RangeError(`unknown topology ${name}`);
    for (let i = 1; i < n; i++) link(i, Math.floor((i - 1) / k));
  }
  const out: Record<string, string[]> = {};
  nodes.forEach((id, i) => {
    out[id] = [...links.get(i)!].sort((a, b) => a - b).map((j) => nodes[j]!);
  });
  return out;
}
