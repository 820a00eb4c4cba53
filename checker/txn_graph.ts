/**
 * A dependency graph between transactions (Adya's direct serialization graph, plus
 * real-time order): `ww` (T2 overwrote T1's version), `wr` (T2 read T1's version),
 * `rw` (T2 overwrote the version T1 read) and `realtime` (T1 completed before T2 was
 * invoked). Every edge keeps the reason it was drawn, so a cycle can be explained.
 * Also: strongly connected components and a shortest path search, the two tools the
 * cycle checks are made of.
 *
 * @module
 */

/**
 * A kind of dependency edge.
 *
 * @example
 * ```ts
 * import type { Rel } from "./txn_graph.ts";
 * const antiDependency: Rel = "rw";
 * ```
 */
export type Rel = "ww" | "wr" | "rw" | "realtime";

/**
 * One edge, with the reason it exists (`key 1: T2 read [1, 2], then T3 appended 3`).
 *
 * @example
 * ```ts
 * import type { Edge } from "./txn_graph.ts";
 * const e: Edge = { from: 1, to: 2, rel: "wr", why: "T2 read key 1 = 5, written by T1" };
 * ```
 */
export interface Edge {
  readonly from: number;
  readonly to: number;
  readonly rel: Rel;
  readonly why: string;
}

/**
 * A graph of transactions by id. Self-edges are not kept.
 *
 * @example
 * ```ts
 * import { TxnGraph } from "./txn_graph.ts";
 * const g = new TxnGraph();
 * g.add(1, 2, "ww", "key 1: 2 after 1");
 * [...g.out(1, new Set(["ww"]))].length; // 1
 * ```
 */
export class TxnGraph {
  readonly #out = new Map<number, Map<number, Map<Rel, string>>>();
  readonly #counts: Record<Rel, number> = { ww: 0, wr: 0, rw: 0, realtime: 0 };

  /** Adds an edge; the first reason given for (from, to, rel) is kept. */
  add(from: number, to: number, rel: Rel, why: string): void {
    if (from === to) return;
    let tos = this.#out.get(from);
    if (tos === undefined) this.#out.set(from, tos = new Map());
    let rels = tos.get(to);
    if (rels === undefined) tos.set(to, rels = new Map());
    if (rels.has(rel)) return;
    rels.set(rel, why);
    this.#counts[rel]++;
  }

  /** Edges leaving `from` whose kind is in `rels`. */
  *out(from: number, rels: ReadonlySet<Rel>): Generator<Edge> {
    for (const [to, m] of this.#out.get(from) ?? []) {
      for (const [rel, why] of m) if (rels.has(rel)) yield { from, to, rel, why };
    }
  }

  /** Every edge whose kind is in `rels`. */
  *edges(rels: ReadonlySet<Rel>): Generator<Edge> {
    for (const from of this.#out.keys()) yield* this.out(from, rels);
  }

  /** How many edges of each kind. */
  counts(): Readonly<Record<Rel, number>> {
    return { ...this.#counts };
  }

  /**
   * Strongly connected components over edges of kinds `rels`: a map from each node that
   * lies on some cycle to its component's number.
   */
  components(rels: ReadonlySet<Rel>): Map<number, number> {
    // Tarjan's algorithm, iterative so a long chain cannot overflow the stack.
    const index = new Map<number, number>();
    const low = new Map<number, number>();
    const onStack = new Set<number>();
    const stack: number[] = [];
    const comp = new Map<number, number>();
    let next = 0;
    let comps = 0;
    for (const root of this.#out.keys()) {
      if (index.has(root)) continue;
      const work: { node: number; it: Iterator<Edge> }[] = [];
      const open = (n: number) => {
        index.set(n, next);
        low.set(n, next++);
        stack.push(n);
        onStack.add(n);
        work.push({ node: n, it: this.out(n, rels) });
      };
      open(root);
      while (work.length > 0) {
        const top = work[work.length - 1]!;
        const r = top.it.next();
        if (!r.done) {
          const to = r.value.to;
          if (!index.has(to)) open(to);
          else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent !== undefined) {
          low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
        }
        if (low.get(top.node) !== index.get(top.node)) continue;
        const members: number[] = [];
        for (;;) {
          const n = stack.pop()!;
          onStack.delete(n);
          members.push(n);
          if (n === top.node) break;
        }
        if (members.length > 1) {
          for (const n of members) comp.set(n, comps);
          comps++;
        }
      }
    }
    return comp;
  }
}

/**
 * The shortest path from `start` to `goal` where `steps(node)` gives the ways on from a
 * node, each a run of one or more edges ending at the next node; null if there is none,
 * or `"budget"` when `spend()` says the search must stop.
 *
 * @example
 * ```ts
 * import { shortestPath, TxnGraph } from "./txn_graph.ts";
 * const g = new TxnGraph();
 * g.add(1, 2, "ww", "a");
 * g.add(2, 3, "wr", "b");
 * const all = new Set(["ww", "wr"] as const);
 * const path = shortestPath(1, 3, (n) => [...g.out(n, all)].map((e) => [e]), () => true);
 * Array.isArray(path) ? path.length : 0; // 2
 * ```
 */
export function shortestPath(
  start: number,
  goal: number,
  steps: (node: number) => Iterable<readonly Edge[]>,
  spend: () => boolean,
): Edge[] | null | "budget" {
  const via = new Map<number, readonly Edge[]>();
  const seen = new Set<number>([start]);
  let frontier = [start];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const n of frontier) {
      for (const run of steps(n)) {
        if (!spend()) return "budget";
        const to = run[run.length - 1]!.to;
        if (seen.has(to)) continue;
        seen.add(to);
        via.set(to, run);
        if (to === goal) {
          const path: Edge[] = [];
          for (let at = goal; at !== start;) {
            const r = via.get(at)!;
            path.unshift(...r);
            at = r[0]!.from;
          }
          return path;
        }
        next.push(to);
      }
    }
    frontier = next;
  }
  return null;
}
