/**
 * The client history the API records: every KV request (and every protocol operation sent
 * through `/ops`, keyed by its `key` when it has one) as an `invoke` and then one of
 * `ok`, `fail` (it did not happen) or `info` (unknown), in the JSON Lines format of
 * `history/` that `deno task check-history` and outside checkers read.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import { createHistoryRecorder, type HistoryRecorder } from "../history/recorder.ts";

/**
 * A bounded history with host time in nanoseconds.
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
  readonly #recorder: HistoryRecorder = createHistoryRecorder();
  readonly #nowNs: () => number;
  readonly #limit: number;
  /** Nodes that served each completion, by event index (kept beside the recorder). */
  readonly #nodes: (string | undefined)[] = [];
  /** Processes with an invocation in flight (the recorder's `pending()` sorts a copy). */
  readonly #pending = new Set<number>();
  #count = 0;
  #truncated = false;

  /** `nowNs` is monotonic nanoseconds; at most `limit` events are kept. */
  constructor(nowNs: () => number, limit = 1_000_000) {
    this.#nowNs = nowNs;
    this.#limit = limit;
  }

  /** Whether events were left out because the history reached its limit. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** Whether `process` has an operation in flight. */
  isPending(process: number): boolean {
    return this.#pending.has(process);
  }

  /**
   * Records an invocation; returns false (recording nothing) once the history is full,
   * so that a history never holds an invocation without its completion.
   */
  invoke(process: number, f: string, key: string | undefined, value: unknown): boolean {
    if (this.#count + 2 > this.#limit) {
      this.#truncated = true;
      return false;
    }
    this.#recorder.invoke(process, f, key, value, this.#nowNs());
    this.#pending.add(process);
    this.#count++;
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
    this.#recorder.complete(process, type, value, this.#nowNs(), error);
    this.#pending.delete(process);
    if (node !== undefined) this.#nodes[this.#count] = node;
    this.#count++;
  }

  /** Every event so far, with the serving node where known. */
  events(): HistoryEvent[] {
    return this.#recorder.events().map((e, i) => {
      const node = this.#nodes[i];
      return node === undefined ? e : { ...e, node };
    });
  }

  /** The history as JSON Lines (one event per line, each line ending in `\n`). */
  jsonl(): string {
    let out = "";
    for (const e of this.events()) out += JSON.stringify(e) + "\n";
    return out;
  }
}
