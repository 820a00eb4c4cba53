/**
 * The space-time diagram's geometry: one horizontal line per node, time to the right,
 * each message an arrow from its send to its delivery (a drop ends in a cross halfway,
 * a duplicate is drawn apart, one still in flight is dashed up to now), and the nodes'
 * own events (roles, elections, commits, crashes, faults) as marks on their lines.
 * Shapes of one kind are joined into one SVG path, so that thousands of messages cost a
 * handful of DOM nodes; {@link nearestPoint} finds what the pointer is over, and
 * {@link spacetimeSvg} writes a standalone SVG file of the same drawing.
 *
 * Past `maxRows` nodes (16) the rows are {@link spacetimeRows}: the nodes in focus (the
 * selected and the searched, and the leader) when there are any, else every node on
 * compact rows with only every few rows named — the searched node always named.
 *
 * @module
 */

import type { TraceEvent } from "../nodes/trace.ts";
import type { MessageRecord } from "./message_matcher.ts";

/**
 * Something under the pointer: where, and what to say about it.
 *
 * @example
 * ```ts
 * import type { HitPoint } from "./spacetime.ts";
 * const p: HitPoint = { x: 10, y: 20, text: "deliver n1 → n2" };
 * ```
 */
export type HitPoint = { readonly x: number; readonly y: number; readonly text: string };

/**
 * The diagram, ready to draw. `paths` maps a CSS class to one path.
 *
 * @example
 * ```ts
 * import type { SpacetimeLayout } from "./spacetime.ts";
 * import { spacetimeLayout } from "./spacetime.ts";
 * const l: SpacetimeLayout = spacetimeLayout({
 *   nodes: ["n1"], messages: [], events: [], from: 0, to: 1000, width: 600, height: 200,
 * });
 * ```
 */
export type SpacetimeLayout = {
  readonly width: number;
  readonly height: number;
  readonly rows: readonly {
    readonly id: string;
    readonly y: number;
    /** Whether its name is written (compact rows are named only every few). */
    readonly label: boolean;
    /** The node found by name. */
    readonly found: boolean;
  }[];
  /** Nodes of the cluster not drawn (rows filtered to the nodes in focus). */
  readonly hidden: number;
  readonly paths: Readonly<Record<string, string>>;
  readonly ticks: readonly { readonly x: number; readonly label: string }[];
  readonly faults: readonly { readonly x: number; readonly label: string }[];
  readonly points: readonly HitPoint[];
  readonly messages: number;
  readonly left: number;
  readonly top: number;
};

/**
 * What to draw and where.
 *
 * @example
 * ```ts
 * import type { SpacetimeInput } from "./spacetime.ts";
 * const input: SpacetimeInput = {
 *   nodes: ["n1"], messages: [], events: [], from: 0, to: 1000, width: 600, height: 200,
 * };
 * ```
 */
export interface SpacetimeInput {
  readonly nodes: readonly string[];
  readonly messages: readonly MessageRecord[];
  readonly events: readonly TraceEvent[];
  readonly from: number;
  readonly to: number;
  readonly width: number;
  readonly height: number;
  readonly maxMessages?: number;
  /** Nodes to show when there are more than `maxRows` (the selected, the searched…). */
  readonly focus?: readonly string[];
  /** The node found by name: its row marked and always named. */
  readonly highlight?: string | null;
  /** Rows shown in full before focusing or compacting (16). */
  readonly maxRows?: number;
}

/**
 * Which nodes get a row: all of them up to `maxRows`; past that, the nodes of `focus`
 * (in cluster order) if any of them are in the cluster, else all.
 *
 * @example
 * ```ts
 * import { spacetimeRows } from "./spacetime.ts";
 * const nodes = Array.from({ length: 64 }, (_, i) => `n${i + 1}`);
 * spacetimeRows(nodes, ["n57", "n3"], 16); // ["n3", "n57"]
 * spacetimeRows(nodes, [], 16).length; // 64
 * spacetimeRows(["n1", "n2"], ["n2"], 16); // ["n1", "n2"]
 * ```
 */
export function spacetimeRows(
  nodes: readonly string[],
  focus: readonly string[],
  maxRows: number,
): string[] {
  if (nodes.length <= maxRows) return [...nodes];
  const want = new Set(focus);
  const shown = nodes.filter((n) => want.has(n));
  return shown.length > 0 ? shown : [...nodes];
}

/** Rows closer than this (px) are named only every few. */
const MIN_LABEL_GAP = 11;

/**
 * Classes of the paths, in drawing order.
 *
 * @example
 * ```ts
 * import { SPACETIME_CLASSES } from "./spacetime.ts";
 * SPACETIME_CLASSES.includes("st-delivered"); // true
 * ```
 */
export const SPACETIME_CLASSES: string[] = [
  "st-delivered",
  "st-duplicate",
  "st-flight",
  "st-dropped",
  "st-head",
  "st-drop-mark",
  "st-commit",
  "st-vote",
  "st-election",
  "st-leader",
  "st-follower",
  "st-crash",
  "st-restart",
  "st-pause",
];

const LEFT = 44;
const TOP = 18;
const BOTTOM = 20;
const RIGHT = 8;

/**
 * Lays out the diagram for the time window [from, to].
 *
 * @example
 * ```ts
 * import { spacetimeLayout } from "./spacetime.ts";
 * const l = spacetimeLayout({
 *   nodes: ["n1", "n2"], events: [], from: 0, to: 100, width: 400, height: 120,
 *   messages: [{ id: 1, from: "n1", to: "n2", type: "vote", body: {}, sendTime: 10,
 *     status: "delivered", duplicate: false, endTime: 30 }],
 * });
 * l.messages; // 1
 * l.paths["st-delivered"]?.startsWith("M"); // true
 * ```
 */
export function spacetimeLayout(o: SpacetimeInput): SpacetimeLayout {
  const { from, to, width, height } = o;
  const nodes = spacetimeRows(o.nodes, o.focus ?? [], o.maxRows ?? 16);
  const span = Math.max(1, to - from);
  const innerW = Math.max(1, width - LEFT - RIGHT);
  const x = (t: number) => r1(LEFT + ((t - from) / span) * innerW);
  const gap = nodes.length > 1 ? (height - TOP - BOTTOM) / (nodes.length - 1) : 0;
  const every = gap > 0 && gap < MIN_LABEL_GAP ? Math.ceil(MIN_LABEL_GAP / gap) : 1;
  const found = o.highlight ?? null;
  const foundAt = found === null ? -1 : nodes.indexOf(found);
  const yOf: Map<string, number> = new Map();
  const rows = nodes.map((id, i) => {
    const y = r1(nodes.length > 1 ? TOP + i * gap : height / 2);
    yOf.set(id, y);
    // Every few rows named; the found one always, and its neighbours' names give way.
    const near = foundAt >= 0 && i !== foundAt && Math.abs(i - foundAt) < every;
    return { id, y, label: i === foundAt || (i % every === 0 && !near), found: id === found };
  });
  const parts: Record<string, string[]> = {};
  for (const c of SPACETIME_CLASSES) parts[c] = [];
  const add = (cls: string, d: string) => {
    (parts[cls] as string[]).push(d);
  };
  const points: HitPoint[] = [];

  // Messages that touch the window, the latest first, at most maxMessages (800).
  const max = o.maxMessages ?? 800;
  const shown: MessageRecord[] = [];
  for (let i = o.messages.length - 1; i >= 0 && shown.length < max; i--) {
    const m = o.messages[i] as MessageRecord;
    const end = m.endTime ?? to;
    if (m.sendTime > to || end < from) continue;
    if (!yOf.has(m.from) || !yOf.has(m.to)) continue;
    shown.push(m);
  }
  for (const m of shown) {
    const y1 = (yOf.get(m.from)) as number;
    const y2 = (yOf.get(m.to)) as number;
    const x1 = x(m.sendTime);
    if (m.status === "delivered") {
      const x2 = x(m.endTime as number);
      add(m.duplicate ? "st-duplicate" : "st-delivered", `M${x1} ${y1}L${x2} ${y2}`);
      add("st-head", arrowHead(x1, y1, x2, y2));
      points.push({ x: x2, y: y2, text: describe(m, "deliver") });
    } else if (m.status === "dropped") {
      const xe = x(m.endTime as number);
      const xm = r1(Math.max(x1, xe)), ym = r1((y1 + y2) / 2);
      add("st-dropped", `M${x1} ${y1}L${xm} ${ym}`);
      add("st-drop-mark", `M${xm - 3} ${ym - 3}l6 6m0 -6l-6 6`);
      points.push({ x: xm, y: ym, text: describe(m, "drop") });
    } else {
      const xe = x(to);
      add("st-flight", `M${x1} ${y1}L${xe} ${y2}`);
    }
    points.push({ x: x1, y: y1, text: describe(m, "send") });
  }

  const faults: { x: number; label: string }[] = [];
  for (const e of o.events) {
    if (e.time < from || e.time > to) continue;
    const ex = x(e.time);
    if (e.kind === "fault" && e.node === "*") {
      faults.push({ x: ex, label: faultLabel(e.data) });
      continue;
    }
    const y = yOf.get(e.node);
    if (y === undefined) continue;
    const cls = markClass(e);
    if (cls === null) continue;
    add(cls, markShape(cls, ex, y));
    points.push({ x: ex, y, text: describeEvent(e) });
  }

  const paths: Record<string, string> = {};
  for (const c of SPACETIME_CLASSES) paths[c] = (parts[c] as string[]).join("");
  return {
    width,
    height,
    rows,
    hidden: o.nodes.length - nodes.length,
    paths,
    ticks: timeTicks(from, to, x),
    faults,
    points,
    messages: shown.length,
    left: LEFT,
    top: TOP,
  };
}

/**
 * The point within `radius` of (x, y) nearest to it, if any.
 *
 * @example
 * ```ts
 * import { nearestPoint } from "./spacetime.ts";
 * nearestPoint([{ x: 10, y: 10, text: "a" }, { x: 50, y: 10, text: "b" }], 12, 11, 6)?.text; // "a"
 * ```
 */
export function nearestPoint(
  points: readonly HitPoint[],
  x: number,
  y: number,
  radius: number,
): HitPoint | null {
  let best = null;
  let bestD = radius * radius;
  for (const p of points) {
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}

/**
 * A standalone SVG document of a layout (styles inline), for download.
 *
 * @example
 * ```ts
 * import { spacetimeLayout, spacetimeSvg } from "./spacetime.ts";
 * const l = spacetimeLayout({ nodes: ["n1"], messages: [], events: [], from: 0, to: 10, width: 200, height: 60 });
 * spacetimeSvg(l).startsWith("<svg"); // true
 * ```
 */
export function spacetimeSvg(l: SpacetimeLayout): string {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" ` +
    `viewBox="0 0 ${l.width} ${l.height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<style>${EXPORT_STYLE}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
  ];
  for (const t of l.ticks) {
    out.push(
      `<line class="st-tick" x1="${t.x}" y1="${l.top - 8}" x2="${t.x}" y2="${l.height - 14}"/>`,
    );
    out.push(`<text x="${t.x}" y="${l.height - 3}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  for (const f of l.faults) {
    out.push(`<line class="st-fault" x1="${f.x}" y1="4" x2="${f.x}" y2="${l.height - 14}"/>`);
    out.push(`<text class="st-fault-label" x="${f.x + 2}" y="10">${esc(f.label)}</text>`);
  }
  for (const r of l.rows) {
    out.push(`<line class="st-row" x1="${l.left}" y1="${r.y}" x2="${l.width}" y2="${r.y}"/>`);
    if (r.label) out.push(`<text x="4" y="${r.y + 4}" font-weight="600">${esc(r.id)}</text>`);
  }
  for (const c of SPACETIME_CLASSES) {
    const d = l.paths[c];
    if (d) out.push(`<path class="${c}" d="${d}"/>`);
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** The diagram's styles, shared by the page (style.css repeats them) and the export. */
const EXPORT_STYLE = [
  ".st-row{stroke:#90a4ae;stroke-width:1}",
  ".st-tick{stroke:#eceff1}",
  ".st-fault{stroke:#c62828;stroke-dasharray:3 3}",
  ".st-fault-label{fill:#c62828;font-size:10px}",
  ".st-delivered{stroke:#546e7a;stroke-width:1;fill:none;opacity:.7}",
  ".st-duplicate{stroke:#8e24aa;stroke-width:1.2;fill:none}",
  ".st-flight{stroke:#546e7a;stroke-dasharray:2 3;fill:none}",
  ".st-dropped{stroke:#e53935;stroke-width:1.2;fill:none}",
  ".st-head{stroke:#546e7a;fill:none}",
  ".st-drop-mark{stroke:#e53935;stroke-width:2;fill:none}",
  ".st-commit{fill:#2e7d32}",
  ".st-vote{fill:#0288d1}",
  ".st-election{fill:#f9a825;stroke:#8d6e00}",
  ".st-leader{fill:#2e7d32;stroke:#fff}",
  ".st-follower{fill:#1565c0;stroke:#fff}",
  ".st-crash{stroke:#212121;stroke-width:2.5;fill:none}",
  ".st-restart{fill:#43a047}",
  ".st-pause{fill:#6d4c41}",
].join("");
function markClass(e: TraceEvent): string | null {
  switch (e.kind) {
    case "commit":
      return "st-commit";
    case "vote": {
      const d = (e.data ?? {}) as { granted?: unknown };
      return d.granted === true ? "st-vote" : null;
    }
    case "election":
      return "st-election";
    case "role": {
      const role = ((e.data ?? {}) as { role?: unknown }).role;
      return role === "leader" ? "st-leader" : role === "follower" ? "st-follower" : "st-election";
    }
    case "crash":
      return "st-crash";
    case "restart":
      return "st-restart";
    case "pause":
    case "resume":
      return "st-pause";
    default:
      return null;
  }
}
function markShape(cls: string, x: number, y: number) {
  switch (cls) {
    case "st-commit":
      return `M${x - 2} ${y - 2}h4v4h-4z`;
    case "st-vote":
      return `M${x} ${y - 3}l3 3l-3 3l-3 -3z`;
    case "st-crash":
      return `M${x - 5} ${y - 5}l10 10m0 -10l-10 10`;
    default:
      return `M${x - 4.5} ${y}a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0 -9 0`;
  }
}
function arrowHead(x1: number, y1: number, x2: number, y2: number) {
  const dx = x2 - x1, dy = y2 - y1;
  const len = Math.hypot(dx, dy);
  if (len < 1) return "";
  const ux = dx / len, uy = dy / len;
  const s = 5;
  const ax = r1(x2 - ux * s - uy * s * 0.5), ay = r1(y2 - uy * s + ux * s * 0.5);
  const bx = r1(x2 - ux * s + uy * s * 0.5), by = r1(y2 - uy * s - ux * s * 0.5);
  return `M${ax} ${ay}L${x2} ${y2}L${bx} ${by}`;
}
function timeTicks(from: number, to: number, x: (t: number) => number) {
  const span = to - from;
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];
  const step = steps.find((s) => span / s <= 8) ?? 60_000;
  const out = [];
  for (let t = Math.max(0, Math.ceil(from / step) * step); t <= to; t += step) {
    out.push({
      x: x(t),
      label: t >= 1000 ? `${(t / 1000).toFixed(step < 1000 ? 1 : 0)}s` : `${t}ms`,
    });
  }
  return out;
}
function describe(m: MessageRecord, end: "send" | "deliver" | "drop") {
  const head = `${m.type} ${m.from} → ${m.to}${m.duplicate ? " (duplicate)" : ""}`;
  if (end === "send") {
    return `${head}\nsent at ${m.sendTime.toFixed(1)} ms` + clocks(m.sendLamport, m.sendVclock);
  }
  if (end === "drop") {
    return `${head}\ndropped at ${(m.endTime ?? 0).toFixed(1)} ms (${m.reason ?? "loss"})`;
  }
  return `${head}\ndelivered at ${(m.endTime ?? 0).toFixed(1)} ms` +
    clocks(m.endLamport, m.endVclock);
}
function describeEvent(e: TraceEvent) {
  const data = e.data === undefined ? "" : ` ${JSON.stringify(e.data)}`;
  return `${e.kind} at ${e.node}${data}\nat ${e.time.toFixed(1)} ms` + clocks(e.lamport, e.vclock);
}
function clocks(lamport: number | undefined, vclock: Readonly<Record<string, number>> | undefined) {
  let s = "";
  if (lamport !== undefined) s += `\nLamport ${lamport}`;
  if (vclock !== undefined) s += `\nvector ${JSON.stringify(vclock)}`;
  return s;
}
function faultLabel(data: unknown) {
  const d = (data ?? {}) as Record<string, unknown>;
  const action = String(d.action ?? "fault");
  if (action === "partition" && Array.isArray(d.groups)) {
    return `partition ${d.groups.map((g) => Array.isArray(g) ? g.join(",") : "").join("|")}`;
  }
  if (action === "isolate") return `isolate ${String(d.node)}`;
  return action;
}
function r1(v: number) {
  return Math.round(v * 10) / 10;
}
function esc(s: string) {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
