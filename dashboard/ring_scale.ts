/**
 * The ring at scale: where many nodes go and which of their names fit. A protocol on a
 * consistent-hash ring (its nodes report `vnodes`) has each node drawn at its first
 * token — `murmur3("<id>#0")`, the partitioner's own — so the angles are the ring's, to
 * scale; other protocols space their nodes evenly. Markers shrink with the count, and
 * nodes whose tokens fall too close are moved inwards onto a few inner lanes (their
 * angle unchanged) rather than drawn over each other. Names go outside the ring, and
 * only where they fit: the searched node's first, then the selected, the leader, the
 * nodes that are down, then the rest in order, each kept only if its box overlaps none
 * already kept.
 *
 * @module
 */

import { ringTokens } from "../partitioning/ring.ts";

/** 2^32: the ring's size. */
const RING = 2 ** 32;
/** Inner lanes a marker may move to when its angle is taken. */
const LANES = 6;

/**
 * Where one node is drawn: its angle (radians clockwise from the top), its lane (0 is
 * the ring itself) and its centre.
 *
 * @example
 * ```ts
 * import type { RingSpot } from "./ring_scale.ts";
 * const s: RingSpot = { id: "n1", angle: 0, lane: 0, x: 260, y: 70 };
 * ```
 */
export interface RingSpot {
  readonly id: string;
  readonly angle: number;
  readonly lane: number;
  readonly x: number;
  readonly y: number;
}

/**
 * The nodes placed on a ring: a marker radius and a spot per node.
 *
 * @example
 * ```ts
 * import type { RingPlacement } from "./ring_scale.ts";
 * const p: RingPlacement = { nodeR: 8, laneStep: 18, spots: new Map() };
 * ```
 */
export interface RingPlacement {
  readonly nodeR: number;
  /** How far inwards each lane is from the one before (px). */
  readonly laneStep: number;
  readonly spots: ReadonlyMap<string, RingSpot>;
}

/**
 * The angle each node is drawn at: its first token's place on the hash ring when the
 * ring has `vnodes` (tokens) per node, else evenly spaced in the given order.
 *
 * @example
 * ```ts
 * import { nodeAngles } from "./ring_scale.ts";
 * nodeAngles(["n1", "n2"], null).get("n2"); // Math.PI
 * nodeAngles(["n1", "n2"], 64).get("n1"); // the angle of murmur3("n1#0")
 * ```
 */
export function nodeAngles(
  ids: readonly string[],
  vnodes: number | null,
): Map<string, number> {
  const out = new Map<string, number>();
  ids.forEach((id, i) => {
    const a = vnodes !== null && vnodes >= 1
      ? tokenAngle(ringTokens(id, 1)[0] as number)
      : (2 * Math.PI * i) / ids.length;
    out.set(id, a);
  });
  return out;
}

/**
 * The angle (radians clockwise from the top) of a 32-bit token.
 *
 * @example
 * ```ts
 * import { tokenAngle } from "./ring_scale.ts";
 * tokenAngle(2 ** 30); // Math.PI / 2: a quarter of the ring
 * ```
 */
export function tokenAngle(token: number): number {
  return (token / RING) * 2 * Math.PI;
}

/**
 * The point at `angle` (clockwise from the top) on a circle.
 *
 * @example
 * ```ts
 * import { polar } from "./ring_scale.ts";
 * polar(100, 100, 50, 0); // { x: 100, y: 50 }
 * ```
 */
export function polar(cx: number, cy: number, r: number, angle: number): { x: number; y: number } {
  return {
    x: Math.round((cx + r * Math.sin(angle)) * 100) / 100,
    y: Math.round((cy - r * Math.cos(angle)) * 100) / 100,
  };
}

/**
 * Places nodes at their angles on a circle of radius `radius`: markers as large as the
 * count allows (at most `maxR`, at least 3 px), a marker whose angle is too close to one
 * already placed moved to the first inner lane where it fits (the least crowded lane if
 * none does).
 *
 * @example
 * ```ts
 * import { nodeAngles, placeOnRing } from "./ring_scale.ts";
 * const ids = Array.from({ length: 64 }, (_, i) => `n${i + 1}`);
 * const p = placeOnRing(nodeAngles(ids, null), 260, 260, 190, 36);
 * p.spots.get("n1"); // { id: "n1", angle: 0, lane: 0, x: 260, y: 70 }
 * ```
 */
export function placeOnRing(
  angles: ReadonlyMap<string, number>,
  cx: number,
  cy: number,
  radius: number,
  maxR: number,
): RingPlacement {
  const n = angles.size;
  const nodeR = Math.max(3, Math.min(maxR, ((2 * Math.PI * radius) / Math.max(1, n)) * 0.42));
  const laneStep = 2 * nodeR + 2;
  const order = [...angles].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  /** Per lane: the angles placed on it, in order. */
  const lanes: number[][] = Array.from({ length: LANES }, () => []);
  const spots = new Map<string, RingSpot>();
  /** The angular room at `angle` on a lane, and whether a marker fits there. */
  const room = (lane: number, angle: number) => {
    const placed = lanes[lane] as number[];
    if (placed.length === 0) return { gap: Infinity, fits: true };
    const need = (2 * nodeR + 1) / (radius - lane * laneStep);
    const last = placed[placed.length - 1] as number;
    const first = placed[0] as number;
    // Sorted by angle: only the last placed and (across the top) the first can be near.
    const gap = Math.min(angle - last, first + 2 * Math.PI - angle);
    return { gap, fits: gap >= need };
  };
  for (const [id, angle] of order) {
    let lane = -1;
    let best = 0;
    let bestGap = -Infinity;
    for (let l = 0; l < LANES && lane < 0; l++) {
      const { gap, fits } = room(l, angle);
      if (fits) lane = l;
      else if (gap > bestGap) {
        bestGap = gap;
        best = l;
      }
    }
    if (lane < 0) lane = best;
    (lanes[lane] as number[]).push(angle);
    const p = polar(cx, cy, radius - lane * laneStep, angle);
    spots.set(id, { id, angle, lane, x: p.x, y: p.y });
  }
  return { nodeR, laneStep, spots };
}

/**
 * The font size (px) of the names on a ring of `n` nodes: 10, or 9 past 48 nodes so
 * that 64 short names all fit.
 *
 * @example
 * ```ts
 * import { labelFont } from "./ring_scale.ts";
 * labelFont(64); // 9
 * ```
 */
export function labelFont(n: number): number {
  return n > 48 ? 9 : 10;
}

/**
 * A name to place, and how much it matters (lower first).
 *
 * @example
 * ```ts
 * import type { LabelWish } from "./ring_scale.ts";
 * const w: LabelWish = { id: "n57", angle: 1.2, priority: 0 };
 * ```
 */
export interface LabelWish {
  readonly id: string;
  readonly angle: number;
  readonly priority: number;
}

/**
 * A placed name: its anchor point, text alignment and box.
 *
 * @example
 * ```ts
 * import type { RingLabel } from "./ring_scale.ts";
 * const l: RingLabel = {
 *   id: "n1", x: 252, y: 50, anchor: "start", box: { x0: 252, y0: 41, x1: 268, y1: 52 },
 * };
 * ```
 */
export interface RingLabel {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  /** Always `start`: `x` is the box's left edge. */
  readonly anchor: "start";
  readonly box: {
    readonly x0: number;
    readonly y0: number;
    readonly x1: number;
    readonly y1: number;
  };
}

/**
 * The names that fit outside a ring of radius `radius`, placed greedily by priority (the
 * order of `wishes` among equals): a name is kept only if its box, padded by a pixel,
 * overlaps no name kept before it. Text is measured as `fontSize × 0.62` per character
 * (the page's sans-serif digits and letters are narrower).
 *
 * @example
 * ```ts
 * import { thinLabels } from "./ring_scale.ts";
 * const wishes = Array.from({ length: 1000 }, (_, i) => ({
 *   id: `n${i + 1}`, angle: (2 * Math.PI * i) / 1000, priority: i === 56 ? 0 : 1,
 * }));
 * const labels = thinLabels(wishes, 260, 260, 200, 10);
 * labels.has("n57"); // true: the searched node always has its name
 * labels.size < 1000; // true: the rest only where they fit
 * ```
 */
export function thinLabels(
  wishes: readonly LabelWish[],
  cx: number,
  cy: number,
  radius: number,
  fontSize: number,
): Map<string, RingLabel> {
  const order = wishes.map((w, i) => ({ w, i }))
    .sort((a, b) => a.w.priority - b.w.priority || a.i - b.i);
  const kept: RingLabel[] = [];
  const out = new Map<string, RingLabel>();
  const pad = 1;
  for (const { w } of order) {
    const l = labelBox(w, cx, cy, radius, fontSize);
    let clear = true;
    for (const k of kept) {
      if (
        l.box.x0 < k.box.x1 + pad && k.box.x0 < l.box.x1 + pad &&
        l.box.y0 < k.box.y1 + pad && k.box.y0 < l.box.y1 + pad
      ) {
        clear = false;
        break;
      }
    }
    if (!clear) continue;
    kept.push(l);
    out.set(w.id, l);
  }
  return out;
}

/** Where a name at `angle` goes: just outside the ring, on the side away from the centre. */
function labelBox(
  w: LabelWish,
  cx: number,
  cy: number,
  radius: number,
  fontSize: number,
): RingLabel {
  const p = polar(cx, cy, radius, w.angle);
  const width = w.id.length * fontSize * 0.62;
  const height = fontSize * 1.05;
  // The box slides round the point with the angle (left of it on the left side, right
  // of it on the right, centred above and below), so neighbours' boxes move smoothly.
  const x0 = Math.round((p.x - (width * (1 - Math.sin(w.angle))) / 2) * 100) / 100;
  const yc = p.y - (Math.cos(w.angle) * height) / 2;
  const y0 = yc - height / 2;
  return {
    id: w.id,
    x: x0,
    // The baseline, a fifth of the height above the box's bottom (descenders).
    y: Math.round((y0 + height * 0.8) * 100) / 100,
    anchor: "start",
    box: { x0, y0, x1: x0 + width, y1: y0 + height },
  };
}

/**
 * The arcs of the ring a node owns — from the token before each of its tokens up to it,
 * as the partitioner assigns keys — as one SVG path on a circle of radius `r`. With
 * `vnodes` tokens per node over `ids`.
 *
 * @example
 * ```ts
 * import { ownedArcsPath } from "./ring_scale.ts";
 * ownedArcsPath(["n1", "n2"], 1, "n1", 100, 100, 50).startsWith("M"); // true
 * ```
 */
export function ownedArcsPath(
  ids: readonly string[],
  vnodes: number,
  owner: string,
  cx: number,
  cy: number,
  r: number,
): string {
  const all: { t: number; id: string }[] = [];
  for (const id of ids) for (const t of ringTokens(id, vnodes)) all.push({ t, id });
  all.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));
  let d = "";
  for (let i = 0; i < all.length; i++) {
    const cur = all[i] as { t: number; id: string };
    if (cur.id !== owner) continue;
    const prev = (all[(i - 1 + all.length) % all.length] as { t: number }).t;
    const from = tokenAngle(prev);
    let to = tokenAngle(cur.t);
    if (to <= from) to += 2 * Math.PI;
    const a = polar(cx, cy, r, from);
    const b = polar(cx, cy, r, to);
    d += `M${a.x} ${a.y}A${r} ${r} 0 ${to - from > Math.PI ? 1 : 0} 1 ${b.x} ${b.y}`;
  }
  return d;
}
