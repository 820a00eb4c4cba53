/**
 * Tampering ("the network is secure" made false): a copy of the message with one
 * scalar leaf altered — a number changed, a string garbled, a boolean flipped.
 *
 * @module
 */

/**
 * Returns an altered deep copy of `body`; the original is never changed.
 *
 * @example
 * ```ts
 * import { tamper } from "./tamper.ts";
 * tamper({ term: 3 }, () => 0); // { term: 4 }
 * ```
 */
export function tamper<T>(body: T, random: () => number): T {
  const copy = structuredClone(body);
  const leaves: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    const obj = v as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const x = obj[k];
      if (typeof x === "number" || typeof x === "string" || typeof x === "boolean") {
        leaves.push([obj, k]);
      } else walk(x);
    }
  };
  walk(copy);
  if (leaves.length === 0) return copy;
  const [holder, k] = leaves[Math.floor(random() * leaves.length)]!;
  const h = holder as Record<string | number, unknown>;
  const x = h[k];
  if (typeof x === "number") h[k] = x + 1 + Math.floor(random() * 3);
  else if (typeof x === "boolean") h[k] = !x;
  else if (typeof x === "string") h[k] = x.length ? x.slice(1) + x[0] + "~" : "~";
  return copy;
}
