/**
 * Operations: each invocation paired with its completion, the unit the checkers work on.
 *
 * @module
 */

import type { HistoryEvent } from "./event.ts";

/**
 * How an operation ended: `ok` (it happened), `fail` (it definitely did not), `info`
 * (unknown: it may take effect at any time after its call, or never). An invocation that
 * never completes is `info` too.
 *
 * @example
 * ```ts
 * import type { OperationStatus } from "./operations.ts";
 * const s: OperationStatus = "info";
 * ```
 */
export type OperationStatus = "ok" | "fail" | "info";

/**
 * One client operation: an invocation and its completion.
 *
 * @example
 * ```ts
 * import type { Operation } from "./operations.ts";
 * const op: Operation = {
 *   id: 0, process: 1, f: "read", key: "x", input: undefined, output: 3,
 *   call: 100, ret: 250, status: "ok",
 * };
 * ```
 */
export interface Operation {
  /** Index in invocation order, from 0. */
  readonly id: number;
  readonly process: number;
  readonly f: string;
  readonly key?: string;
  /** The invocation's `value` (what was written; `[expected, new]` for a cas). */
  readonly input: unknown;
  /** The completion's `value` (what was read); not meaningful for `info`. */
  readonly output: unknown;
  /** Invocation time, ns. */
  readonly call: number;
  /** Completion time, ns; `Infinity` for `info` and for operations that never completed. */
  readonly ret: number;
  readonly status: OperationStatus;
}

/**
 * Pairs each invocation with the next completion of the same process. Operations are
 * numbered in invocation order. `info` completions and invocations that never complete
 * get `ret: Infinity`. A completion stamped earlier than its invocation (skewed clocks)
 * is moved to the invocation's time, so `call <= ret` always holds.
 *
 * @throws {Error} if a completion has no pending invocation or a process invokes twice
 *   (use {@link import("./jsonl.ts").parseHistory} first for line-numbered errors).
 *
 * @example
 * ```ts
 * import { toOperations } from "./operations.ts";
 * const ops = toOperations([
 *   { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 10 },
 *   { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 20 },
 * ]);
 * ops[0].ret; // 20
 * ```
 */
export function toOperations(events: readonly HistoryEvent[]): Operation[] {
  return pair(events, false);
}

/**
 * An operation as a live view sees it: like {@link Operation}, and `pending` while its
 * completion has not arrived yet, and the `node` that answered it.
 *
 * @example
 * ```ts
 * import type { LiveOperation } from "./operations.ts";
 * const op: LiveOperation = {
 *   id: 0, process: 1, f: "read", key: "x", input: undefined, output: 3,
 *   call: 10, ret: 20, status: "ok", pending: false, node: "n2",
 * };
 * ```
 */
export interface LiveOperation {
  readonly id: number;
  readonly process: number;
  readonly f: string;
  readonly key?: string;
  input: unknown;
  output: unknown;
  readonly call: number;
  ret: number;
  status: OperationStatus;
  pending: boolean;
  node?: string;
}

/**
 * Pairs a history that is still growing, as the dashboard reads it: the same ids and
 * `ret` rules as {@link toOperations}, but it never throws — a stray completion is
 * ignored, and an invocation while one is pending closes the older one as `info`.
 *
 * @example
 * ```ts
 * import { pairLiveOperations } from "./operations.ts";
 * const ops = pairLiveOperations([
 *   { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 10 },
 *   { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 20 },
 * ]);
 * ops[0]?.ret; // 20
 * ```
 */
export function pairLiveOperations(
  events: readonly (HistoryEvent & { readonly node?: string })[],
): LiveOperation[] {
  return pair(events, true) as LiveOperation[];
}

type Paired =
  & { -readonly [K in keyof LiveOperation]?: LiveOperation[K] }
  & {
    -readonly [K in keyof Operation]: Operation[K];
  };

/**
 * The one pairing loop. Strict (the checker's): an anomaly throws. Live (the page's): an
 * anomaly is passed over, and each operation says whether it is `pending` and which
 * `node` answered.
 */
function pair(
  events: readonly (HistoryEvent & { readonly node?: string })[],
  live: boolean,
): Paired[] {
  const ops: Paired[] = [];
  const open = new Map<number, Paired>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type === "invoke") {
      const older = open.get(e.process);
      if (older !== undefined) {
        if (!live) {
          throw new Error(`event ${i}: process ${e.process} invoked while an operation is pending`);
        }
        older.pending = false;
      }
      const op: Paired = {
        id: ops.length,
        process: e.process,
        f: e.f,
        input: e.value,
        output: undefined,
        call: e.time,
        ret: Infinity,
        status: "info",
      };
      if (live) op.pending = true;
      if (e.key !== undefined) op.key = e.key;
      ops.push(op);
      open.set(e.process, op);
      continue;
    }
    const op = open.get(e.process);
    if (op === undefined) {
      if (live) continue;
      throw new Error(`event ${i}: "${e.type}" for process ${e.process} has no pending invoke`);
    }
    open.delete(e.process);
    op.status = e.type;
    op.output = e.value;
    if (live) {
      op.pending = false;
      if (e.node !== undefined) op.node = e.node;
    }
    if (e.type !== "info") op.ret = Math.max(e.time, op.call);
  }
  return ops;
}
