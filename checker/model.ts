/**
 * The sequential specification a checker compares a history against.
 *
 * @module
 */

import type { Operation } from "../history/operations.ts";

/**
 * The result of applying one operation to a state: legal (with the next state) or not.
 *
 * @example
 * ```ts
 * import type { StepResult } from "./model.ts";
 * const legal: StepResult<number> = { ok: true, state: 3 };
 * const illegal: StepResult<number> = { ok: false };
 * ```
 */
export type StepResult<State> =
  | { readonly ok: true; readonly state: State }
  | { readonly ok: false };

/**
 * What the checker hands a model by default: the operation's `f`, `key` and input value.
 *
 * @example
 * ```ts
 * import type { OperationInput } from "./model.ts";
 * const input: OperationInput = { f: "cas", key: "x", value: [1, 2] };
 * ```
 */
export interface OperationInput {
  readonly f: string;
  readonly key?: string;
  readonly value?: unknown;
}

/**
 * One independently checkable part of a history (P-compositionality), e.g. one key.
 *
 * @example
 * ```ts
 * import type { OperationPartition } from "./model.ts";
 * const part: OperationPartition = { key: "x", operations: [] };
 * ```
 */
export interface OperationPartition {
  /** Names the part in verdicts (the kv model uses the key). */
  readonly key?: string;
  readonly operations: readonly Operation[];
}

/**
 * A sequential object: an initial state and a deterministic step function. Checkers
 * look for an order of the history's operations in which every step is legal.
 *
 * For an operation whose outcome is unknown (`info`), `step` is called with
 * `indefinite = true` and `output = undefined`: it must then accept any output, but may
 * still refuse the operation (a cas whose expected value does not match; such an
 * operation is instead left out, which is always allowed for `info`).
 *
 * States are compared with `hash` (a string is taken as an exact identity; a number as a
 * hash confirmed with `equal`), else with `equal`; with neither, with canonical JSON.
 *
 * @example
 * ```ts
 * import type { Model } from "./model.ts";
 * // A counter that only grows; reads must return the current value.
 * const counter: Model<number> = {
 *   name: "counter",
 *   init: () => 0,
 *   step: (s, input, output, indefinite) =>
 *     input.f === "add"
 *       ? { ok: true, state: s + (input.value as number) }
 *       : indefinite || output === s ? { ok: true, state: s } : { ok: false },
 *   hash: (s) => String(s),
 *   readOnly: (input) => input.f === "read",
 * };
 * ```
 */
export interface Model<State, Input = OperationInput, Output = unknown> {
  /** The name `modelByName` knows it by, also used in messages. */
  readonly name: string;
  /** The initial state. */
  init(): State;
  /** Applies `input` with its observed `output` to `state`. Must not mutate `state`. */
  step(
    state: State,
    input: Input,
    output: Output | undefined,
    indefinite: boolean,
  ): StepResult<State>;
  /** A hash of a state: a string is an exact identity, a number is confirmed with `equal`. */
  hash?(state: State): string | number;
  /** Whether two states are the same. */
  equal?(a: State, b: State): boolean;
  /** Splits a history into parts that can be checked independently (P-compositionality). */
  partition?(operations: readonly Operation[]): OperationPartition[];
  /**
   * Drops operations of one part that cannot change the verdict (e.g. `info` writes whose
   * value nobody observes). Must keep every `ok` operation.
   */
  prepare?(operations: readonly Operation[]): Operation[];
  /** Converts an operation to the model's input; may throw for an unsupported one. */
  input?(op: Operation): Input;
  /** Converts an operation's completion value to the model's output. */
  output?(op: Operation): Output;
  /** True if the input never changes the state (an `info` one can then be ignored). */
  readOnly?(input: Input): boolean;
  /** A short human-readable description of an operation, for counterexamples. */
  describeOperation?(op: Operation): string;
  /** A short human-readable description of a state, for counterexamples. */
  describeState?(state: State): string;
}

/**
 * A model of any state, input and output type (for registries such as `modelByName`).
 *
 * @example
 * ```ts
 * import type { AnyModel } from "./model.ts";
 * const registry = new Map<string, AnyModel>();
 * ```
 */
// deno-lint-ignore no-explicit-any
export type AnyModel = Model<any, any, any>;

/**
 * The input `model` sees for `op`: its own conversion when it has one, else the
 * operation's `f`, `key` and input value ({@link OperationInput}).
 *
 * @example
 * ```ts
 * import { modelInput } from "./model.ts";
 * import { registerModel } from "./models.ts";
 * const op = { id: 0, process: 0, f: "write", key: "x", input: 1, output: 1, call: 0, ret: 1, status: "ok" as const };
 * modelInput(registerModel, op); // { f: "write", key: "x", value: 1 }
 * ```
 */
export function modelInput(model: AnyModel, op: Operation): unknown {
  return model.input !== undefined
    ? model.input(op)
    : ({ f: op.f, key: op.key, value: op.input } satisfies OperationInput);
}
