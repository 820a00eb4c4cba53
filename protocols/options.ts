/**
 * Readers for protocol options (`ctx.options`, plain JSON from a command line or the
 * API): a default when the option is missing, a one-line error naming the option when
 * it has the wrong type.
 *
 * @module
 */

/**
 * The number `raw[key]`, or `fallback` when it is missing; throws unless it is above 0.
 *
 * @example
 * ```ts
 * import { positiveOption } from "./options.ts";
 * positiveOption({ retryMs: 40 }, "retryMs", 100); // 40
 * positiveOption({}, "retryMs", 100); // 100
 * ```
 */
export function positiveOption(
  raw: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== "number" || !(v > 0)) throw new Error(`option ${key} must be a positive number`);
  return v;
}

/**
 * The boolean `raw[key]`, or `fallback` when it is missing; throws for any other type.
 *
 * @example
 * ```ts
 * import { booleanOption } from "./options.ts";
 * booleanOption({ forget: false }, "forget", true); // false
 * ```
 */
export function booleanOption(
  raw: Readonly<Record<string, unknown>>,
  key: string,
  fallback: boolean,
): boolean {
  const v = raw[key] ?? fallback;
  if (typeof v !== "boolean") throw new Error(`option ${key} must be true or false`);
  return v;
}
