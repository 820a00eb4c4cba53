/**
 * Small DOM helpers of the page (no framework): create SVG elements, set attributes,
 * escape text for markup, find elements by id.
 *
 * @module
 */

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * Creates an SVG element with attributes.
 *
 * @example
 * ```ts
 * import { svg } from "./dom.ts";
 * const c = svg("circle", { cx: 10, cy: 10, r: 4, class: "dot" });
 * ```
 */
export function svg(tag: string, attrs: Record<string, string | number> = {}): SVGElement {
  const el = (document.createElementNS(SVG_NS, tag)) as SVGElement;
  setAttrs(el, attrs);
  return el;
}

/**
 * Sets attributes, skipping those already equal (cheaper for the renderer).
 *
 * @example
 * ```ts
 * import { setAttrs } from "./dom.ts";
 * setAttrs(document.body, { "data-mode": "live" });
 * ```
 */
export function setAttrs(el: Element, attrs: Record<string, string | number>): void {
  for (const [k, v] of Object.entries(attrs)) {
    const s = String(v);
    if (el.getAttribute(k) !== s) el.setAttribute(k, s);
  }
}

/**
 * Sets an element's text if it differs.
 *
 * @example
 * ```ts
 * import { setText } from "./dom.ts";
 * setText(document.body, "hello");
 * ```
 */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Escapes text for HTML or SVG markup.
 *
 * @example
 * ```ts
 * import { esc } from "./dom.ts";
 * esc('<a href="x">'); // "&lt;a href=&quot;x&quot;&gt;"
 * ```
 */
export function esc(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * The element with `id`; throws if the page lacks it (a broken page should say so).
 *
 * @example
 * ```ts
 * import { byId } from "./dom.ts";
 * const ring = byId("ring");
 * ```
 */
export function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el;
}

/**
 * Offers `text` as a file download.
 *
 * @example
 * ```ts
 * import { download } from "./dom.ts";
 * download("trace.log", "hello\n", "text/plain");
 * ```
 */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
