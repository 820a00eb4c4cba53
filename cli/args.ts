/**
 * Parsing the CLI's arguments: the command table's shape, `node:util` `parseArgs` with
 * the global options (`--url`, `--token`, `--json`, `--help`) and each command's own,
 * and the small parsers for values, node lists, probabilities and clock skews. Every
 * error is a one-line {@link UsageError} (exit code 2).
 *
 * @module
 */

import { parseArgs } from "node:util";

/**
 * Bad command-line input; the message is one line.
 *
 * @example
 * ```ts
 * import { UsageError } from "./args.ts";
 * new UsageError("put needs KEY VALUE").name; // "UsageError"
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * One option of a command (`parseArgs` style).
 *
 * @example
 * ```ts
 * import type { OptionSpec } from "./args.ts";
 * const drop: OptionSpec = { type: "string", arg: "P", help: "probability a message is lost" };
 * ```
 */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** For the help text. */
  readonly help: string;
  /** For the help text, e.g. `P` in `--drop P`. */
  readonly arg?: string;
}

/**
 * The options every command takes.
 *
 * @example
 * ```ts
 * import { GLOBAL_OPTIONS } from "./args.ts";
 * Object.keys(GLOBAL_OPTIONS); // ["url", "token", "json", "retries", "help"]
 * ```
 */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  url: {
    type: "string",
    arg: "URL",
    help: "the API (default $DISTLAB_URL or http://127.0.0.1:8080)",
  },
  token: { type: "string", arg: "T", help: "bearer token (default $DISTLAB_TOKEN)" },
  json: { type: "boolean", help: "print the server's JSON instead of text" },
  retries: { type: "string", arg: "N", help: "retries of a 503, with backoff (default 4)" },
  help: { type: "boolean", short: "h", help: "show help" },
};

/**
 * A command's parsed arguments.
 *
 * @example
 * ```ts
 * import type { ParsedArgs } from "./args.ts";
 * const p: ParsedArgs = { positionals: ["x"], values: { json: true } };
 * ```
 */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

/**
 * Parses `argv` (after the command name) against the global options and `options`.
 *
 * @example
 * ```ts
 * import { parseCommandArgs } from "./args.ts";
 * const p = parseCommandArgs(["k", "--consistency", "stale", "--json"], {
 *   consistency: { type: "string", help: "" },
 * });
 * p.positionals; // ["k"]
 * p.values.consistency; // "stale"
 * ```
 */
export function parseCommandArgs(
  argv: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
): ParsedArgs {
  const all: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, o] of Object.entries({ ...GLOBAL_OPTIONS, ...options })) {
    all[name] = o.short === undefined ? { type: o.type } : { type: o.type, short: o.short };
  }
  // A negative number (a skew of -50ms, a CAS value of -1) is a value, not an option:
  // hide it from parseArgs behind a placeholder and put it back afterwards.
  const negatives: string[] = [];
  const args = argv.map((a) => {
    if (!/^-\d/.test(a)) return a;
    negatives.push(a);
    return `\u0000${negatives.length - 1}`;
  });
  const restore = (v: string) => v.startsWith("\u0000") ? negatives[Number(v.slice(1))]! : v;
  try {
    const { positionals, values } = parseArgs({
      args,
      options: all,
      strict: true,
      allowPositionals: true,
      allowNegative: false,
    });
    const vals: Record<string, string | boolean | undefined> = {};
    for (const [k, v] of Object.entries(values)) {
      vals[k] = typeof v === "string" ? restore(v) : v as boolean;
    }
    return { positionals: positionals.map(restore), values: vals };
  } catch (e) {
    throw new UsageError((e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, " "));
  }
}

/**
 * A value as typed on the command line: JSON when it parses as JSON, else the string.
 *
 * @example
 * ```ts
 * import { parseValue } from "./args.ts";
 * parseValue("42"); // 42
 * parseValue('{"a":1}'); // { a: 1 }
 * parseValue("hello"); // "hello"
 * ```
 */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A node id as typed: non-empty, no commas or spaces.
 *
 * @example
 * ```ts
 * import { parseNode } from "./args.ts";
 * parseNode("n3", "NODE"); // "n3"
 * ```
 */
export function parseNode(text: string, what: string): string {
  if (!/^[A-Za-z0-9_*-]+$/.test(text)) {
    throw new UsageError(`${what} must be a node id, got '${text}'`);
  }
  return text;
}

/**
 * A comma-separated group of node ids: `n1,n2`.
 *
 * @example
 * ```ts
 * import { parseNodeList } from "./args.ts";
 * parseNodeList("n1,n2"); // ["n1", "n2"]
 * ```
 */
export function parseNodeList(text: string): string[] {
  const ids = text.split(",").map((s) => s.trim());
  if (ids.some((s) => s === "" || s === "*")) {
    throw new UsageError(`a group is node ids separated by commas, e.g. n1,n2; got '${text}'`);
  }
  return ids.map((s) => parseNode(s, "a group member"));
}

/**
 * A number from a flag, optionally within [min, max].
 *
 * @example
 * ```ts
 * import { parseNumber } from "./args.ts";
 * parseNumber("0.2", "--drop", 0, 1); // 0.2
 * ```
 */
export function parseNumber(text: string, flag: string, min = -Infinity, max = Infinity): number {
  const n = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    const range = min === -Infinity ? "a number" : `a number from ${min} to ${max}`;
    throw new UsageError(`${flag} must be ${range}, got '${text}'`);
  }
  return n;
}

/**
 * A clock skew: `+200ms`, `-50ms`, `1.5s`, `0` (a bare number is milliseconds).
 *
 * @example
 * ```ts
 * import { parseSkew } from "./args.ts";
 * parseSkew("+200ms"); // 200
 * parseSkew("-1.5s"); // -1500
 * ```
 */
export function parseSkew(text: string): number {
  const m = /^([+-]?)(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) throw new UsageError(`a skew is e.g. +200ms, -50ms or 1s; got '${text}'`);
  const ms = Number(m[2]) * (m[3] === "s" ? 1000 : 1);
  return m[1] === "-" ? -ms : ms;
}
