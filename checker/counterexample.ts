/**
 * Turns a failed search into a counterexample a person can read: the operation that
 * cannot be placed, the operations around it, the state(s) it met, and why.
 *
 * @module
 */

import type { Operation } from "../history/operations.ts";
import { canonicalJson } from "./canonical_json.ts";
import { type AnyModel, modelInput } from "./model.ts";

/** How many operations of the linearizable prefix the explanation quotes. */
const PREFIX_QUOTED = 3;
/** How many operations of the linearizable prefix the counterexample includes at most. */
const MAX_FROM_PREFIX = 20;
/** How many concurrent operations the explanation names. */
const CONCURRENT_QUOTED = 5;

/**
 * Why a history (or one key of it) is not linearizable.
 *
 * @example
 * ```ts
 * import type { Counterexample } from "./counterexample.ts";
 * function show(c: Counterexample): string {
 *   return `${c.explanation}\n${c.operations.length} operations`;
 * }
 * ```
 */
export interface Counterexample {
  /**
   * The operations that show the violation, by call time: the one that cannot be placed;
   * every operation concurrent with it; from the longest linearizable prefix, those that
   * returned after the earliest of these was invoked (counting a pending `info` one only
   * if it could have made the stuck operation legal), and the latest ones back to the
   * last that changed the state (at most 20 from the prefix).
   */
  readonly operations: Operation[];
  /** The operation no order that respects real time can place before it returns. */
  readonly operation: Operation;
  /** The model state after the longest linearizable prefix. */
  readonly state: unknown;
  /** Every distinct state (up to 8) in which the operation could not take effect. */
  readonly states: unknown[];
  /** How many operations the longest linearizable prefix has. */
  readonly prefixLength: number;
  /** Human-readable: why no order works. */
  readonly explanation: string;
}

/**
 * Builds a {@link Counterexample} from a failed search over `operations` (one part).
 * `stuck` and `prefix` index into `operations`.
 *
 * @example
 * ```ts
 * import { buildCounterexample } from "./counterexample.ts";
 * import { registerModel } from "./models.ts";
 * const ops = [
 *   { id: 0, process: 0, f: "write", input: 2, output: 2, call: 0, ret: 1, status: "ok" as const },
 *   { id: 1, process: 1, f: "read", input: undefined, output: 1, call: 2, ret: 3, status: "ok" as const },
 * ];
 * buildCounterexample(ops, registerModel, 1, [0], 2, [2]).operation.id; // 1
 * ```
 */
export function buildCounterexample(
  operations: readonly Operation[],
  model: AnyModel,
  stuck: number,
  prefix: readonly number[],
  state: unknown,
  states: readonly unknown[],
  key?: string,
): Counterexample {
  const x = operations[stuck];
  const describe = (op: Operation) =>
    model.describeOperation !== undefined ? model.describeOperation(op) : defaultDescribe(op);
  const describeState = (s: unknown) =>
    model.describeState !== undefined ? model.describeState(s) : canonicalJson(s);

  const outcome = (op: Operation) => op.status === "ok" ? op.output : undefined;
  // An info operation invoked long ago is concurrent with everything after it. It only
  // matters here if it could have made `x` legal (it may have been used up earlier).
  const couldEnable = (op: Operation) =>
    states.some((s) => {
      const r = model.step(s, modelInput(model, op), outcome(op), op.status !== "ok");
      return r.ok && model.step(r.state, modelInput(model, x), outcome(x), x.status !== "ok").ok;
    });

  const chosen = new Set<Operation>();
  const concurrent: Operation[] = [];
  let windowStart = x.call;
  for (const op of operations) {
    if (op.call <= x.ret && op.ret >= x.call) {
      chosen.add(op);
      if (op === x) continue;
      concurrent.push(op);
      if (op.ret !== Infinity || couldEnable(op)) windowStart = Math.min(windowStart, op.call);
    }
  }
  // From the prefix: operations that overlap the window (an info write invoked long ago
  // may have been used up by an earlier read), then back to the last state change.
  let lastChange: Operation | undefined;
  let fromPrefix = 0;
  for (let i = prefix.length - 1; i >= 0 && fromPrefix < MAX_FROM_PREFIX; i--) {
    const op = operations[prefix[i]];
    if (chosen.has(op)) continue;
    const overlaps = op.ret >= windowStart;
    if (!overlaps && lastChange !== undefined) break;
    chosen.add(op);
    fromPrefix++;
    if (lastChange === undefined && !model.readOnly?.(modelInput(model, op))) lastChange = op;
  }
  const chosenOps = [...chosen].sort((a, b) => a.call - b.call || a.id - b.id);

  const where = key === undefined ? "" : `Key ${JSON.stringify(key)}: `;
  const seen = states.map(describeState);
  let text = `${where}${describe(x)} cannot be linearized: no order of the operations ` +
    `that respects real time places it before it returned. ` +
    `Whenever it could take effect the state was ${seen.join(" or ")}`;
  if (lastChange !== undefined && lastChange.ret < x.call) {
    text += `; the last change before it was invoked was ${describe(lastChange)}`;
  }
  text += ".";
  if (concurrent.length > 0) {
    const named = concurrent.slice(0, CONCURRENT_QUOTED).map(describe).join(", ");
    const more = concurrent.length > CONCURRENT_QUOTED
      ? ` and ${concurrent.length - CONCURRENT_QUOTED} more`
      : "";
    text += ` Concurrent with it: ${named}${more}.`;
  } else {
    text += " Nothing was concurrent with it.";
  }
  text += ` The longest linearizable prefix has ${prefix.length} operation(s)`;
  if (prefix.length > 0) {
    const tail = prefix.slice(-PREFIX_QUOTED).map((i) => describe(operations[i]));
    text += `, ending ${prefix.length > PREFIX_QUOTED ? "… " : ""}${tail.join(", ")}`;
  }
  text += `, and leaves the state at ${describeState(state)}.`;

  return {
    operations: chosenOps,
    operation: x,
    state,
    states: [...states],
    prefixLength: prefix.length,
    explanation: text,
  };
}

function defaultDescribe(op: Operation): string {
  const key = op.key === undefined ? "" : ` ${op.key}`;
  const input = op.input === undefined ? "" : ` ${canonicalJson(op.input)}`;
  const output = op.status === "ok" ? ` → ${canonicalJson(op.output)}` : ` (${op.status})`;
  return `#${op.id} p${op.process} ${op.f}${key}${input}${output}`;
}
