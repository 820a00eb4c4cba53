/**
 * A narrated, deterministic scenario: the chapter's exercises and demos, run in the
 * simulator and printed step by step. The same scenario always prints the same lines.
 *
 * @module
 */

import type { TraceEvent } from "../nodes/trace.ts";
import type { Lang } from "../i18n/lang.ts";
import { displayWidth, padEndWidth } from "../i18n/width.ts";

/**
 * One scenario. `run` prints through `out` (one line per call) in `lang` (English if
 * absent), must be deterministic, and returns what it found as data — the same data in
 * every language.
 *
 * @example
 * ```ts
 * import type { Scenario } from "./scenario.ts";
 * const hello: Scenario = {
 *   name: "hello",
 *   description: "prints one line",
 *   run(out) {
 *     out("hello");
 *   },
 * };
 * ```
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** The description in Japanese. */
  readonly descriptionJa?: string;
  /** Flags the scenario accepts after its name (e.g. `--plain`); none if absent. */
  readonly flags?: readonly string[];
  run(
    out: (line: string) => void,
    flags?: readonly string[],
    lang?: Lang,
  ): unknown;
}

/**
 * Runs a scenario and collects its lines (for tests and for the CLI's `--json`).
 *
 * @example
 * ```ts
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines({ name: "x", description: "", run: (out) => out("a") });
 * lines; // ["a"]
 * ```
 */
export async function collectLines(
  s: Scenario,
  flags: readonly string[] = [],
  lang: Lang = "en",
): Promise<string[]> {
  const lines: string[] = [];
  await s.run((l) => lines.push(l), flags, lang);
  return lines;
}

/**
 * A printer of paragraphs: each line of `text` goes to `out` on its own, so one catalogue
 * entry can hold a whole paragraph and each language can break its lines where it reads
 * best.
 *
 * @example
 * ```ts
 * import { paragraphs } from "./scenario.ts";
 * const lines: string[] = [];
 * paragraphs((l) => lines.push(l))("a\nb");
 * lines; // ["a", "b"]
 * ```
 */
export function paragraphs(out: (line: string) => void): (text: string) => void {
  return (text) => {
    for (const l of text.split("\n")) out(l);
  };
}

/**
 * Formats rows as a fixed-width text table (first row is the header), padded by display
 * width so that Japanese cells line up.
 *
 * @example
 * ```ts
 * import { table } from "./scenario.ts";
 * table([["node", "role"], ["n1", "leader"]]);
 * // ["node  role", "----  ------", "n1    leader"]
 * ```
 */
export function table(rows: readonly (readonly (string | number)[])[]): string[] {
  const cells = rows.map((r) => r.map(String));
  const widths: number[] = [];
  for (const r of cells) {
    r.forEach((c, i) => widths[i] = Math.max(widths[i] ?? 0, displayWidth(c)));
  }
  const line = (r: string[]) => r.map((c, i) => padEndWidth(c, widths[i]!)).join("  ").trimEnd();
  const [head, ...body] = cells;
  if (head === undefined) return [];
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
}

/**
 * A function that prints one timeline line for a trace event: its time in ms (right
 * aligned, one decimal), its node and what happened.
 *
 * @example
 * ```ts
 * import { timeline } from "./scenario.ts";
 * const lines: string[] = [];
 * const say = timeline((l) => lines.push(l));
 * say({ time: 12.5, node: "n1" }, "CRASHES");
 * lines; // ["   12.5 ms  n1  CRASHES"]
 * ```
 */
export function timeline(
  out: (line: string) => void,
): (e: Pick<TraceEvent, "time" | "node">, what: string) => void {
  return (e, what) => out(`${e.time.toFixed(1).padStart(7)} ms  ${e.node}  ${what}`);
}
