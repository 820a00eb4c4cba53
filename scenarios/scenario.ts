/**
 * A narrated, deterministic scenario: the chapter's exercises and demos, run in the
 * simulator and printed step by step. The same scenario always prints the same lines.
 *
 * @module
 */

import type { TraceEvent } from "../nodes/trace.ts";

/**
 * One scenario. `run` prints through `out` (one line per call) and must be deterministic.
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
  /** Flags the scenario accepts after its name (e.g. `--plain`); none if absent. */
  readonly flags?: readonly string[];
  run(out: (line: string) => void, flags?: readonly string[]): void | Promise<void>;
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
): Promise<string[]> {
  const lines: string[] = [];
  await s.run((l) => lines.push(l), flags);
  return lines;
}

/**
 * Formats rows as a fixed-width text table (first row is the header).
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
  for (const r of cells) r.forEach((c, i) => widths[i] = Math.max(widths[i] ?? 0, c.length));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
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
