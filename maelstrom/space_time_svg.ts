/**
 * A space-time diagram of a run as SVG: one vertical line per node, time running down,
 * an arrow per node-to-node message from its send to its delivery, and a red cross where
 * the fault model dropped one. Only the first messages are drawn, so the file stays
 * readable; the whole run is in `messages.jsonl` and `shiviz.log`.
 *
 * @module
 */

import type { JournalEntry } from "./host.ts";

/** The most messages drawn. */
const MAX_MESSAGES = 400;
const COLUMN = 140;
const MARGIN = 40;
/** Height of the time axis in pixels (the drawn span is fitted to it). */
const HEIGHT = 1600;

/**
 * The SVG for `journal` over nodes `nodeIds`.
 *
 * @example
 * ```ts
 * import { spaceTimeSvg } from "./space_time_svg.ts";
 * const svg = spaceTimeSvg(["n0", "n1"], [
 *   { time: 1, kind: "send", src: "n0", dest: "n1", body: { type: "gossip", msg_id: 1 }, lamport: 1 },
 *   { time: 2, kind: "recv", src: "n0", dest: "n1", body: { type: "gossip", msg_id: 1 }, lamport: 2 },
 * ]);
 * svg.includes("<line"); // true
 * ```
 */
export function spaceTimeSvg(nodeIds: readonly string[], journal: readonly JournalEntry[]): string {
  const x = new Map(nodeIds.map((id, i) => [id, MARGIN + i * COLUMN + COLUMN / 2]));
  const sends: JournalEntry[] = [];
  const marks: { from: JournalEntry; to: JournalEntry | null; dropped: boolean }[] = [];
  // Match each delivery or drop to the oldest open send on its link with the same body (a
  // duplicate's second copy then finds none and is not drawn).
  const open = new Map<string, JournalEntry[]>();
  const key = (e: JournalEntry) => `${e.src}>${e.dest}>${JSON.stringify(e.body)}`;
  for (const e of journal) {
    if (e.kind === "send") {
      if (sends.length >= MAX_MESSAGES) break;
      sends.push(e);
      const k = key(e);
      const q = open.get(k);
      if (q === undefined) open.set(k, [e]);
      else q.push(e);
    } else if (e.kind === "recv" || e.kind === "drop") {
      const q = open.get(key(e));
      const from = q?.[0];
      if (from === undefined) continue;
      marks.push({ from, to: e, dropped: e.kind === "drop" });
      q!.shift();
    }
  }
  const t0 = sends[0]?.time ?? 0;
  const t1 = Math.max(t0 + 1, ...marks.map((m) => m.to?.time ?? m.from.time));
  const y = (t: number) => MARGIN + ((t - t0) / (t1 - t0)) * HEIGHT;
  const width = MARGIN * 2 + nodeIds.length * COLUMN;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${
      HEIGHT + MARGIN * 2
    }" font-family="monospace" font-size="11">`,
    `<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#369"/></marker></defs>`,
  ];
  for (const [id, cx] of x) {
    out.push(
      `<text x="${cx}" y="${MARGIN - 12}" text-anchor="middle">${escape(id)}</text>`,
      `<line x1="${cx}" y1="${MARGIN}" x2="${cx}" y2="${MARGIN + HEIGHT}" stroke="#999"/>`,
    );
  }
  for (const m of marks) {
    const x1 = x.get(m.from.src);
    const x2 = x.get(m.from.dest);
    if (x1 === undefined || x2 === undefined) continue;
    const y1 = y(m.from.time);
    const label = escape(String((m.from.body as { type?: unknown }).type ?? ""));
    if (m.dropped) {
      const mx = (x1 + x2) / 2;
      const my = y1 + 6;
      out.push(
        `<line x1="${x1}" y1="${y1.toFixed(1)}" x2="${mx}" y2="${
          my.toFixed(1)
        }" stroke="#c33" stroke-dasharray="3,2"/>`,
        `<text x="${mx}" y="${
          (my + 4).toFixed(1)
        }" fill="#c33" text-anchor="middle">✕ ${label}</text>`,
      );
      continue;
    }
    const y2 = y(m.to!.time);
    out.push(
      `<line x1="${x1}" y1="${y1.toFixed(1)}" x2="${x2}" y2="${
        y2.toFixed(1)
      }" stroke="#369" marker-end="url(#a)"><title>${label} L${m.from.lamport ?? "?"} → L${
        m.to!.lamport ?? "?"
      }</title></line>`,
    );
  }
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
