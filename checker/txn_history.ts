/**
 * Transactions as the transactional checkers see them: each `txn` operation of a
 * history, with its micro-operations `[f, key, value]` (the completed ones when it
 * committed, the requested ones otherwise), how it ended, and when. Also: a reply
 * whose transaction does not match its request (another length, function, key or
 * written value) is malformed.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import { toOperations } from "../history/operations.ts";
import { canonicalJson } from "./canonical_json.ts";

/**
 * One micro-operation: `["r", key, value]`, `["w", key, value]` or `["append", key, value]`.
 *
 * @example
 * ```ts
 * import type { MicroOp } from "./txn_history.ts";
 * const read: MicroOp = ["r", 5, [1, 2]];
 * ```
 */
export type MicroOp = readonly [f: string, key: unknown, value: unknown];

/**
 * One transaction of a history. `id` is its index in invocation order: `T<id>`.
 *
 * @example
 * ```ts
 * import type { Txn } from "./txn_history.ts";
 * const t: Txn = { id: 0, process: 1, status: "ok", mops: [["w", 1, 1]], call: 10, ret: 20 };
 * ```
 */
export interface Txn {
  readonly id: number;
  readonly process: number;
  /** `ok` committed, `fail` definitely did not, `info` unknown. */
  readonly status: "ok" | "fail" | "info";
  readonly mops: readonly MicroOp[];
  /** Invocation time, ns. */
  readonly call: number;
  /** Completion time, ns; `Infinity` unless `ok` or `fail`. */
  readonly ret: number;
}

/**
 * The transactions of `history` (its `txn` operations) and a line per malformed reply.
 *
 * @example
 * ```ts
 * import { txnsOf } from "./txn_history.ts";
 * const { txns } = txnsOf([
 *   { process: 0, type: "invoke", f: "txn", value: [["r", 1, null]], time: 1 },
 *   { process: 0, type: "ok", f: "txn", value: [["r", 1, 3]], time: 2 },
 * ]);
 * txns[0]?.mops[0]; // ["r", 1, 3]
 * ```
 */
export function txnsOf(history: readonly HistoryEvent[]): { txns: Txn[]; malformed: string[] } {
  const txns: Txn[] = [];
  const malformed: string[] = [];
  for (const op of toOperations(history)) {
    if (op.f !== "txn") continue;
    const asked = asMops(op.input) ?? [];
    let mops = asked;
    if (op.status === "ok") {
      const got = asMops(op.output);
      const why = got === null ? "its txn is not a list of [f, k, v]" : mismatch(asked, got);
      if (why === null) mops = got!;
      else malformed.push(`T${op.id} (process ${op.process}): txn_ok: ${why}`);
    }
    txns.push({
      id: op.id,
      process: op.process,
      status: op.status,
      mops,
      call: op.call,
      ret: op.status === "info" ? Infinity : op.ret,
    });
  }
  return { txns, malformed };
}

/**
 * A transaction in one short line: `T<id> (process p, status: micro-ops)`.
 *
 * @example
 * ```ts
 * import { describeTxn } from "./txn_history.ts";
 * describeTxn({ id: 4, process: 2, status: "ok", mops: [["r", 1, [3]]], call: 0, ret: 1 });
 * // 'T4 (process 2, ok: [["r",1,[3]]])'
 * ```
 */
export function describeTxn(t: Txn): string {
  return `T${t.id} (process ${t.process}, ${t.status}: ${JSON.stringify(t.mops)})`;
}

/**
 * A key or value as a map key: its canonical JSON.
 *
 * @example
 * ```ts
 * import { idOf } from "./txn_history.ts";
 * idOf(3) === idOf(3.0); // true
 * ```
 */
export function idOf(v: unknown): string {
  return canonicalJson(v);
}

function asMops(v: unknown): MicroOp[] | null {
  if (!Array.isArray(v)) return null;
  for (const m of v) {
    if (!Array.isArray(m) || m.length !== 3 || typeof m[0] !== "string") return null;
  }
  return v as MicroOp[];
}

function mismatch(asked: readonly MicroOp[], got: readonly MicroOp[]): string | null {
  if (asked.length !== got.length) {
    return `has ${got.length} micro-ops for the ${asked.length} asked`;
  }
  for (let i = 0; i < asked.length; i++) {
    const [f, k, v] = asked[i]!;
    const [gf, gk, gv] = got[i]!;
    if (f !== gf || idOf(k) !== idOf(gk) || (f !== "r" && idOf(v) !== idOf(gv))) {
      return `micro-op ${i} is ${JSON.stringify(got[i])} where ${
        JSON.stringify(asked[i])
      } was asked`;
    }
  }
  return null;
}
