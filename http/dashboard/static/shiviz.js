// @ts-check
/**
 * Export of the trace in ShiViz's log format (https://bestchai.bitbucket.io/shiviz/),
 * made in the page: the same format as `toShiViz` of `nodes/trace.ts`, line for line.
 * Per event, a line describing it and a line `host {vector clock}`; parse it in ShiViz
 * with the regex `(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`. Events without a vector
 * clock (ticks, the API's own) are left out.
 *
 * @module
 */

/** @typedef {import("./types.js").TraceEvent} TraceEvent */

/**
 * The regular expression to give ShiViz for logs made by {@link toShiVizLog}.
 *
 * @example
 * ```js
 * import { SHIVIZ_REGEX } from "./shiviz.js";
 * SHIVIZ_REGEX.startsWith("(?<event>"); // true
 * ```
 */
export const SHIVIZ_REGEX = String.raw`(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`;

/**
 * Formats `events` for ShiViz.
 *
 * @example
 * ```js
 * import { toShiVizLog } from "./shiviz.js";
 * const log = toShiVizLog([
 *   { time: 1, kind: "send", node: "n1", peer: "n2", body: { a: 1 }, vclock: { n1: 1 } },
 * ]);
 * log.split("\n")[1]; // 'n1 {"n1":1}'
 * ```
 * @param {Iterable<TraceEvent>} events
 * @returns {string}
 */
export function toShiVizLog(events) {
  const lines = [];
  for (const e of events) {
    if (e.vclock === undefined || e.kind === "tick") continue;
    const what = e.kind === "send"
      ? `send to ${e.peer} ${summary(e.body)}`
      : e.kind === "deliver"
      ? `deliver from ${e.peer} ${summary(e.body)}`
      : `${e.kind}${e.peer ? " " + e.peer : ""}${e.data ? " " + JSON.stringify(e.data) : ""}`;
    lines.push(`${what} @${e.time.toFixed(3)}ms`);
    lines.push(`${e.node} ${JSON.stringify(e.vclock)}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * @param {unknown} body
 * @returns {string}
 */
function summary(body) {
  const s = JSON.stringify(body) ?? "";
  return s.length > 120 ? s.slice(0, 117) + "..." : s;
}
