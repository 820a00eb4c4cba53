/**
 * The error {@link import("./jsonl.ts").parseHistory} throws for a malformed history line.
 *
 * @module
 */

/**
 * A history line that is not a valid event, or an event that does not fit the events
 * before it (a completion with no pending invoke, a second invoke while one is pending).
 *
 * @example
 * ```ts
 * import { HistoryParseError } from "./parse_error.ts";
 * const e = new HistoryParseError(3, "invalid JSON");
 * e.message; // "line 3: invalid JSON"
 * ```
 */
export class HistoryParseError extends Error {
  /** 1-based line number in the parsed text. */
  readonly line: number;
  /** What is wrong with the line, without the line number. */
  readonly reason: string;

  /** Builds the error for `line` (1-based) with a human-readable `reason`. */
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = "HistoryParseError";
    this.line = line;
    this.reason = reason;
  }
}
