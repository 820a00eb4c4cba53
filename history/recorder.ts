/**
 * A history recorder for hosts (the simulator, the Worker cluster, the HTTP API): it
 * appends {@link HistoryEvent}s as clients invoke and complete operations. Hosts supply
 * the time, so the recorder stays pure.
 *
 * @module
 */

import type { HistoryEvent } from "./event.ts";

/**
 * What a host calls to record a history.
 *
 * @example
 * ```ts
 * import type { HistoryRecorder } from "./recorder.ts";
 * function recordRead(rec: HistoryRecorder, p: number, key: string, t0: number): void {
 *   rec.invoke(p, "read", key, undefined, t0);
 * }
 * ```
 */
export interface HistoryRecorder {
  /**
   * Records that `process` invoked `f` on `key` (or no key) with `value` (`undefined`
   * for reads) at `timeNs`. Throws if the process already has a pending invocation.
   */
  invoke(process: number, f: string, key: string | undefined, value: unknown, timeNs: number): void;
  /**
   * Records the completion of `process`'s pending invocation: `ok` (with the read value,
   * or the written one), `fail` (it did not happen) or `info` (unknown). Throws if the
   * process has nothing pending.
   */
  complete(
    process: number,
    type: "ok" | "fail" | "info",
    value: unknown,
    timeNs: number,
    error?: string,
  ): void;
  /** Processes with an invocation still pending, ascending. */
  pending(): number[];
  /** A copy of the events recorded so far, in recording order. */
  events(): HistoryEvent[];
}

/**
 * Creates an empty {@link HistoryRecorder}.
 *
 * @example
 * ```ts
 * import { createHistoryRecorder } from "./recorder.ts";
 * const rec = createHistoryRecorder();
 * rec.invoke(0, "write", "x", 1, 100);
 * rec.complete(0, "ok", 1, 250);
 * rec.events().length; // 2
 * ```
 */
export function createHistoryRecorder(): HistoryRecorder {
  const log: HistoryEvent[] = [];
  const open = new Map<number, { f: string; key: string | undefined }>();
  return {
    invoke(process, f, key, value, timeNs) {
      if (open.has(process)) {
        throw new Error(`process ${process} already has a pending "${open.get(process)!.f}"`);
      }
      open.set(process, { f, key });
      log.push(event(process, "invoke", f, key, value, timeNs, undefined));
    },
    complete(process, type, value, timeNs, error) {
      const inv = open.get(process);
      if (inv === undefined) throw new Error(`process ${process} has no pending invocation`);
      open.delete(process);
      log.push(event(process, type, inv.f, inv.key, value, timeNs, error));
    },
    pending: () => [...open.keys()].sort((a, b) => a - b),
    events: () => log.slice(),
  };
}

function event(
  process: number,
  type: HistoryEvent["type"],
  f: string,
  key: string | undefined,
  value: unknown,
  time: number,
  error: string | undefined,
): HistoryEvent {
  const e: { -readonly [K in keyof HistoryEvent]: HistoryEvent[K] } = { process, type, f, time };
  if (key !== undefined) e.key = key;
  if (value !== undefined) e.value = value;
  if (error !== undefined) e.error = error;
  return e;
}
