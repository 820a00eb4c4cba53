/**
 * The built-in sequential models: `register`, `cas-register` and `kv` (a cas-register
 * per key, checked key by key).
 *
 * @module
 */

import type { Operation } from "../history/operations.ts";
import { jsonEqual } from "../protocols/kv.ts";
import { canonicalJson } from "./canonical_json.ts";
import type { AnyModel, Model, OperationInput, OperationPartition, StepResult } from "./model.ts";

/**
 * The state of a register: its JSON value; `null` when absent (initially, after a delete).
 *
 * @example
 * ```ts
 * import type { RegisterState } from "./models.ts";
 * const s: RegisterState = { any: ["JSON", "value"] };
 * ```
 */
export type RegisterState = unknown;

const ILLEGAL: StepResult<never> = Object.freeze({ ok: false });

/**
 * The names {@link modelByName} knows.
 *
 * @example
 * ```ts
 * import { MODEL_NAMES } from "./models.ts";
 * MODEL_NAMES.join("|"); // "register|cas-register|kv"
 * ```
 */
export const MODEL_NAMES: readonly string[] = ["register", "cas-register", "kv"];

/**
 * A read/write register that starts as `null`. `read` must return the current value
 * (a missing completion value counts as `null`); `write` sets it.
 *
 * @example
 * ```ts
 * import { registerModel } from "./models.ts";
 * const s = registerModel.step(null, { f: "write", value: 3 }, 3, false);
 * s.ok && registerModel.step(s.state, { f: "read" }, 3, false).ok; // true
 * ```
 */
export const registerModel: Model<RegisterState> = makeRegister("register", ["read", "write"]);

/**
 * A register with compare-and-set: `read`, `write`, `delete` (writes `null`) and `cas`
 * with `value: [expected, new]`, which is legal only if the state equals `expected`. A
 * read of a missing key returns `null`. A cas that completed `fail` did not happen (the
 * checkers drop it); one with an unknown outcome either matched or is left out.
 *
 * @example
 * ```ts
 * import { casRegisterModel } from "./models.ts";
 * casRegisterModel.step(1, { f: "cas", value: [1, 2] }, [1, 2], false); // { ok: true, state: 2 }
 * casRegisterModel.step(5, { f: "cas", value: [1, 2] }, [1, 2], false).ok; // false
 * ```
 */
export const casRegisterModel: Model<RegisterState> = makeRegister("cas-register", [
  "read",
  "write",
  "cas",
  "delete",
]);

/**
 * A key-value store: a {@link casRegisterModel} per key, each key checked on its own
 * (linearizability is compositional). Every operation needs a `key`.
 *
 * @example
 * ```ts
 * import { kvModel } from "./models.ts";
 * const parts = kvModel.partition!([
 *   { id: 0, process: 0, f: "write", key: "a", input: 1, output: 1, call: 0, ret: 1, status: "ok" },
 *   { id: 1, process: 0, f: "write", key: "b", input: 2, output: 2, call: 2, ret: 3, status: "ok" },
 * ]);
 * parts.length; // 2
 * ```
 */
export const kvModel: Model<RegisterState> = {
  ...makeRegister("kv", ["read", "write", "cas", "delete"]),
  partition(operations: readonly Operation[]): OperationPartition[] {
    const byKey = new Map<string, Operation[]>();
    for (const op of operations) {
      if (op.key === undefined) {
        throw new Error(`kv model: operation #${op.id} (${op.f}) has no key`);
      }
      let list = byKey.get(op.key);
      if (list === undefined) {
        list = [];
        byKey.set(op.key, list);
      }
      list.push(op);
    }
    return [...byKey].map(([key, ops]) => ({ key, operations: ops }));
  },
};

/**
 * The built-in model called `name` (`register`, `cas-register` or `kv`).
 *
 * @throws {RangeError} for an unknown name, listing the known ones.
 *
 * @example
 * ```ts
 * import { modelByName } from "./models.ts";
 * modelByName("kv").name; // "kv"
 * ```
 */
export function modelByName(name: string): AnyModel {
  switch (name) {
    case "register":
      return registerModel;
    case "cas-register":
      return casRegisterModel;
    case "kv":
      return kvModel;
    default:
      throw new RangeError(`unknown model "${name}"; known: ${MODEL_NAMES.join(", ")}`);
  }
}

function makeRegister(name: string, functions: readonly string[]): Model<RegisterState> {
  const allowed = new Set(functions);
  return {
    name,
    init: () => null,
    step(state, input, output, indefinite): StepResult<RegisterState> {
      switch (input.f) {
        case "read":
          return indefinite || jsonEqual(state, output === undefined ? null : output)
            ? { ok: true, state }
            : ILLEGAL;
        case "write":
          return { ok: true, state: input.value === undefined ? null : input.value };
        case "delete":
          return { ok: true, state: null };
        case "cas": {
          const [expected, next] = input.value as readonly [unknown, unknown];
          return jsonEqual(state, expected === undefined ? null : expected)
            ? { ok: true, state: next === undefined ? null : next }
            : ILLEGAL;
        }
        default:
          return ILLEGAL;
      }
    },
    hash: canonicalJson,
    equal: jsonEqual,
    input(op: Operation): OperationInput {
      if (!allowed.has(op.f)) {
        throw new Error(
          `${name} model: operation #${op.id} has f "${op.f}"; supported: ${functions.join(", ")}`,
        );
      }
      if (op.f === "cas" && !(Array.isArray(op.input) && op.input.length === 2)) {
        throw new Error(`${name} model: cas #${op.id} needs value [expected, new]`);
      }
      return { f: op.f, key: op.key, value: op.input };
    },
    readOnly: (input) => input.f === "read",
    prepare: dropUnobservedInfoWrites,
    describeOperation: describeRegisterOperation,
    describeState: (state) => canonicalJson(state),
  };
}

/**
 * Drops `info` writes, deletes and cas operations whose new value no read returns and no
 * cas expects. Leaving such an operation out of any valid order keeps it valid (nothing
 * can observe its value before the next write replaces it), and leaving out an `info`
 * operation is always allowed, so the verdict is unchanged; the search gets cheaper.
 */
function dropUnobservedInfoWrites(operations: readonly Operation[]): Operation[] {
  if (!operations.some((op) => op.status === "info")) return operations.slice();
  const observed = new Set<string>();
  for (const op of operations) {
    if (op.f === "read" && op.status === "ok") {
      observed.add(canonicalJson(op.output === undefined ? null : op.output));
    } else if (op.f === "cas" && op.status !== "fail" && Array.isArray(op.input)) {
      observed.add(canonicalJson(op.input[0] === undefined ? null : op.input[0]));
    }
  }
  return operations.filter((op) => {
    if (op.status !== "info") return true;
    let written: unknown;
    if (op.f === "write") written = op.input;
    else if (op.f === "delete") written = null;
    else if (op.f === "cas" && Array.isArray(op.input)) written = op.input[1];
    else return true;
    return observed.has(canonicalJson(written === undefined ? null : written));
  });
}

function describeRegisterOperation(op: Operation): string {
  const v = (x: unknown) => canonicalJson(x === undefined ? null : x);
  const key = op.key === undefined ? "" : ` ${op.key}`;
  let what: string;
  switch (op.f) {
    case "read":
      what = op.status === "ok" ? ` → ${v(op.output)}` : " → ?";
      break;
    case "write":
      what = ` ${v(op.input)}`;
      break;
    case "cas": {
      const [e, n] = Array.isArray(op.input) ? op.input : [op.input, undefined];
      what = ` ${v(e)}→${v(n)}`;
      break;
    }
    default:
      what = op.input === undefined ? "" : ` ${v(op.input)}`;
  }
  const status = op.status === "ok" ? "" : ` (${op.status})`;
  return `#${op.id} p${op.process} ${op.f}${key}${what}${status}`;
}
