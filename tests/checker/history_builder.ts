/**
 * Test helpers: a terse way to write KV histories, a brute-force linearizability
 * reference for tiny histories, and a witness validator.
 *
 * @module
 */

import type { HistoryEvent } from "../../history/event.ts";
import type { Operation } from "../../history/operations.ts";
import { type AnyModel, modelInput } from "../../checker/model.ts";

/**
 * One completed operation, written as `[process, f, key, input, output, call, ret, status]`.
 * `ret` may be `Infinity` for a never-completed operation.
 *
 * @example
 * ```ts
 * import type { OpSpec } from "./history_builder.ts";
 * // p0 wrote 1 to x between t=0 and t=10.
 * const spec: OpSpec = [0, "write", "x", 1, 1, 0, 10, "ok"];
 * ```
 */
export type OpSpec = readonly [
  process: number,
  f: string,
  key: string,
  input: unknown,
  output: unknown,
  call: number,
  ret: number,
  status?: "ok" | "fail" | "info",
];

/**
 * Builds history events (sorted by time, invocations before completions on ties) from
 * operation specs.
 *
 * @example
 * ```ts
 * import { history } from "./history_builder.ts";
 * history([[0, "write", "x", 1, 1, 0, 10]]).length; // 2
 * ```
 */
export function history(specs: readonly OpSpec[]): HistoryEvent[] {
  const out: { e: HistoryEvent; kind: number; i: number }[] = [];
  specs.forEach(([process, f, key, input, output, call, ret, status = "ok"], i) => {
    const invoke: HistoryEvent = input === undefined
      ? { process, type: "invoke", f, key, time: call }
      : { process, type: "invoke", f, key, value: input, time: call };
    out.push({ e: invoke, kind: 0, i });
    if (ret !== Infinity) {
      const done: HistoryEvent = output === undefined
        ? { process, type: status, f, key, time: ret }
        : { process, type: status, f, key, value: output, time: ret };
      out.push({ e: done, kind: 1, i });
    }
  });
  out.sort((a, b) => a.e.time - b.e.time || a.kind - b.kind || a.i - b.i);
  return out.map((x) => x.e);
}

/**
 * Builds operations directly from specs (ids in spec order).
 *
 * @example
 * ```ts
 * import { operations } from "./history_builder.ts";
 * operations([[0, "read", "x", undefined, null, 0, 1]])[0].f; // "read"
 * ```
 */
export function operations(specs: readonly OpSpec[]): Operation[] {
  return specs.map(([process, f, key, input, output, call, ret, status = "ok"], id) => ({
    id,
    process,
    f,
    key,
    input,
    output,
    call,
    ret: status === "info" ? Infinity : ret,
    status,
  }));
}

/**
 * True if `order` (some of `ops`) is a linearization: it contains every `ok` operation,
 * no `fail` one, respects real time, and every step is legal in `model` (one part only).
 *
 * @example
 * ```ts
 * import { isLinearization } from "./history_builder.ts";
 * import { registerModel } from "../../checker/models.ts";
 * isLinearization([], [], registerModel); // true
 * ```
 */
export function isLinearization(
  ops: readonly Operation[],
  order: readonly Operation[],
  model: AnyModel,
): boolean {
  const placed = new Set(order);
  for (const op of ops) if (op.status === "ok" && !placed.has(op)) return false;
  for (const op of order) if (op.status === "fail") return false;
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      if (order[j].ret < order[i].call) return false; // j returned before i was invoked
    }
  }
  return validPrefix(order, model);
}

/**
 * Brute force: tries every subset of the `info` operations and every order that
 * respects real time. Only for a handful of operations.
 *
 * @example
 * ```ts
 * import { bruteForceLinearizable } from "./history_builder.ts";
 * import { registerModel } from "../../checker/models.ts";
 * bruteForceLinearizable([], registerModel); // true
 * ```
 */
export function bruteForceLinearizable(ops: readonly Operation[], model: AnyModel): boolean {
  const live = ops.filter((op) => op.status !== "fail");
  const optional = live.filter((op) => op.status === "info");
  const required = live.filter((op) => op.status === "ok");
  for (let mask = 0; mask < 1 << optional.length; mask++) {
    const chosen = [...required, ...optional.filter((_, i) => (mask >> i) & 1)];
    if (somePermutation(chosen, [], model)) return true;
  }
  return false;
}

function somePermutation(rest: Operation[], prefix: Operation[], model: AnyModel): boolean {
  // Real time holds by construction: an operation is only appended when no remaining
  // one returned before it was invoked.
  if (rest.length === 0) return validPrefix(prefix, model);
  for (let i = 0; i < rest.length; i++) {
    const op = rest[i];
    // op may go next only if no other remaining op returned before op was invoked.
    if (rest.some((o, j) => j !== i && o.ret < op.call)) continue;
    const next = rest.slice(0, i).concat(rest.slice(i + 1));
    if (somePermutation(next, [...prefix, op], model)) return true;
  }
  return false;
}

function validPrefix(order: readonly Operation[], model: AnyModel): boolean {
  let state = model.init();
  for (const op of order) {
    const r = model.step(
      state,
      modelInput(model, op),
      op.status === "ok" ? op.output : undefined,
      op.status !== "ok",
    );
    if (!r.ok) return false;
    state = r.state;
  }
  return true;
}
