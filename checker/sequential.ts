/**
 * A bounded check of sequential consistency: is there one order of all operations that
 * the model accepts and that keeps each process's own order (real time between
 * processes does not matter)? With a partitioning model (kv) each key is checked on its
 * own, which is "sequential per key" — weaker than sequential consistency of the whole
 * store, which would need one order across keys.
 *
 * The search is a depth-first walk over (how far each process has got, model state),
 * memoizing configurations; trying processes whose next operation was invoked earliest
 * first, it follows real time and finds an order quickly for well-behaved histories.
 * `fail` operations are dropped; `info` ones may be placed or left out.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import type { Operation } from "../history/operations.ts";
import { type CheckBudget, CLOCK_EVERY_STEPS, createStepMeter, type StepMeter } from "./budget.ts";
import { canonicalJson } from "./canonical_json.ts";
import { type AnyModel, modelInput, type OperationPartition } from "./model.ts";
import { historyParts, relevantOperations } from "./parts.ts";
import { createStateTable } from "./state_table.ts";

/**
 * The answer of {@link checkSequential}; never wrong (`unknown` when out of budget).
 *
 * @example
 * ```ts
 * import type { SequentialResult } from "./sequential.ts";
 * const r: SequentialResult = { verdict: "sequential", steps: 4 };
 * ```
 */
export type SequentialResult =
  | { readonly verdict: "sequential"; readonly steps: number }
  | {
    readonly verdict: "not-sequential";
    readonly key?: string;
    /** The next operation of each process at the furthest point any order reached. */
    readonly operations: Operation[];
    readonly explanation: string;
    readonly steps: number;
  }
  | { readonly verdict: "unknown"; readonly reason: string; readonly steps: number };

/**
 * Checks that every part of `history` (every key, for kv) is sequentially consistent
 * under `model`, within `budget`.
 *
 * @example
 * ```ts
 * import { checkSequential } from "./sequential.ts";
 * import { kvModel } from "./models.ts";
 * // p1 reads the old value after p0's write completed: not linearizable, but sequential.
 * checkSequential([
 *   { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 0 },
 *   { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 10 },
 *   { process: 1, type: "invoke", f: "read", key: "x", time: 20 },
 *   { process: 1, type: "ok", f: "read", key: "x", value: null, time: 30 },
 * ], kvModel).verdict; // "sequential"
 * ```
 */
export function checkSequential(
  history: readonly HistoryEvent[] | readonly Operation[],
  model: AnyModel,
  budget: CheckBudget = {},
): SequentialResult {
  const meter = createStepMeter(budget);
  let parts: OperationPartition[];
  try {
    parts = historyParts(history, model);
  } catch (e) {
    return { verdict: "unknown", reason: (e as Error).message, steps: 0 };
  }
  for (const part of parts) {
    let r: PartResult;
    try {
      r = searchPart(relevantOperations(part.operations, model), model, meter);
    } catch (e) {
      return { verdict: "unknown", reason: (e as Error).message, steps: meter.steps };
    }
    if (r.kind === "ok") continue;
    if (r.kind === "exhausted") {
      return { verdict: "unknown", reason: meter.exhaustedReason(), steps: meter.steps };
    }
    const where = part.key === undefined ? "" : ` of key ${JSON.stringify(part.key)}`;
    const explanation = `No order of the ${r.total} operations${where} that keeps each ` +
      `process's own order is legal. The furthest any order got was ${r.placed} operation(s), ` +
      `leaving the state at ${r.state}; from there no process's next operation can follow: ` +
      r.blocked.map((op) => describe(model, op)).join(", ") + ".";
    return part.key === undefined
      ? { verdict: "not-sequential", operations: r.blocked, explanation, steps: meter.steps }
      : {
        verdict: "not-sequential",
        key: part.key,
        operations: r.blocked,
        explanation,
        steps: meter.steps,
      };
  }
  return { verdict: "sequential", steps: meter.steps };
}

type PartResult =
  | { kind: "ok" }
  | { kind: "exhausted" }
  | { kind: "fail"; total: number; placed: number; state: string; blocked: Operation[] };

interface Frame {
  /** Moves to try: process index * 2, + 1 for "leave this info operation out". */
  readonly moves: number[];
  next: number;
  /** The move that led here and the state before it, to undo on the way back. */
  readonly process: number;
  readonly stateBefore: number;
}

function searchPart(ops: readonly Operation[], model: AnyModel, meter: StepMeter): PartResult {
  const byProcess = new Map<number, Operation[]>();
  for (const op of ops) {
    let q = byProcess.get(op.process);
    if (q === undefined) byProcess.set(op.process, q = []);
    q.push(op);
  }
  const queues = [...byProcess.values()].map((q) =>
    q.sort((a, b) => a.call - b.call || a.id - b.id)
  );
  const nProcs = queues.length;
  const inputs = queues.map((q) => q.map((op) => modelInput(model, op)));
  // A process is done once only info operations (which may be left out) remain.
  const mustReach = queues.map((q) => {
    let last = -1;
    q.forEach((op, i) => {
      if (op.status === "ok") last = i;
    });
    return last + 1;
  });
  const pos = new Int32Array(nProcs);
  const states = createStateTable<unknown>(model);
  let current = states.intern(model.init());
  const seen = new Set<string>();
  const isDone = () => {
    for (let p = 0; p < nProcs; p++) if (pos[p] < mustReach[p]) return false;
    return true;
  };
  const movesHere = (): number[] => {
    const ps: number[] = [];
    for (let p = 0; p < nProcs; p++) if (pos[p] < queues[p].length) ps.push(p);
    ps.sort((a, b) => queues[a][pos[a]].call - queues[b][pos[b]].call || a - b);
    const moves: number[] = [];
    for (const p of ps) {
      moves.push(p * 2);
      if (queues[p][pos[p]].status !== "ok") moves.push(p * 2 + 1);
    }
    return moves;
  };
  if (isDone()) return { kind: "ok" };

  let best = { placed: 0, state: current, pos: Int32Array.from(pos) };
  let placed = 0;
  const stack: Frame[] = [{ moves: movesHere(), next: 0, process: -1, stateBefore: -1 }];
  let steps = 0;
  const limit = meter.limit - meter.steps;
  let nextClock = CLOCK_EVERY_STEPS;
  while (stack.length > 0) {
    if (steps >= limit) return spend(meter, steps, { kind: "exhausted" });
    if (++steps >= nextClock) {
      nextClock += CLOCK_EVERY_STEPS;
      if (meter.timeUp()) return spend(meter, steps, { kind: "exhausted" });
    }
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.moves.length) {
      stack.pop();
      if (frame.process >= 0) {
        pos[frame.process]--;
        current = frame.stateBefore;
        placed--;
      }
      continue;
    }
    const move = frame.moves[frame.next++];
    const p = move >> 1;
    const op = queues[p][pos[p]];
    let to = current;
    if ((move & 1) === 0) {
      const r = model.step(
        states.get(current),
        inputs[p][pos[p]],
        op.status === "ok" ? op.output : undefined,
        op.status !== "ok",
      );
      if (!r.ok) continue;
      to = states.intern(r.state);
    }
    pos[p]++;
    const key = pos.join(",") + ":" + to;
    if (seen.has(key)) {
      pos[p]--;
      continue;
    }
    seen.add(key);
    const before = current;
    current = to;
    placed++;
    if (isDone()) return spend(meter, steps, { kind: "ok" });
    if (placed > best.placed) best = { placed, state: current, pos: Int32Array.from(pos) };
    stack.push({ moves: movesHere(), next: 0, process: p, stateBefore: before });
  }
  const blocked: Operation[] = [];
  for (let p = 0; p < nProcs; p++) {
    if (best.pos[p] < queues[p].length) blocked.push(queues[p][best.pos[p]]);
  }
  blocked.sort((a, b) => a.call - b.call || a.id - b.id);
  const state = states.get(best.state);
  return spend(meter, steps, {
    kind: "fail",
    total: ops.length,
    placed: best.placed,
    state: model.describeState !== undefined ? model.describeState(state) : canonicalJson(state),
    blocked,
  });
}

function spend(meter: StepMeter, steps: number, r: PartResult): PartResult {
  meter.steps += steps;
  return r;
}

function describe(model: AnyModel, op: Operation): string {
  return model.describeOperation !== undefined
    ? model.describeOperation(op)
    : `#${op.id} p${op.process} ${op.f} ${canonicalJson(op.input)} → ${canonicalJson(op.output)}`;
}
