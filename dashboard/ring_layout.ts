/**
 * Geometry of the cluster view: nodes on a ring, the groups a partition splits them
 * into, the links that are cut, and the shapes drawn for them.
 *
 * @module
 */

import type { ClusterShape } from "../http/api_schemas.ts";
type LinkBlock = ClusterShape["network"]["blocks"][number];
type LinkRule = ClusterShape["network"]["rules"][number];

/**
 * A point of the drawing.
 *
 * @example
 * ```ts
 * import type { Point } from "./ring_layout.ts";
 * const p: Point = { x: 10, y: 20 };
 * ```
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * Places `ids` clockwise on a circle, the first at the top.
 *
 * @example
 * ```ts
 * import { ringPositions } from "./ring_layout.ts";
 * const p = ringPositions(["n1", "n2"], 100, 100, 50);
 * p.get("n1"); // { x: 100, y: 50 }
 * ```
 */
export function ringPositions(
  ids: readonly string[],
  cx: number,
  cy: number,
  r: number,
): Map<string, Point> {
  const out = new Map();
  ids.forEach((id, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / ids.length;
    out.set(id, { x: round(cx + r * Math.cos(a)), y: round(cy + r * Math.sin(a)) });
  });
  return out;
}
function round(v: number) {
  return Math.round(v * 100) / 100;
}

/**
 * The groups of one partition block's description (`n1,n2 | n3,n4,n5`); nodes it does
 * not list form one more group, as the fault model says.
 *
 * @example
 * ```ts
 * import { blockGroups } from "./ring_layout.ts";
 * blockGroups({ id: 1, kind: "partition", description: "n1 | n2" }, ["n1", "n2", "n3"]);
 * // [["n1"], ["n2"], ["n3"]]
 * blockGroups({ id: 2, kind: "isolate", description: "n2" }, ["n1", "n2", "n3"]);
 * // [["n2"], ["n1", "n3"]]
 * ```
 * @returns null for blocks that are not partitions
 */
export function blockGroups(block: LinkBlock, nodes: readonly string[]): string[][] | null {
  let groups: string[][];
  if (block.kind === "partition") {
    groups = block.description.split("|").map((g) =>
      g.split(",").map((s) => s.trim()).filter((s) => nodes.includes(s))
    ).filter((g) => g.length > 0);
  } else if (block.kind === "isolate") {
    groups = nodes.includes(block.description) ? [[block.description]] : [];
  } else {
    return null;
  }
  const listed = new Set(groups.flat());
  const rest = nodes.filter((n) => !listed.has(n));
  if (rest.length > 0) groups.push(rest);
  return groups;
}

/**
 * The groups the nodes are split into by every partition and isolation at once: two
 * nodes share a group only if no block separates them. One group when nothing splits.
 *
 * @example
 * ```ts
 * import { partitionGroups } from "./ring_layout.ts";
 * partitionGroups([
 *   { id: 1, kind: "partition", description: "n1,n2 | n3,n4" },
 *   { id: 2, kind: "isolate", description: "n4" },
 * ], ["n1", "n2", "n3", "n4"]);
 * // [["n1", "n2"], ["n3"], ["n4"]]
 * ```
 */
export function partitionGroups(
  blocks: readonly LinkBlock[],
  nodes: readonly string[],
): string[][] {
  const byKey: Map<string, string[]> = new Map();
  const splits = blocks.map((b) => blockGroups(b, nodes)).filter((g) => g !== null);
  for (const n of nodes) {
    const key = splits.map((groups) => groups.findIndex((g) => g.includes(n))).join(",");
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [n]);
    else list.push(n);
  }
  return [...byKey.values()];
}

/**
 * The one-way cuts (`a -> b`) among `blocks`.
 *
 * @example
 * ```ts
 * import { cutLinks } from "./ring_layout.ts";
 * cutLinks([{ id: 3, kind: "cut", description: "n1 -> n2" }]); // [["n1", "n2"]]
 * ```
 */
export function cutLinks(blocks: readonly LinkBlock[]): [string, string][] {
  const out: [string, string][] = [];
  for (const b of blocks) {
    if (b.kind !== "cut") continue;
    const m = /^\s*(\S+)\s*->\s*(\S+)\s*$/.exec(b.description);
    if (m !== null) out.push([m[1] as string, m[2] as string]);
  }
  return out;
}

/**
 * Whether messages from `from` to `to` cannot pass: separated by `groups`, or cut.
 *
 * @example
 * ```ts
 * import { isBlocked } from "./ring_layout.ts";
 * isBlocked("n1", "n3", [["n1", "n2"], ["n3"]], []); // true
 * isBlocked("n2", "n1", [["n1", "n2"]], [["n1", "n2"]]); // false: only n1 -> n2 is cut
 * ```
 */
export function isBlocked(
  from: string,
  to: string,
  groups: readonly (readonly string[])[],
  cuts: readonly (readonly [string, string])[],
): boolean {
  const g = groups.find((x) => x.includes(from));
  if (g !== undefined && !g.includes(to)) return true;
  return cuts.some(([a, b]) => a === from && b === to);
}

/**
 * The link rules (loss, delay, …) that apply to messages from `from` to `to`.
 *
 * @example
 * ```ts
 * import { rulesFor } from "./ring_layout.ts";
 * rulesFor("n1", "n2", [{ id: 1, from: "*", to: "n2", drop: 0.5 }]).length; // 1
 * ```
 */
export function rulesFor(from: string, to: string, rules: readonly LinkRule[]): LinkRule[] {
  return rules.filter((r) => (r.from === "*" || r.from === from) && (r.to === "*" || r.to === to));
}

/**
 * A short text for a link rule: `drop 20% · delay 50ms`.
 *
 * @example
 * ```ts
 * import { ruleLabel } from "./ring_layout.ts";
 * ruleLabel({ id: 1, from: "*", to: "*", drop: 0.2, delay: { kind: "constant", ms: 50 } });
 * // "drop 20% · delay 50ms"
 * ```
 */
export function ruleLabel(r: LinkRule): string {
  const parts = [];
  if (typeof r.drop === "number") parts.push(`drop ${pct(r.drop)}`);
  if (r.delay !== undefined) parts.push(`delay ${delayLabel(r.delay)}`);
  if (typeof r.duplicate === "number") parts.push(`dup ${pct(r.duplicate)}`);
  if (typeof r.reorder === "number") parts.push(`reorder ${pct(r.reorder)}`);
  if (typeof r.tamper === "number") parts.push(`tamper ${pct(r.tamper)}`);
  return parts.join(" · ");
}
function pct(p: number) {
  return `${Math.round(p * 1000) / 10}%`;
}
function delayLabel(d: unknown): string {
  if (typeof d === "number") return `${d}ms`;
  const x = (d ?? {}) as Record<string, unknown>;
  switch (x.kind) {
    case "constant":
      return `${x.ms}ms`;
    case "uniform":
      return `${x.min}..${x.max}ms`;
    case "exponential":
      return `exp ${x.mean}ms`;
    case "normal":
      return `${x.mean}±${x.jitter}ms`;
    default:
      return "?";
  }
}

/**
 * The outline drawn around a group of nodes: a path through their points (in ring
 * order), to be stroked wide with round joins so that it becomes a blob around them.
 * A single node gives a zero-length path, which round caps draw as a disc.
 *
 * @example
 * ```ts
 * import { groupPath } from "./ring_layout.ts";
 * groupPath([{ x: 0, y: 0 }, { x: 10, y: 0 }]); // "M0 0L10 0Z"
 * ```
 */
export function groupPath(points: readonly Point[]): string {
  if (points.length === 0) return "";
  const [first, ...rest] = points;
  const p0 = first as Point;
  if (rest.length === 0) return `M${p0.x} ${p0.y}l0 0.01`;
  return `M${p0.x} ${p0.y}` + rest.map((p) => `L${p.x} ${p.y}`).join("") + "Z";
}

/**
 * The point a fraction `t` of the way from `a` to `b`.
 *
 * @example
 * ```ts
 * import { lerp } from "./ring_layout.ts";
 * lerp({ x: 0, y: 0 }, { x: 10, y: 20 }, 0.5); // { x: 5, y: 10 }
 * ```
 */
export function lerp(a: Point, b: Point, t: number): Point {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

/**
 * An SVG arc path for a fraction `f` (0..1) of a circle, clockwise from the top, used
 * for the election countdown around a node.
 *
 * @example
 * ```ts
 * import { arcPath } from "./ring_layout.ts";
 * arcPath({ x: 0, y: 0 }, 10, 0.25); // "M0 -10A10 10 0 0 1 10 0"
 * ```
 */
export function arcPath(c: Point, r: number, f: number): string {
  const t = Math.min(Math.max(f, 0), 0.9999);
  if (t <= 0) return "";
  const a = -Math.PI / 2 + 2 * Math.PI * t;
  const x = round(c.x + r * Math.cos(a));
  const y = round(c.y + r * Math.sin(a));
  return `M${c.x} ${round(c.y - r)}A${r} ${r} 0 ${t > 0.5 ? 1 : 0} 1 ${x} ${y}`;
}
