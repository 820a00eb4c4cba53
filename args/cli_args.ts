/**
 * Small parsers shared by the command-line entry points. Each throws an `Error` whose
 * message is the one line to show the user.
 *
 * @module
 */

/**
 * Parses a duration: `500ms`, `30s`, `2m`; a bare number is seconds.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./cli_args.ts";
 * parseDuration("30s"); // 30000
 * ```
 */
export function parseDuration(text: string, name = "duration"): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`invalid --${name} '${text}': expected e.g. 500ms, 30s, 2m`);
  const n = Number(m[1]);
  return m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
}

/**
 * Parses a whole number flag within bounds.
 *
 * @example
 * ```ts
 * import { parseInteger } from "./cli_args.ts";
 * parseInteger("5", "nodes", 1, 99); // 5
 * ```
 */
export function parseInteger(text: string, name: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new Error(`invalid --${name} '${text}': not an integer`);
  const n = Number(text);
  if (n < min || n > max) {
    throw new Error(`invalid --${name} '${text}': must be between ${min} and ${max}`);
  }
  return n;
}

/**
 * Parses repeated `--option key=value` flags; values are JSON when they parse as JSON,
 * strings otherwise.
 *
 * @example
 * ```ts
 * import { parseOptionPairs } from "./cli_args.ts";
 * parseOptionPairs(["intervalMs=50", "detector=fixed"]); // { intervalMs: 50, detector: "fixed" }
 * ```
 */
export function parseOptionPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    const key = i > 0 ? p.slice(0, i).trim() : "";
    if (key === "") throw new Error(`--option wants key=value, got '${p}'`);
    // Option names are identifiers; `__proto__` and friends would silently vanish.
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || key === "constructor" || key === "prototype") {
      throw new Error(`--option: '${key}' is not an option name (letters, digits, _)`);
    }
    const v = p.slice(i + 1);
    try {
      out[key] = JSON.parse(v);
    } catch {
      out[key] = v; // not JSON: keep the text (detector=fixed)
    }
  }
  return out;
}

/**
 * An error as one line: `node:util`'s `parseArgs` explains some over several.
 *
 * @example
 * ```ts
 * import { oneLineMessage } from "./cli_args.ts";
 * oneLineMessage(new Error("a\nb")); // "a b"
 * ```
 */
export function oneLineMessage(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Drops a leading `--` (npm habit; `deno task` passes it through).
 *
 * @example
 * ```ts
 * import { stripDashDash } from "./cli_args.ts";
 * stripDashDash(["--", "--nodes", "3"]); // ["--nodes", "3"]
 * ```
 */
export function stripDashDash(args: readonly string[]): string[] {
  return args[0] === "--" ? args.slice(1) : [...args];
}
