/**
 * JSON Lines histories: parse and format the format described in DESIGN.md
 * ("Histories"), one {@link HistoryEvent} per line.
 *
 * @module
 */

import type { EventType, HistoryEvent } from "./event.ts";
import { HistoryParseError } from "./parse_error.ts";

const EVENT_TYPES: ReadonlySet<string> = new Set<EventType>(["invoke", "ok", "fail", "info"]);

/** A pending invocation, kept per process while parsing. */
interface Pending {
  readonly line: number;
  readonly f: string;
  readonly key: string | undefined;
}

/**
 * Parses a JSON Lines history. Blank lines are ignored; unknown fields are dropped.
 *
 * Every line must be a JSON object with an integer `process`, a `type` of `invoke`,
 * `ok`, `fail` or `info`, a non-empty string `f` and a finite number `time`; `key`,
 * `node` and `error` must be strings when present. A process has at most one pending
 * invocation: a completion needs one (with the same `f`, and the same `key` when both
 * name one), and a second invoke while one is pending is an error. Time need not be
 * monotonic (hosts with skewed clocks produce such histories; pairing copes with it).
 *
 * @throws {HistoryParseError} with the 1-based line number and the reason.
 *
 * @example
 * ```ts
 * import { parseHistory } from "./jsonl.ts";
 * const events = parseHistory(
 *   '{"process":0,"type":"invoke","f":"read","key":"x","time":1}\n' +
 *     '{"process":0,"type":"ok","f":"read","key":"x","value":null,"time":2}\n',
 * );
 * events.length; // 2
 * ```
 */
export function parseHistory(text: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const pending = new Map<number, Pending>();
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lineNo++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === "") continue;
    const event = parseLine(line, lineNo);
    const open = pending.get(event.process);
    if (event.type === "invoke") {
      if (open !== undefined) {
        throw new HistoryParseError(
          lineNo,
          `process ${event.process} invoked "${event.f}" while its "${open.f}" from line ${open.line} is still pending`,
        );
      }
      pending.set(event.process, { line: lineNo, f: event.f, key: event.key });
    } else {
      if (open === undefined) {
        throw new HistoryParseError(
          lineNo,
          `"${event.type}" completion for process ${event.process} has no pending invoke`,
        );
      }
      if (open.f !== event.f) {
        throw new HistoryParseError(
          lineNo,
          `completion f "${event.f}" does not match the pending invoke's f "${open.f}" (line ${open.line})`,
        );
      }
      if (open.key !== undefined && event.key !== undefined && open.key !== event.key) {
        throw new HistoryParseError(
          lineNo,
          `completion key "${event.key}" does not match the pending invoke's key "${open.key}" (line ${open.line})`,
        );
      }
      pending.delete(event.process);
    }
    events.push(event);
  }
  return events;
}

function parseLine(line: string, lineNo: number): HistoryEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    throw new HistoryParseError(lineNo, `invalid JSON: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new HistoryParseError(lineNo, "expected a JSON object");
  }
  const o = raw as Record<string, unknown>;
  const { process, type, f, time, key, node, error } = o;
  if (typeof process !== "number" || !Number.isSafeInteger(process)) {
    throw new HistoryParseError(lineNo, "`process` must be an integer");
  }
  if (typeof type !== "string" || !EVENT_TYPES.has(type)) {
    throw new HistoryParseError(lineNo, '`type` must be "invoke", "ok", "fail" or "info"');
  }
  if (typeof f !== "string" || f === "") {
    throw new HistoryParseError(lineNo, "`f` must be a non-empty string");
  }
  if (typeof time !== "number" || !Number.isFinite(time)) {
    throw new HistoryParseError(lineNo, "`time` must be a finite number of nanoseconds");
  }
  if (key !== undefined && typeof key !== "string") {
    throw new HistoryParseError(lineNo, "`key` must be a string when present");
  }
  if (node !== undefined && typeof node !== "string") {
    throw new HistoryParseError(lineNo, "`node` must be a string when present");
  }
  if (error !== undefined && typeof error !== "string") {
    throw new HistoryParseError(lineNo, "`error` must be a string when present");
  }
  return makeEvent(process, type as EventType, f, key, o.value, time, node, error);
}

/** Builds an event with the fields in the canonical order, leaving out absent ones. */
function makeEvent(
  process: number,
  type: EventType,
  f: string,
  key: string | undefined,
  value: unknown,
  time: number,
  node: string | undefined,
  error: string | undefined,
): HistoryEvent {
  // Fields are added in output order; `time` comes after `key` and `value`.
  const e = { process, type, f } as {
    process: number;
    type: EventType;
    f: string;
    key?: string;
    value?: unknown;
    time: number;
    node?: string;
    error?: string;
  };
  if (key !== undefined) e.key = key;
  if (value !== undefined) e.value = value;
  e.time = time;
  if (node !== undefined) e.node = node;
  if (error !== undefined) e.error = error;
  return e;
}

/**
 * Formats events as JSON Lines: one object per line, fields in the order `process`,
 * `type`, `f`, `key`, `value`, `time`, `node`, `error` (absent ones left out), with a
 * trailing newline. `parseHistory(formatHistory(events))` gives the events back.
 *
 * @example
 * ```ts
 * import { formatHistory } from "./jsonl.ts";
 * formatHistory([{ process: 1, type: "invoke", f: "write", key: "x", value: 3, time: 5 }]);
 * // '{"process":1,"type":"invoke","f":"write","key":"x","value":3,"time":5}\n'
 * ```
 */
export function formatHistory(events: readonly HistoryEvent[]): string {
  let out = "";
  for (const e of events) {
    out += JSON.stringify(
      makeEvent(e.process, e.type, e.f, e.key, e.value, e.time, e.node, e.error),
    ) + "\n";
  }
  return out;
}

/**
 * Reads a history that is still being written: the JSON Lines events that parse, and
 * nothing of the others (a torn last line is read next time). For a complete history,
 * use {@link parseHistory}, which reports the first bad line.
 *
 * @example
 * ```ts
 * import { readGrowingHistory } from "./jsonl.ts";
 * readGrowingHistory('{"process":0,"type":"invoke","f":"read","key":"x","time":1}\nnot json\n').length; // 1
 * ```
 */
export function readGrowingHistory(text: string): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  for (const line of text.split("\n")) {
    const s = line.trim();
    if (s === "") continue;
    try {
      const e = JSON.parse(s);
      if (
        e !== null && typeof e === "object" && typeof e.process === "number" &&
        typeof e.type === "string" && typeof e.time === "number"
      ) {
        out.push(e as HistoryEvent);
      }
    } catch {
      // A torn last line while the history grows: read it next time.
    }
  }
  return out;
}
