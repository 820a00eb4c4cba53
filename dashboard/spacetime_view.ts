/**
 * The space-time diagram in the page: the layout of `spacetime.ts` drawn into an
 * `<svg>` (one path per kind of shape), a tooltip with the Lamport and vector clocks of
 * whatever the pointer is over, and exports of the diagram (SVG) and of the trace
 * (ShiViz log).
 *
 * @module
 */

import { download, setAttrs, setText, svg } from "./dom.ts";
import { toShiViz } from "../nodes/trace.ts";
import { nearestPoint, SPACETIME_CLASSES, spacetimeLayout, spacetimeSvg } from "./spacetime.ts";

import type { SpacetimeLayout } from "./spacetime.ts";
import type { SpacetimeInput } from "./spacetime.ts";
import type { TraceEvent } from "../nodes/trace.ts";

/**
 * Draws the diagram and answers the pointer.
 *
 * @example
 * ```ts
 * import { SpacetimeView } from "./spacetime_view.ts";
 * const view = new SpacetimeView(
 *   document.querySelector<SVGSVGElement>("svg#spacetime")!,
 *   document.getElementById("tip")!,
 * );
 * ```
 */
export class SpacetimeView {
  #svg;
  #tip;
  #gGrid;
  #gRows;
  #paths: Map<string, SVGElement> = new Map();
  #layout: SpacetimeLayout | null = null;
  #rowsKey = "";
  /** The element's size, kept by a ResizeObserver so that drawing never forces a layout. */
  #size = { width: 600, height: 200 };
  constructor(root: SVGSVGElement, tip: HTMLElement) {
    this.#svg = root;
    this.#tip = tip;
    this.#gGrid = svg("g", { class: "st-grid" });
    this.#gRows = svg("g", { class: "st-rows" });
    root.append(this.#gGrid, this.#gRows);
    for (const c of SPACETIME_CLASSES) {
      const p = svg("path", { class: c });
      this.#paths.set(c, p);
      root.append(p);
    }
    new ResizeObserver(([entry]) => {
      if (entry !== undefined) this.#size = entry.contentRect;
    }).observe(root);
    root.addEventListener("mousemove", (ev) => this.#hover(ev));
    root.addEventListener("mouseleave", () => this.#tip.classList.add("hidden"));
  }

  /** The layout last drawn. */
  get layout(): SpacetimeLayout | null {
    return this.#layout;
  }

  /**
   * Draws `input` (its width and height are taken from the element's size).
   */
  render(input: Omit<SpacetimeInput, "width" | "height">): void {
    const width = Math.max(200, Math.round(this.#size.width));
    const height = Math.max(80, Math.round(this.#size.height));
    const l = spacetimeLayout({ ...input, width, height });
    this.#layout = l;
    setAttrs(this.#svg, { viewBox: `0 0 ${width} ${height}`, "data-messages": l.messages });
    setAttrs(this.#svg, { "data-rows": l.rows.length, "data-hidden": l.hidden });
    const rowsKey = `${width}x${height}:` +
      l.rows.map((r) => `${r.id}${r.label ? "" : "-"}${r.found ? "*" : ""}`).join(",");
    if (rowsKey !== this.#rowsKey) {
      this.#rowsKey = rowsKey;
      // Rows change only with the nodes, the focus or the size: not per frame.
      this.#gRows.replaceChildren(
        ...l.rows.flatMap((r) => {
          const line = svg("line", {
            x1: l.left,
            y1: r.y,
            x2: width,
            y2: r.y,
            class: r.found ? "st-row found" : "st-row",
            "data-node": r.id,
          });
          if (!r.label) return [line];
          const label = svg("text", {
            x: 4,
            y: r.y + 4,
            class: r.found ? "st-label found" : "st-label",
            "data-node": r.id,
          });
          label.textContent = r.id;
          return [line, label];
        }),
      );
    }
    const grid = [];
    for (const t of l.ticks) {
      grid.push(
        svg("line", { x1: t.x, y1: l.top - 8, x2: t.x, y2: height - 14, class: "st-tick" }),
      );
      const label = svg("text", { x: t.x, y: height - 3, class: "st-tick-label" });
      label.textContent = t.label;
      grid.push(label);
    }
    for (const f of l.faults) {
      grid.push(svg("line", { x1: f.x, y1: 4, x2: f.x, y2: height - 14, class: "st-fault" }));
      const label = svg("text", { x: f.x + 2, y: 10, class: "st-fault-label" });
      label.textContent = f.label;
      grid.push(label);
    }
    this.#gGrid.replaceChildren(...grid);
    for (const [c, p] of this.#paths) setAttrs(p, { d: l.paths[c] ?? "" });
  }

  /**
   * Downloads the diagram as an SVG file.
   * @returns the SVG text
   */
  exportSvg(): string {
    if (this.#layout === null) return "";
    const text = spacetimeSvg(this.#layout);
    download("distlab-spacetime.svg", text, "image/svg+xml");
    return text;
  }

  /**
   * Downloads `events` as a ShiViz log.
   * @returns the log
   */
  exportShiViz(events: Iterable<TraceEvent>): string {
    const text = toShiViz(events);
    download("distlab-trace.shiviz.log", text, "text/plain");
    return text;
  }
  #hover(ev: MouseEvent) {
    const l = this.#layout;
    if (l === null) return;
    const rect = this.#svg.getBoundingClientRect();
    const x = ((ev.clientX - rect.left) / rect.width) * l.width;
    const y = ((ev.clientY - rect.top) / rect.height) * l.height;
    const p = nearestPoint(l.points, x, y, 7);
    if (p === null) {
      this.#tip.classList.add("hidden");
      return;
    }
    setText(this.#tip, p.text);
    this.#tip.classList.remove("hidden");
    this.#tip.style.left = `${ev.clientX + 12}px`;
    this.#tip.style.top = `${ev.clientY + 12}px`;
  }
}
