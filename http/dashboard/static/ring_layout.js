// @ts-check
/**
 * Geometry of the cluster view: nodes on a ring, the groups a partition splits them
 * into, the links that are cut, and the shapes drawn for them.
 *
 * @module
 */

/** @typedef {import("./types.js").LinkBlock} LinkBlock */
/** @typedef {import("./types.js").LinkRule} LinkRule */

/**
 * A point of the drawing.
 * @typedef {{ readonly x: number, readonly y: number }} Point
 */

/**
 * Places `ids` clockwise on a circle, the first at the top.
 *
 * @example
 * ```js
 * import { ringPositions } from "./ring_layout.js";
 * const p = ringPositions(["n1", "n2"], 100, 100, 50);
 * p.get("n1"); // { x: 100, y: 50 }
 * ```
 * @param {readonly string[]} ids
 * @param {number} cx
 * @param {number} cy
 * @param {number} r
 * @returns {Map<string, Point>}
 */
export function ringPositions(ids, cx, cy, r) {
  const out = new Map();
  ids.forEach((id, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / ids.length;
    out.set(id, { x: round(cx + r * Math.cos(a)), y: round(cy + r * Math.sin(a)) });
  });
  return out;
}

/** @param {number} v */
function round(v) {
  return Math.round(v * 100) / 100;
}

/**
 * The groups of one partition block's description (`n1,n2 | n3,n4,n5`); nodes it does
 * not list form one more group, as the fault model says.
 *
 * @example
 * ```js
 * import { blockGroups } from "./ring_layout.js";
 * blockGroups({ id: 1, kind: "partition", description: "n1 | n2" }, ["n1", "n2", "n3"]);
 * // [["n1"], ["n2"], ["n3"]]
 * blockGroups({ id: 2, kind: "isolate", description: "n2" }, ["n1", "n2", "n3"]);
 * // [["n2"], ["n1", "n3"]]
 * ```
 * @param {LinkBlock} block
 * @param {readonly string[]} nodes
 * @returns {string[][] | null} null for blocks that are not partitions
 */
export function blockGroups(block, nodes) {
  /** @type {string[][]} */
  let groups;
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
 * ```js
 * import { partitionGroups } from "./ring_layout.js";
 * partitionGroups([
 *   { id: 1, kind: "partition", description: "n1,n2 | n3,n4" },
 *   { id: 2, kind: "isolate", description: "n4" },
 * ], ["n1", "n2", "n3", "n4"]);
 * // [["n1", "n2"], ["n3"], ["n4"]]
 * ```
 * @param {readonly LinkBlock[]} blocks
 * @param {readonly string[]} nodes
 * @returns {string[][]}
 */
export function partitionGroups(blocks, nodes) {
  /** @type {Map<string, string[]>} */
  const byKey = new Map();
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
 * ```js
 * import { cutLinks } from "./ring_layout.js";
 * cutLinks([{ id: 3, kind: "cut", description: "n1 -> n2" }]); // [["n1", "n2"]]
 * ```
 * @param {readonly LinkBlock[]} blocks
 * @returns {[string, string][]}
 */
export function cutLinks(blocks) {
  /** @type {[string, string][]} */
  const out = [];
  for (const b of blocks) {
    if (b.kind !== "cut") continue;
    const m = /^\s*(\S+)\s*->\s*(\S+)\s*$/.exec(b.description);
    if (m !== null) out.push([/** @type {string} */ (m[1]), /** @type {string} */ (m[2])]);
  }
  return out;
}

/**
 * Whether messages from `from` to `to` cannot pass: separated by `groups`, or cut.
 *
 * @example
 * ```js
 * import { isBlocked } from "./ring_layout.js";
 * isBlocked("n1", "n3", [["n1", "n2"], ["n3"]], []); // true
 * isBlocked("n2", "n1", [["n1", "n2"]], [["n1", "n2"]]); // false: only n1 -> n2 is cut
 * ```
 * @param {string} from
 * @param {string} to
 * @param {readonly (readonly string[])[]} groups
 * @param {readonly (readonly [string, string])[]} cuts
 */
export function isBlocked(from, to, groups, cuts) {
  const g = groups.find((x) => x.includes(from));
  if (g !== undefined && !g.includes(to)) return true;
  return cuts.some(([a, b]) => a === from && b === to);
}

/**
 * The link rules (loss, delay, …) that apply to messages from `from` to `to`.
 *
 * @example
 * ```js
 * import { rulesFor } from "./ring_layout.js";
 * rulesFor("n1", "n2", [{ id: 1, from: "*", to: "n2", drop: 0.5 }]).length; // 1
 * ```
 * @param {string} from
 * @param {string} to
 * @param {readonly LinkRule[]} rules
 * @returns {LinkRule[]}
 */
export function rulesFor(from, to, rules) {
  return rules.filter((r) => (r.from === "*" || r.from === from) && (r.to === "*" || r.to === to));
}

/**
 * A short text for a link rule: `drop 20% · delay 50ms`.
 *
 * @example
 * ```js
 * import { ruleLabel } from "./ring_layout.js";
 * ruleLabel({ id: 1, from: "*", to: "*", drop: 0.2, delay: { kind: "constant", ms: 50 } });
 * // "drop 20% · delay 50ms"
 * ```
 * @param {LinkRule} r
 * @returns {string}
 */
export function ruleLabel(r) {
  const parts = [];
  if (r.drop !== undefined) parts.push(`drop ${pct(r.drop)}`);
  if (r.delay !== undefined) parts.push(`delay ${delayLabel(r.delay)}`);
  if (r.duplicate !== undefined) parts.push(`dup ${pct(r.duplicate)}`);
  if (r.reorder !== undefined) parts.push(`reorder ${pct(r.reorder)}`);
  if (r.tamper !== undefined) parts.push(`tamper ${pct(r.tamper)}`);
  return parts.join(" · ");
}

/** @param {number} p */
function pct(p) {
  return `${Math.round(p * 1000) / 10}%`;
}

/**
 * @param {unknown} d
 * @returns {string}
 */
function delayLabel(d) {
  if (typeof d === "number") return `${d}ms`;
  const x = /** @type {Record<string, unknown>} */ (d ?? {});
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
 * ```js
 * import { groupPath } from "./ring_layout.js";
 * groupPath([{ x: 0, y: 0 }, { x: 10, y: 0 }]); // "M0 0L10 0Z"
 * ```
 * @param {readonly Point[]} points
 * @returns {string}
 */
export function groupPath(points) {
  if (points.length === 0) return "";
  const [first, ...rest] = points;
  const p0 = /** @type {Point} */ (first);
  if (rest.length === 0) return `M${p0.x} ${p0.y}l0 0.01`;
  return `M${p0.x} ${p0.y}` + rest.map((p) => `L${p.x} ${p.y}`).join("") + "Z";
}

/**
 * The point a fraction `t` of the way from `a` to `b`.
 *
 * @example
 * ```js
 * import { lerp } from "./ring_layout.js";
 * lerp({ x: 0, y: 0 }, { x: 10, y: 20 }, 0.5); // { x: 5, y: 10 }
 * ```
 * @param {Point} a
 * @param {Point} b
 * @param {number} t
 * @returns {Point}
 */
export function lerp(a, b, t) {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

/**
 * An SVG arc path for a fraction `f` (0..1) of a circle, clockwise from the top, used
 * for the election countdown around a node.
 *
 * @example
 * ```js
 * import { arcPath } from "./ring_layout.js";
 * arcPath({ x: 0, y: 0 }, 10, 0.25); // "M0 -10A10 10 0 0 1 10 0"
 * ```
 * @param {Point} c
 * @param {number} r
 * @param {number} f
 * @returns {string}
 */
export function arcPath(c, r, f) {
  const t = Math.min(Math.max(f, 0), 0.9999);
  if (t <= 0) return "";
  const a = -Math.PI / 2 + 2 * Math.PI * t;
  const x = round(c.x + r * Math.cos(a));
  const y = round(c.y + r * Math.sin(a));
  return `M${c.x} ${round(c.y - r)}A${r} ${r} 0 ${t > 0.5 ? 1 : 0} 1 ${x} ${y}`;
}
