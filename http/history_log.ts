/**
 * The client history the API records: every KV request (and every protocol operation sent
 * through `/ops`, keyed by its `key` when it has one) as an `invoke` and then one of
 * `ok`, `fail` (it did not happen) or `info` (unknown), in the JSON Lines format of
 * `history/` that `deno task check-history` and outside checkers read.
 *
 * It keeps the newest `limit` events in a ring: a long-running cluster's history costs a
 * fixed amount of memory, and what was dropped is said by {@link HistoryLog.window} (the
 * `/history` endpoint's `x-history-*` headers). A completion whose invocation was dropped
 * is left out too, so the served history never holds a completion without its invocation.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";

/**
 * The default number of history events kept (some 300 B each: about 30 MB).
 *
 * @example
 * ```ts
 * import { DEFAULT_HISTORY_LIMIT, HistoryLog } from "./history_log.ts";
 * new HistoryLog(() => 0).limit === DEFAULT_HISTORY_LIMIT; // true
 * ```
 */
export const DEFAULT_HISTORY_LIMIT = 100_000;

/**
 * Which part of the history a {@link HistoryLog} still holds. Event numbers count every
 * event ever recorded, from 0.
 *
 * @example
 * ```ts
 * import type { HistoryWindow } from "./history_log.ts";
 * const w: HistoryWindow = { first: 900, next: 1000, dropped: 900, firstTimeNs: 123 };
 * ```
 */
export interface HistoryWindow {
  /** The number of the oldest event kept (0 when nothing was dropped). */
  readonly first: number;
  /** The number the next event will get: every event recorded so far. */
  readonly next: number;
  /** Events dropped, oldest first, to keep within the limit (`first`). */
  readonly dropped: number;
  /** The time of the oldest event kept, ns; undefined when the history is empty. */
  readonly firstTimeNs: number | undefined;
}

type MutableEvent = { -readonly [K in keyof HistoryEvent]: HistoryEvent[K] };

/**
 * A bounded history with host time in nanoseconds: the newest `limit` events.
 *
 * @example
 * ```ts
 * import { HistoryLog } from "./history_log.ts";
 * let t = 0;
 * const log = new HistoryLog(() => t++);
 * log.invoke(1, "write", "x", 5);
 * log.complete(1, "ok", 5, "n1");
 * log.jsonl(); // two lines
 * ```
 */
export class HistoryLog {
  readonly #nowNs: () => number;
  readonly #limit: number;
  /** Event `i` is at `i % limit`; grown on demand up to `limit`, then reused. */
  readonly #ring: HistoryEvent[] = [];
  /** For a completion at slot `i % limit`: the number of its invocation (else -1). */
  #invokedAt: Float64Array;
  /** Invocations in flight, by process: their event number, f and key. */
  readonly #open = new Map<number, { at: number; f: string; key: string | undefined }>();
  #next = 0;

  /** `nowNs` is monotonic nanoseconds; the newest `limit` (at least 2) events are kept. */
  constructor(nowNs: () => number, limit = DEFAULT_HISTORY_LIMIT) {
    if (!(Number.isSafeInteger(limit) && limit >= 2)) {
      throw new RangeError(`history limit must be an integer of at least 2, got ${limit}`);
    }
    this.#nowNs = nowNs;
    this.#limit = limit;
    this.#invokedAt = new Float64Array(Math.min(limit, 1 << 16));
  }

  /** The most events kept. */
  get limit(): number {
    return this.#limit;
  }

  /** Whether old events were dropped because the history reached its limit. */
  get truncated(): boolean {
    return this.#next > this.#limit;
  }

  /** What is kept and what was dropped. */
  window(): HistoryWindow {
    const first = Math.max(0, this.#next - this.#limit);
    return {
      first,
      next: this.#next,
      dropped: first,
      firstTimeNs: this.#next === 0 ? undefined : this.#ring[first % this.#limit]!.time,
    };
  }

  /** Whether `process` has an operation in flight. */
  isPending(process: number): boolean {
    return this.#open.has(process);
  }

  /**
   * Records an invocation. Returns true (kept for callers written when a full history
   * refused new invocations). Throws if `process` already has one in flight.
   */
  invoke(process: number, f: string, key: string | undefined, value: unknown): boolean {
    const inv = this.#open.get(process);
    if (inv !== undefined) {
      throw new Error(`process ${process} already has a pending "${inv.f}"`);
    }
    const at = this.#next;
    this.#open.set(process, { at, f, key });
    const e: MutableEvent = { process, type: "invoke", f, time: this.#nowNs() };
    if (key !== undefined) e.key = key;
    if (value !== undefined) e.value = value;
    this.#push(e, -1);
    return true;
  }

  /** Records the completion of `process`'s invocation (served by `node`, when known). */
  complete(
    process: number,
    type: "ok" | "fail" | "info",
    value: unknown,
    node?: string,
    error?: string,
  ): void {
    const inv = this.#open.get(process);
    if (inv === undefined) throw new Error(`process ${process} has no pending invocation`);
    this.#open.delete(process);
    const e: MutableEvent = { process, type, f: inv.f, time: this.#nowNs() };
    if (inv.key !== undefined) e.key = inv.key;
    if (value !== undefined) e.value = value;
    if (node !== undefined) e.node = node;
    if (error !== undefined) e.error = error;
    this.#push(e, inv.at);
  }

  /**
   * The events kept, oldest first, with the serving node where known; a completion whose
   * invocation was dropped is left out.
   */
  events(): HistoryEvent[] {
    const out: HistoryEvent[] = [];
    this.#each((e) => out.push(e));
    return out;
  }

  /** The history as JSON Lines (one event per line, each line ending in `\n`). */
  jsonl(): string {
    const lines: string[] = [];
    this.#each((e) => lines.push(JSON.stringify(e)));
    return lines.length === 0 ? "" : lines.join("\n") + "\n";
  }

  #each(f: (e: HistoryEvent) => void): void {
    const first = Math.max(0, this.#next - this.#limit);
    for (let i = first; i < this.#next; i++) {
      const slot = i % this.#limit;
      const e = this.#ring[slot]!;
      if (e.type !== "invoke" && this.#invokedAt[slot]! < first) continue;
      f(e);
    }
  }

  #push(e: HistoryEvent, invokedAt: number): void {
    const slot = this.#next % this.#limit;
    if (slot === this.#ring.length) this.#ring.push(e);
    else this.#ring[slot] = e;
    this.#slots(slot)[slot] = invokedAt;
    this.#next++;
  }

  /** The completion index array, doubled (up to `limit`) when `slot` is past its end. */
  #slots(slot: number): Float64Array {
    if (slot < this.#invokedAt.length) return this.#invokedAt;
    const grown = new Float64Array(Math.min(this.#limit, this.#invokedAt.length * 2));
    grown.set(this.#invokedAt);
    return this.#invokedAt = grown;
  }
}
