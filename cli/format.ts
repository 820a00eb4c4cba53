/**
 * Text output of the CLI: aligned tables, JSON values, and ANSI colours by event kind
 * (only when stdout is a terminal).
 *
 * @module
 */

import { displayWidth, padEndWidth } from "../i18n/width.ts";

/**
 * Left-aligned columns separated by two spaces; the first row is the header. Cells are
 * padded by display width, so Japanese headers (two columns a character) line up.
 *
 * @example
 * ```ts
 * import { table } from "./format.ts";
 * table([["NODE", "ROLE"], ["n1", "leader"]]); // ["NODE  ROLE", "n1    leader"]
 * table([["ノード", "役割"], ["n1", "leader"]]); // ["ノード  役割", "n1      leader"]
 * ```
 */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => widths[i] = Math.max(widths[i] ?? 0, displayWidth(c)));
  return rows.map((r) =>
    r.map((c, i) => i === r.length - 1 ? c : padEndWidth(c, widths[i]!)).join("  ")
  );
}

/**
 * A cell shortened to about `max` characters for a table of many nodes: a list keeps
 * its first items and says how many more (`n1,n2,n3,…+60`); other text is cut with `…`.
 *
 * @example
 * ```ts
 * import { compactCell } from "./format.ts";
 * const all = Array.from({ length: 63 }, (_, i) => `n${i + 2}`).join(",");
 * compactCell(all, 20); // "n2,n3,n4,n5,n6,…+58"
 * compactCell("leader", 20); // "leader"
 * ```
 */
export function compactCell(text: string, max: number): string {
  if (text.length <= max) return text;
  const items = text.split(",");
  if (items.length > 1) {
    const kept: string[] = [];
    let len = 0;
    for (const item of items) {
      const more = `,…+${items.length - kept.length - 1}`;
      if (kept.length > 0 && len + 1 + item.length + more.length > max) break;
      kept.push(item);
      len += (kept.length > 1 ? 1 : 0) + item.length;
    }
    if (kept.length < items.length) return `${kept.join(",")},…+${items.length - kept.length}`;
    return text;
  }
  return text.slice(0, Math.max(1, max - 1)) + "…";
}

/**
 * A JSON value on one line.
 *
 * @example
 * ```ts
 * import { show } from "./format.ts";
 * show({ a: [1, 2] }); // '{"a":[1,2]}'
 * ```
 */
export function show(value: unknown): string {
  return value === undefined ? "" : JSON.stringify(value);
}

const COLOURS: Readonly<Record<string, number>> = {
  election: 33, // yellow
  vote: 33,
  role: 35, // magenta
  leader: 35,
  commit: 32, // green
  crash: 31, // red
  restart: 36, // cyan
  pause: 31,
  resume: 36,
  fault: 31,
  breaker: 91, // bright red
  suspect: 91,
  trust: 36,
  member: 34, // blue
  config: 34,
  send: 90, // grey
  deliver: 90,
  drop: 90,
  duplicate: 90,
  request: 37,
  reply: 37,
};

/**
 * `text` coloured for event `kind` when `on`.
 *
 * @example
 * ```ts
 * import { colour } from "./format.ts";
 * colour("crash", "n1 crashed", false); // "n1 crashed"
 * colour("crash", "x", true); // "\x1b[31mx\x1b[0m"
 * ```
 */
export function colour(kind: string, text: string, on: boolean): string {
  const c = COLOURS[kind];
  return on && c !== undefined ? `\x1b[${c}m${text}\x1b[0m` : text;
}
