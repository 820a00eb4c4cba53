/**
 * Trace events of a run, a stable hash of a trace (for `--trace-hash`), and export in
 * ShiViz's log format.
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { VectorClock } from "../clocks/vector.ts";
import { withVectorClocks } from "../clocks/trace_vectors.ts";

/**
 * The kinds of event the runtimes themselves trace; protocols add their own kinds.
 *
 * @example
 * ```ts
 * import type { HostEventKind } from "./trace.ts";
 * const kinds: HostEventKind[] = ["send", "deliver", "drop"];
 * ```
 */
export type HostEventKind =
  | "send"
  | "deliver"
  | "drop"
  | "duplicate"
  | "tick"
  | "crash"
  | "restart"
  | "pause"
  | "resume"
  | "request"
  | "reply"
  | "fault"
  | "sync";

/**
 * Every {@link HostEventKind}, for validating filters.
 *
 * @example
 * ```ts
 * import { HOST_EVENT_KINDS } from "./trace.ts";
 * HOST_EVENT_KINDS.includes("crash"); // true
 * ```
 */
export const HOST_EVENT_KINDS: readonly HostEventKind[] = [
  "send",
  "deliver",
  "drop",
  "duplicate",
  "tick",
  "crash",
  "restart",
  "pause",
  "resume",
  "request",
  "reply",
  "fault",
  "sync",
];

/**
 * One event of a run.
 *
 * @example
 * ```ts
 * import type { TraceEvent } from "./trace.ts";
 * const e: TraceEvent = { time: 12.5, kind: "drop", node: "n2", peer: "n1", reason: "partition" };
 * ```
 */
export interface TraceEvent {
  /** True (host) time in ms. */
  readonly time: number;
  readonly kind: HostEventKind | string;
  readonly node: NodeId;
  /** The other end of a message. */
  readonly peer?: NodeId;
  readonly body?: unknown;
  readonly reason?: string;
  readonly lamport?: number;
  /** The node's vector clock, when the runtime keeps one (the Worker runtime does). */
  readonly vclock?: VectorClock;
  /**
   * The node's own vector-clock entry at the event: how many sends, deliveries and
   * requests it has had. With {@link vcFrom} it lets the vectors be derived from the
   * trace (`clocks/trace_vectors.ts`) when the runtime keeps none (the simulator).
   */
  readonly vc?: number;
  /** On a `deliver`: the sender's own vector entry at the send. */
  readonly vcFrom?: number;
  readonly data?: unknown;
}

/**
 * A 64-bit FNV-1a–style hash over the trace, kept as two 32-bit halves.
 *
 * @example
 * ```ts
 * import { TraceHasher } from "./trace.ts";
 * const h = new TraceHasher();
 * h.add({ time: 1, kind: "tick", node: "n1" });
 * h.hex().length; // 16
 * ```
 */
export class TraceHasher {
  #a = 0x811c9dc5;
  #b = 0x01000193 ^ 0x5bd1e995;
  /** Events folded in. */
  count = 0;

  add(e: TraceEvent): void {
    this.addString(stableLine(e));
    this.count++;
  }

  addString(s: string): void {
    let a = this.#a, b = this.#b;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 16777619);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a = Math.imul(a ^ 10, 16777619);
    this.#a = a;
    this.#b = b;
  }

  hex(): string {
    return (this.#a >>> 0).toString(16).padStart(8, "0") +
      (this.#b >>> 0).toString(16).padStart(8, "0");
  }
}

/**
 * One event as a stable single line (used for hashing and text traces).
 *
 * @example
 * ```ts
 * import { stableLine } from "./trace.ts";
 * stableLine({ time: 2, kind: "tick", node: "n1" }); // "2 tick n1"
 * ```
 */
export function stableLine(e: TraceEvent): string {
  let s = `${e.time} ${e.kind} ${e.node}`;
  if (e.peer !== undefined) s += ` ${e.peer}`;
  if (e.reason !== undefined) s += ` ${e.reason}`;
  if (e.lamport !== undefined) s += ` L${e.lamport}`;
  if (e.body !== undefined) s += ` ${JSON.stringify(e.body)}`;
  if (e.data !== undefined) s += ` ${JSON.stringify(e.data)}`;
  return s;
}

/**
 * The regular expression to give ShiViz for logs made by {@link toShiViz}.
 *
 * @example
 * ```ts
 * import { SHIVIZ_REGEX } from "./trace.ts";
 * SHIVIZ_REGEX.startsWith("(?<event>"); // true
 * ```
 */
export const SHIVIZ_REGEX = String.raw`(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`;

/**
 * Formats events for ShiViz (https://bestchai.bitbucket.io/shiviz/): per event, a line
 * describing it and a line `host {vector clock}`. Use the parser regex
 * `(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`. Events without a vector clock (ticks)
 * are left out; events stamped only with their own entry (`vc`, as the simulator's are)
 * get the vector derived from the trace (`clocks/trace_vectors.ts`).
 *
 * @example
 * ```ts
 * import { toShiViz } from "./trace.ts";
 * toShiViz([{ time: 1, kind: "send", node: "n1", peer: "n2", vclock: { n1: 1 } }]);
 * ```
 */
export function toShiViz(events: Iterable<TraceEvent>): string {
  const lines: string[] = [];
  for (const e of withVectorClocks(events)) {
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

function summary(body: unknown): string {
  const s = JSON.stringify(body) ?? "";
  return s.length > 120 ? s.slice(0, 117) + "..." : s;
}
