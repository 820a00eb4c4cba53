/**
 * The timeline charts, after Jepsen's: client operations over time as latency points
 * (ok green, fail red, info — unknown — amber), throughput per second per outcome, the
 * periods of faults shaded behind both, and the checker's verdict on the history so far
 * with the counterexample's operations drawn as bars from call to return when it is not
 * linearizable.
 *
 * @module
 */

import { esc, setAttrs, svg } from "./dom.ts";
import { percentile, throughput } from "./timeline.ts";

import type { LiveOperation as Op } from "../history/operations.ts";
import type { FaultPeriod } from "./timeline.ts";
import type { CheckSummary } from "../http/dashboard/history_check.ts";

/**
 * The checker's answer, as `POST /dashboard/check` gives it (the route's own type).
 *
 * @example
 * ```ts
 * import type { Verdict } from "./timeline_view.ts";
 * const v: Verdict = { verdict: "linearizable", operations: 4, steps: 12 };
 * ```
 */
export type Verdict = CheckSummary;

/**
 * What the charts show: operations, faults, the window [from, to] in cluster ms and the
 * offset from history time to cluster time.
 *
 * @example
 * ```ts
 * import type { TimelineInput } from "./timeline_view.ts";
 * const input: TimelineInput = { ops: [], faults: [], from: 0, to: 60_000, offset: 0, verdict: null };
 * ```
 */
export type TimelineInput = {
  ops: readonly Op[];
  faults: readonly FaultPeriod[];
  from: number;
  to: number;
  offset: number;
  verdict: Verdict | null;
};

const LEFT = 44;
const RIGHT = 8;
const STATUSES = ["ok", "fail", "info"] as const;

/**
 * Draws the charts into an `<svg>` and the verdict into an element.
 *
 * @example
 * ```ts
 * import { TimelineView } from "./timeline_view.ts";
 * const view = new TimelineView(
 *   document.querySelector<SVGSVGElement>("svg#timeline")!,
 *   document.getElementById("verdict")!,
 * );
 * ```
 */
export class TimelineView {
  #svg;
  #verdict;
  #lastVerdict = "";
  /** The element's size, kept by a ResizeObserver so that drawing never forces a layout. */
  #size = { width: 600, height: 200 };
  constructor(root: SVGSVGElement, verdict: HTMLElement) {
    this.#svg = root;
    this.#verdict = verdict;
    new ResizeObserver(([entry]) => {
      if (entry !== undefined) this.#size = entry.contentRect;
    }).observe(root);
  }
  render(input: TimelineInput): void {
    const width = Math.max(200, Math.round(this.#size.width));
    const height = Math.max(120, Math.round(this.#size.height));
    setAttrs(this.#svg, { viewBox: `0 0 ${width} ${height}` });
    const { ops, faults, from, to, offset } = input;
    const span = Math.max(1, to - from);
    const x = (t: number) => LEFT + ((t - from) / span) * (width - LEFT - RIGHT);
    const latTop = 14, latBottom = Math.round(height * 0.55);
    const tpTop = latBottom + 18, tpBottom = height - 16;
    const els = [];

    let shown = 0;
    for (const f of faults) {
      const end = f.end ?? to;
      if (end < from || f.start > to) continue;
      const row = shown++ % 4; // labels of faults that start together do not overlap
      const x1 = x(Math.max(from, f.start)), x2 = x(Math.min(to, end));
      els.push(svg("rect", {
        x: x1,
        y: 2,
        width: Math.max(2, x2 - x1),
        height: tpBottom - 2,
        class: `fault-band fk-${f.kind}`,
      }));
      const label = svg("text", { x: x1 + 3, y: 11 + row * 11, class: "fault-band-label" });
      label.textContent = f.label;
      els.push(label);
    }

    // Latency points: completion time (an info op at its call) against latency, log scale.
    const done = ops.filter((o) => !o.pending);
    const lats = done.filter((o) => o.status !== "info").map((o) => (o.ret - o.call) / 1e6);
    const maxLat = Math.max(10, ...lats);
    const ly = (ms: number) =>
      latBottom - (Math.log10(1 + Math.max(0, ms)) / Math.log10(1 + maxLat)) * (latBottom - latTop);
    const pts: Record<string, string> = { ok: "", fail: "", info: "" };
    for (const o of done) {
      const at = (o.status === "info" ? o.call : o.ret) / 1e6 + offset;
      if (at < from || at > to) continue;
      const px = Math.round(x(at));
      const py = Math.round(o.status === "info" ? latTop : ly((o.ret - o.call) / 1e6));
      pts[o.status] += `M${px - 2} ${py - 2}h4v4h-4z`;
    }
    for (const s of STATUSES) els.push(svg("path", { d: pts[s] ?? "", class: `op-${s}` }));
    els.push(axis(LEFT, latTop, latBottom, `latency ms (max ${Math.round(maxLat)})`));

    // Throughput per second, stacked bars.
    const buckets = throughput(ops, offset, from, to, 1000);
    const maxTp = Math.max(1, ...buckets.map((b) => b.ok + b.fail + b.info));
    const bars: Record<string, string> = { ok: "", fail: "", info: "" };
    for (const b of buckets) {
      const bx = x(Math.max(from, b.t)), bw = Math.max(1, x(Math.min(to, b.t + 1000)) - bx - 1);
      let base = tpBottom;
      for (const s of STATUSES) {
        const h = (b[s] / maxTp) * (tpBottom - tpTop);
        if (h > 0) {
          bars[s] += `M${bx.toFixed(1)} ${(base - h).toFixed(1)}h${bw.toFixed(1)}v${h.toFixed(1)}h${
            (-bw).toFixed(1)
          }z`;
        }
        base -= h;
      }
    }
    for (const s of STATUSES) els.push(svg("path", { d: bars[s] ?? "", class: `tp-${s}` }));
    els.push(axis(LEFT, tpTop, tpBottom, `ops/s (max ${maxTp})`));

    // The counterexample's operations, as bars from call to return.
    const ce = input.verdict?.counterexample;
    if (ce !== undefined) {
      const ids = new Set(ce.operations);
      let row = 0;
      for (const o of ops) {
        if (!ids.has(o.id)) continue;
        const x1 = x(o.call / 1e6 + offset);
        const x2 = x((Number.isFinite(o.ret) ? o.ret / 1e6 : to - offset) + offset);
        const y = latTop + 6 + (row++ % 12) * 7;
        els.push(svg("rect", {
          x: x1,
          y,
          width: Math.max(2, x2 - x1),
          height: 5,
          class: o.id === ce.operation ? "ce-op stuck" : "ce-op",
          "data-op": o.id,
        }));
      }
    }

    for (const t of ticks(from, to)) {
      const label = svg("text", { x: x(t), y: height - 3, class: "tl-tick" });
      label.textContent = `${(t / 1000).toFixed(0)}s`;
      els.push(label);
    }
    this.#svg.replaceChildren(...els);
    this.#svg.setAttribute("data-ops", String(ops.length));
    this.#renderVerdict(input);
  }
  #renderVerdict(input: TimelineInput) {
    const v = input.verdict;
    const ops = input.ops;
    const done = ops.filter((o) => !o.pending && o.status === "ok");
    const lat = done.map((o) => (o.ret - o.call) / 1e6).sort((a, b) => a - b);
    const counts = { ok: 0, fail: 0, info: 0 };
    for (const o of ops) if (!o.pending) counts[o.status]++;
    const summary =
      `${ops.length} ops: ${counts.ok} ok, ${counts.fail} fail, ${counts.info} unknown` +
      (lat.length > 0
        ? ` · latency p50 ${percentile(lat, 0.5).toFixed(1)} ms, p99 ${
          percentile(lat, 0.99).toFixed(1)
        } ms`
        : "");
    let html;
    if (v === null) {
      html = `<span class="badge pending">checking…</span> ${esc(summary)}`;
    } else if (v.verdict === "not-linearizable" && v.counterexample !== undefined) {
      const byId = new Map(ops.map((o) => [o.id, o]));
      const list = v.counterexample.operations.map((id) => {
        const o = byId.get(id);
        if (o === undefined) return "";
        const what = `${o.f} ${o.key ?? ""} ${
          JSON.stringify(o.status === "ok" && o.f === "read" ? o.output : o.input) ?? ""
        }`;
        return `<li class="${
          id === v.counterexample?.operation ? "stuck" : ""
        }">#${id} p${o.process} ${esc(what)} → ${o.status}</li>`;
      }).join("");
      html =
        `<span class="badge bad">not linearizable</span>${
          v.key !== undefined ? ` key ${esc(v.key)}` : ""
        } · ` +
        `${esc(summary)}<p class="explain">${
          esc(v.counterexample.explanation)
        }</p><ul class="ce">${list}</ul>`;
    } else if (v.verdict === "linearizable") {
      html = `<span class="badge good">linearizable</span> ${esc(summary)}`;
    } else {
      html = `<span class="badge unknown">${esc(v.verdict)}</span> ${esc(v.reason ?? "")} · ${
        esc(summary)
      }`;
    }
    if (html !== this.#lastVerdict) {
      this.#lastVerdict = html;
      this.#verdict.innerHTML = html;
      this.#verdict.setAttribute("data-verdict", v?.verdict ?? "pending");
    }
  }
}
function axis(x: number, top: number, bottom: number, text: string) {
  const g = svg("g", { class: "tl-axis" });
  const label = svg("text", { x: x - 4, y: top + 2, class: "tl-axis-label" });
  label.textContent = text;
  g.append(
    svg("line", { x1: x, y1: top, x2: x, y2: bottom }),
    svg("line", { x1: x, y1: bottom, x2: x + 4000, y2: bottom }),
    label,
  );
  return g;
}
function ticks(from: number, to: number) {
  const span = to - from;
  const step =
    [1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000].find((s) =>
      span / s <= 10
    ) ?? 600_000;
  const out = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}
