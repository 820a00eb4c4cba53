// @ts-check
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
 * ```js
 * import { svg } from "./dom.js";
 * const c = svg("circle", { cx: 10, cy: 10, r: 4, class: "dot" });
 * ```
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  setAttrs(el, attrs);
  return el;
}

/**
 * Sets attributes, skipping those already equal (cheaper for the renderer).
 *
 * @example
 * ```js
 * import { setAttrs } from "./dom.js";
 * setAttrs(document.body, { "data-mode": "live" });
 * ```
 * @param {Element} el
 * @param {Record<string, string | number>} attrs
 */
export function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    const s = String(v);
    if (el.getAttribute(k) !== s) el.setAttribute(k, s);
  }
}

/**
 * Sets an element's text if it differs.
 *
 * @example
 * ```js
 * import { setText } from "./dom.js";
 * setText(document.body, "hello");
 * ```
 * @param {Element} el
 * @param {string} text
 */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Escapes text for HTML or SVG markup.
 *
 * @example
 * ```js
 * import { esc } from "./dom.js";
 * esc('<a href="x">'); // "&lt;a href=&quot;x&quot;&gt;"
 * ```
 * @param {unknown} v
 * @returns {string}
 */
export function esc(v) {
  return String(v).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** @type {Record<string, string>} */
const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * The element with `id`; throws if the page lacks it (a broken page should say so).
 *
 * @example
 * ```js
 * import { byId } from "./dom.js";
 * const ring = byId("ring");
 * ```
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el;
}

/**
 * Offers `text` as a file download.
 *
 * @example
 * ```js
 * import { download } from "./dom.js";
 * download("trace.log", "hello\n", "text/plain");
 * ```
 * @param {string} name
 * @param {string} text
 * @param {string} type
 */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
