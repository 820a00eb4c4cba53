/**
 * Text width as a terminal shows it: a CJK character takes two columns, an ANSI colour
 * none. Tables pad by this, not by `length`, so Japanese headers line up.
 *
 * @module
 */

import stringWidth from "string-width";

/**
 * Columns `s` takes in a terminal.
 *
 * @example
 * ```ts
 * import { displayWidth } from "./width.ts";
 * displayWidth("リーダー"); // 8
 * displayWidth("leader"); // 6
 * ```
 */
export function displayWidth(s: string): number {
  return stringWidth(s);
}

/**
 * `s` padded with spaces on the right to `width` columns.
 *
 * @example
 * ```ts
 * import { padEndWidth } from "./width.ts";
 * padEndWidth("任期", 6); // "任期  "
 * ```
 */
export function padEndWidth(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - displayWidth(s)));
}

/**
 * `s` padded with spaces on the left to `width` columns.
 *
 * @example
 * ```ts
 * import { padStartWidth } from "./width.ts";
 * padStartWidth("任期", 6); // "  任期"
 * ```
 */
export function padStartWidth(s: string, width: number): string {
  return " ".repeat(Math.max(0, width - displayWidth(s))) + s;
}
