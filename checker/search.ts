/**
 * The linearizability search for one part of a history: Wing & Gong's algorithm with
 * Lowe's just-in-time linearization and a cache of explored configurations (as in
 * Porcupine).
 *
 * Calls and returns form one doubly linked list sorted by time. Scanning it from the
 * front, the search tries to linearize each call it meets; a return it meets belongs to
 * an operation that has not been linearized yet, so it must undo its latest choice
 * (backtrack). Linearizing an operation lifts its call and return out of the list and
 * restarts the scan; undoing it puts them back. A configuration is the set of linearized
 * operations (a bitset with an incrementally kept 64-bit Zobrist hash) plus the model
 * state (interned as an integer); one seen before is skipped. With `exact` false the
 * cache trusts the 64-bit hash (see {@link createConfigCache}): a `linearizable` answer
 * is still certain (the order found is a real witness), but a `not-linearizable` one
 * must be confirmed with `exact` true. `info` operations return at
 * infinity, so reaching one of their returns means every `ok` operation is placed: the
 * `info` ones still in the list are simply left out.
 *
 * @module
 */

import type { Operation } from "../history/operations.ts";
import { CLOCK_EVERY_STEPS, type StepMeter } from "./budget.ts";
import { createConfigCache, type LiveBits } from "./config_cache.ts";
import { type AnyModel, modelInput } from "./model.ts";
import { createStateTable } from "./state_table.ts";

/** How many distinct states {@link SearchOutcome} keeps for the stuck operation. */
const MAX_STUCK_STATES = 8;

/**
 * What the search found for one part of a history. Indices refer to the `operations`
 * array given to {@link searchLinearization}.
 *
 * @example
 * ```ts
 * import type { SearchOutcome } from "./search.ts";
 * function placed(o: SearchOutcome<unknown>): number {
 *   return o.kind === "linearizable" ? o.order.length : 0;
 * }
 * ```
 */
export type SearchOutcome<State> =
  | {
    readonly kind: "linearizable";
    /** A witness: operation indices in linearization order (left-out `info` ones absent). */
    readonly order: number[];
    readonly steps: number;
  }
  | {
    readonly kind: "not-linearizable";
    /**
     * The operation at the furthest return the search could not get past: no order
     * that respects real time places it before it returns.
     */
    readonly stuck: number;
    /** The first linearization the search found that reached that return. */
    readonly prefix: number[];
    /** The model state after `prefix`. */
    readonly prefixState: State;
    /** Distinct states in which `stuck` could not be placed (at most 8). */
    readonly stuckStates: State[];
    readonly steps: number;
  }
  | { readonly kind: "exhausted"; readonly steps: number };

/**
 * Searches for a linearization of `operations` (one part; `fail` ones already removed)
 * under `model`, spending steps from `meter`. `exact` makes the configuration cache
 * compare whole bitsets instead of trusting 64-bit hashes.
 *
 * @example
 * ```ts
 * import { searchLinearization } from "./search.ts";
 * import { createStepMeter } from "./budget.ts";
 * import { registerModel } from "./models.ts";
 * const ops = [
 *   { id: 0, process: 0, f: "write", input: 1, output: 1, call: 0, ret: 10, status: "ok" as const },
 *   { id: 1, process: 1, f: "read", input: undefined, output: 1, call: 20, ret: 30, status: "ok" as const },
 * ];
 * searchLinearization(ops, registerModel, createStepMeter()).kind; // "linearizable"
 * ```
 */
export function searchLinearization<State>(
  operations: readonly Operation[],
  model: AnyModel,
  meter: StepMeter,
  exact = false,
): SearchOutcome<State> {
  const n = operations.length;
  const inputs: unknown[] = new Array(n);
  const outputs: unknown[] = new Array(n);
  const indefinite = new Uint8Array(n);
  const time = new Float64Array(2 * n); // entry e < n: call of op e; e >= n: return of op e - n
  for (let i = 0; i < n; i++) {
    const op = operations[i];
    inputs[i] = modelInput(model, op);
    const unknownOutcome = op.status !== "ok";
    indefinite[i] = unknownOutcome ? 1 : 0;
    outputs[i] = unknownOutcome
      ? undefined
      : model.output !== undefined
      ? model.output(op)
      : op.output;
    time[i] = op.call;
    time[n + i] = unknownOutcome ? Infinity : Math.max(op.ret, op.call);
  }

  // Sort entries by time; on a tie a call comes first (treating the two as concurrent is
  // the answer that never reports a violation the timestamps cannot prove).
  const sorted = new Int32Array(2 * n);
  for (let e = 0; e < 2 * n; e++) sorted[e] = e;
  sorted.sort((a, b) => {
    const ta = time[a];
    const tb = time[b];
    if (ta !== tb) return ta < tb ? -1 : 1;
    const ka = a < n ? 0 : 1;
    const kb = b < n ? 0 : 1;
    if (ka !== kb) return ka - kb;
    return (a < n ? a : a - n) - (b < n ? b : b - n);
  });
  const HEAD = 2 * n;
  const TAIL = 2 * n + 1;
  const next = new Int32Array(2 * n + 2);
  const prev = new Int32Array(2 * n + 2);
  const pos = new Int32Array(2 * n);
  let last = HEAD;
  for (let i = 0; i < 2 * n; i++) {
    const e = sorted[i];
    pos[e] = i;
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = TAIL;
  prev[TAIL] = last;

  // Two 32-bit Zobrist values per operation: the hash of a set is the XOR of its members'.
  const zobLo = new Int32Array(n);
  const zobHi = new Int32Array(n);
  let seed = 0x2545f491;
  for (let i = 0; i < 2 * n; i++) {
    // mulberry32: a fixed, well-mixed sequence; the values only need to look random.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    if (i < n) zobLo[i] = t ^ (t >>> 14);
    else zobHi[i - n] = t ^ (t >>> 14);
  }

  // Exact mode keeps the linearized set as a bitset: `ok` operations numbered in call
  // order, then the `info` ones from a word boundary on (see createConfigCache).
  let live: LiveBits | undefined;
  const bitOf = new Int32Array(n);
  if (exact) {
    let definite = 0;
    for (let i = 0; i < 2 * n; i++) {
      const e = sorted[i];
      if (e < n && indefinite[e] === 0) bitOf[e] = definite++;
    }
    const definiteWords = (definite + 31) >>> 5;
    let other = definiteWords << 5;
    for (let i = 0; i < 2 * n; i++) {
      const e = sorted[i];
      if (e < n && indefinite[e] === 1) bitOf[e] = other++;
    }
    live = { bits: new Uint32Array((other + 31) >>> 5), definiteWords, low: 0, high: 0 };
  }
  const cache = createConfigCache(live, n);
  const states = createStateTable<State>(model);
  // One-entry memo per operation: the state id it was last tried in and the result id
  // (-1: illegal). The search retries the same operation in the same state constantly.
  const memoFrom = new Int32Array(n).fill(-1);
  const memoTo = new Int32Array(n);
  const stackOp = new Int32Array(n);
  const stackState = new Int32Array(n);

  let sp = 0;
  let hashLo = 0;
  let hashHi = 0;
  let current = states.intern(model.init());
  let entry = next[HEAD];
  let steps = 0;
  const limit = meter.limit - meter.steps;
  let nextClock = CLOCK_EVERY_STEPS;

  // The furthest return the search got stuck at, with a snapshot of the stack then.
  // snapshot[0, snapValid) always equals stackOp[0, snapValid), so taking a new snapshot
  // copies only what changed since the last one (amortized O(1) per step, not O(n)).
  let stuckPos = -1;
  let stuck = -1;
  const snapshot = new Int32Array(n);
  let snapLength = 0;
  let snapValid = 0;
  let prefixState = current;
  const stuckStates: number[] = [];

  for (;;) {
    if (steps >= limit) return exhausted(meter, steps);
    if (++steps >= nextClock) {
      nextClock += CLOCK_EVERY_STEPS;
      if (meter.timeUp()) return exhausted(meter, steps);
    }
    if (entry === TAIL) break;
    if (entry < n) {
      const j = entry;
      let to: number;
      if (memoFrom[j] === current) {
        to = memoTo[j];
      } else {
        const r = model.step(states.get(current), inputs[j], outputs[j], indefinite[j] === 1);
        to = r.ok ? states.intern(r.state) : -1;
        memoFrom[j] = current;
        memoTo[j] = to;
      }
      if (to >= 0) {
        if (live !== undefined) setBit(live, bitOf[j]);
        const lo = hashLo ^ zobLo[j];
        const hi = hashHi ^ zobHi[j];
        if (cache.insert(lo, hi, to)) {
          stackOp[sp] = j;
          stackState[sp] = current;
          sp++;
          hashLo = lo;
          hashHi = hi;
          current = to;
          // Lift the call and the return out of the list.
          const r = n + j;
          next[prev[j]] = next[j];
          prev[next[j]] = prev[j];
          next[prev[r]] = next[r];
          prev[next[r]] = prev[r];
          entry = next[HEAD];
          continue;
        }
        if (live !== undefined) clearBit(live, bitOf[j]);
      }
      entry = next[entry];
      continue;
    }
    const j = entry - n;
    if (indefinite[j] === 1) break; // only info operations are left; leave them out
    const p = pos[entry];
    if (p > stuckPos) {
      stuckPos = p;
      stuck = j;
      snapshot.set(stackOp.subarray(snapValid, sp), snapValid);
      snapLength = sp;
      snapValid = sp;
      prefixState = current;
      stuckStates.length = 0;
      stuckStates.push(current);
    } else if (
      p === stuckPos && stuckStates.length < MAX_STUCK_STATES && !stuckStates.includes(current)
    ) {
      stuckStates.push(current);
    }
    if (sp === 0) {
      meter.steps += steps;
      return {
        kind: "not-linearizable",
        stuck,
        prefix: Array.from(snapshot.subarray(0, snapLength)),
        prefixState: states.get(prefixState),
        stuckStates: stuckStates.map((id) => states.get(id)),
        steps,
      };
    }
    // Backtrack: undo the latest linearized operation and try the entries after its call.
    sp--;
    if (sp < snapValid) snapValid = sp;
    const k = stackOp[sp];
    current = stackState[sp];
    if (live !== undefined) clearBit(live, bitOf[k]);
    hashLo ^= zobLo[k];
    hashHi ^= zobHi[k];
    const r = n + k;
    next[prev[r]] = r;
    prev[next[r]] = r;
    next[prev[k]] = k;
    prev[next[k]] = k;
    entry = next[k];
  }
  meter.steps += steps;
  return { kind: "linearizable", order: Array.from(stackOp.subarray(0, sp)), steps };
}

function setBit(live: LiveBits, bit: number): void {
  const { bits, definiteWords } = live;
  const w = bit >>> 5;
  bits[w] |= 1 << (bit & 31);
  if (w >= definiteWords) return;
  if (w >= live.high) live.high = w + 1;
  while (live.low < definiteWords && bits[live.low] === 0xffffffff) live.low++;
}

function clearBit(live: LiveBits, bit: number): void {
  const { bits, definiteWords } = live;
  const w = bit >>> 5;
  bits[w] &= ~(1 << (bit & 31));
  if (w >= definiteWords) return;
  if (w < live.low) live.low = w;
  while (live.high > 0 && bits[live.high - 1] === 0) live.high--;
}

function exhausted(meter: StepMeter, steps: number): { kind: "exhausted"; steps: number } {
  meter.steps += steps;
  return { kind: "exhausted", steps };
}
