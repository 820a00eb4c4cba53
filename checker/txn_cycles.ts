/**
 * Cycle anomalies in a dependency graph, searched from the most severe down, each
 * search skipped when a worse one already ruled out what it would rule out (as Elle
 * does): G0 (a cycle of `ww`), G1c (`ww` and `wr`, at least one `wr`), G-single (exactly
 * one `rw`), G-nonadjacent (several `rw`, no two in a row), G2-item (any other cycle with
 * `rw`), then the same with `realtime` edges (`G1c-realtime`, …), which only strict
 * serializability forbids. Each search looks, for every edge of its kind inside a
 * strongly connected component, for the shortest way back; one cycle per type is kept,
 * with every edge's reason.
 *
 * @module
 */

import type { AnomalyCase, AnomalyType } from "./txn_anomalies.ts";
import { type Edge, type Rel, shortestPath, type TxnGraph } from "./txn_graph.ts";

/**
 * The cycles found, and whether the step budget ran out before every search finished.
 *
 * @example
 * ```ts
 * import type { CycleSearch } from "./txn_cycles.ts";
 * const none: CycleSearch = { cases: [], exhausted: false };
 * ```
 */
export interface CycleSearch {
  readonly cases: AnomalyCase[];
  readonly exhausted: boolean;
}

const WW = new Set<Rel>(["ww"]);
const WWR = new Set<Rel>(["ww", "wr"]);
const DATA = new Set<Rel>(["ww", "wr", "rw"]);
const ALL = new Set<Rel>(["ww", "wr", "rw", "realtime"]);
const RW = new Set<Rel>(["rw"]);

/**
 * Searches `graph` for cycle anomalies within `maxSteps` path-search steps.
 *
 * @example
 * ```ts
 * import { findCycles } from "./txn_cycles.ts";
 * import { TxnGraph } from "./txn_graph.ts";
 * const g = new TxnGraph();
 * g.add(1, 2, "ww", "key 1: 2 after 1");
 * g.add(2, 1, "ww", "key 2: 1 after 2");
 * findCycles(g, 1_000_000).cases[0]?.type; // "G0"
 * ```
 */
export function findCycles(graph: TxnGraph, maxSteps: number): CycleSearch {
  let steps = 0;
  let exhausted = false;
  const spend = () => ++steps <= maxSteps;
  const found = new Map<AnomalyType, AnomalyCase>();
  const plain = (rels: ReadonlySet<Rel>) => () => (n: number) =>
    [...graph.out(n, rels)].map((e) => [e]);
  // Ways on that never take two rw edges in a row, nor end on one; from `start`, the node
  // an rw edge just reached, no rw at all.
  const nonadjacent = (start: number) => (n: number) => {
    const out: Edge[][] = [];
    for (const e of graph.out(n, WWR)) out.push([e]);
    if (n === start) return out;
    for (const r of graph.out(n, RW)) for (const e of graph.out(r.to, WWR)) out.push([r, e]);
    return out;
  };
  /** Tries each edge of kind `through` on a cycle of `within`, up to a cycle of a new type. */
  const search = (
    through: ReadonlySet<Rel>,
    within: ReadonlySet<Rel>,
    steps: (start: number) => (n: number) => Iterable<readonly Edge[]>,
  ) => {
    if (exhausted) return;
    const comp = graph.components(within);
    for (const e of graph.edges(through)) {
      const c = comp.get(e.from);
      if (c === undefined || comp.get(e.to) !== c) continue;
      const back = shortestPath(e.to, e.from, steps(e.to), spend);
      if (back === "budget") {
        exhausted = true;
        return;
      }
      if (back === null) continue;
      const cycle = [e, ...back];
      const type = classify(cycle);
      if (found.has(type)) continue; // look on for a new kind
      found.set(type, describe(type, cycle));
      return;
    }
  };
  search(WW, WW, plain(WW));
  search(new Set(["wr"]), WWR, plain(WWR));
  search(RW, DATA, plain(WWR));
  search(RW, DATA, nonadjacent);
  if (found.size === 0) search(RW, DATA, plain(DATA));
  if (found.size === 0) search(new Set(["realtime"]), ALL, plain(ALL));
  return { cases: [...found.values()], exhausted };
}

/** The anomaly a cycle is, by its edges. */
function classify(cycle: readonly Edge[]): AnomalyType {
  const rw = cycle.map((e) => e.rel === "rw");
  const count = rw.filter(Boolean).length;
  const adjacent = rw.some((r, i) => r && rw[(i + 1) % rw.length]);
  const base: AnomalyType = count === 0
    ? (cycle.every((e) => e.rel !== "wr") ? "G0" : "G1c")
    : count === 1
    ? "G-single"
    : adjacent
    ? "G2-item"
    : "G-nonadjacent";
  return cycle.some((e) => e.rel === "realtime") ? `${base}-realtime` as AnomalyType : base;
}

const NAMES: Record<string, string> = {
  "G0": "write cycle",
  "G1c": "circular information flow",
  "G-single": "read skew: a cycle with one anti-dependency",
  "G-nonadjacent": "a cycle whose anti-dependencies are never adjacent",
  "G2-item": "a cycle of anti-dependencies",
};

function describe(type: AnomalyType, cycle: readonly Edge[]): AnomalyCase {
  const base = type.replace(/-realtime$/, "");
  const ids = cycle.map((e) => e.from);
  const path = [...ids, ids[0]!].map((id) => `T${id}`).join(" → ");
  return {
    type,
    txns: ids,
    explanation: `${type} (${NAMES[base]}${
      type.endsWith("-realtime") ? ", with real-time order" : ""
    }): ${path}: ${cycle.map((e) => `T${e.from} ${e.rel}→ T${e.to} (${e.why})`).join("; ")}`,
  };
}
