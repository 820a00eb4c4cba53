/**
 * Causal consistency of a key-value history, across keys: no read returns a value that
 * its own causal past has already overwritten.
 *
 * Causal order is the transitive closure of each process's own order and of
 * reads-from (a write precedes every read that returned its value), whatever the key —
 * so a session that reads y and then x depends on whatever the writer of y had done to
 * x. The check looks for the bad patterns of Bouajjani, Enea, Guerraoui and Hamza, "On
 * Verifying Causal Consistency" (POPL 2017), for histories whose written values are
 * unique per key:
 *
 * - a cycle in causal order (an operation would depend on itself);
 * - a read of the initial value (`null`) after a write of that key in its causal past;
 * - a read of a value v written by w1, while another write w2 of the key lies causally
 *   between: w1 → w2 → the read (v was overwritten in the read's own past).
 *
 * A read may return several values as `{ siblings: [...] }` (a multi-value register):
 * it reads from each, and each must pass. A `cas` reads its expected value and writes
 * its new one; causal consistency does not make the two atomic, so two cas that
 * replaced the same value concurrently are not a violation here. `fail` operations did
 * not happen; an `info` write counts once some read returned its value. Reads whose
 * value was written by no write or by several (or `null` when the key has `null`
 * writes) name no write and are skipped, as in the session checks.
 *
 * {@link import("./consistency.ts").classifyHistory} reports `causal` when this check
 * and the per-key session guarantees PRAM and writes-follow-reads all hold.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import type { Operation } from "../history/operations.ts";
import { canonicalJson } from "./canonical_json.ts";
import { asOperations } from "./parts.ts";

/**
 * One causal-consistency violation: the read, and the causal chain that makes it wrong.
 *
 * @example
 * ```ts
 * import type { CausalViolation } from "./causal.ts";
 * function show(v: CausalViolation): string {
 *   return `${v.pattern}: ${v.explanation}`;
 * }
 * ```
 */
export interface CausalViolation {
  readonly pattern: "cyclic-causal-order" | "overwritten-initial-value" | "overwritten-value";
  readonly key: string;
  /** The operations of the chain, in causal order. */
  readonly operations: Operation[];
  readonly explanation: string;
}

/**
 * The result of {@link checkCausal}.
 *
 * @example
 * ```ts
 * import type { CausalResult } from "./causal.ts";
 * const r: CausalResult = { ok: true, checked: true, violations: [], skipped: 0, operations: 4 };
 * ```
 */
export interface CausalResult {
  readonly ok: boolean;
  /** False when the history was larger than `maxOperations` (then `ok` is true, unproven). */
  readonly checked: boolean;
  /** At most 10. */
  readonly violations: CausalViolation[];
  /** Reads that named no unique write and were skipped. */
  readonly skipped: number;
  /** Operations taken into account (`fail` ones and non-KV ones left out). */
  readonly operations: number;
}

const KV_F: ReadonlySet<string> = new Set(["read", "write", "cas", "delete"]);
const MAX_VIOLATIONS = 10;
const DEFAULT_MAX_OPERATIONS = 5000;
const NOT_A_WRITE = Symbol("not a write");

function written(op: Operation): unknown {
  switch (op.f) {
    case "write":
      return op.input ?? null;
    case "delete":
      return null;
    case "cas":
      return Array.isArray(op.input) ? op.input[1] ?? null : NOT_A_WRITE;
    default:
      return NOT_A_WRITE;
  }
}

/** The values an `ok` op read (several for siblings), or undefined if it reads nothing. */
function readValues(op: Operation): unknown[] | undefined {
  if (op.status !== "ok") return undefined;
  if (op.f === "cas" && Array.isArray(op.input)) return [op.input[0] ?? null];
  if (op.f !== "read") return undefined;
  const out = op.output ?? null;
  if (out !== null && typeof out === "object" && !Array.isArray(out)) {
    const s = (out as Record<string, unknown>).siblings;
    if (Array.isArray(s)) return s;
  }
  return [out];
}

/** A set of small integers as a bitset. */
class Bits {
  readonly words: Uint32Array;
  constructor(n: number) {
    this.words = new Uint32Array((n + 31) >>> 5);
  }
  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }
  or(o: Bits): void {
    for (let i = 0; i < this.words.length; i++) this.words[i]! |= o.words[i]!;
  }
}

/**
 * Checks causal consistency (see the module notes). `maxOperations` bounds the work
 * (default 5000); a larger history is reported with `checked: false`.
 *
 * @example
 * ```ts
 * import { checkCausal } from "./causal.ts";
 * // p0 writes x then y; p1 sees the y but then reads the initial x.
 * const r = checkCausal([
 *   { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 0 },
 *   { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 1 },
 *   { process: 0, type: "invoke", f: "write", key: "y", value: 1, time: 2 },
 *   { process: 0, type: "ok", f: "write", key: "y", value: 1, time: 3 },
 *   { process: 1, type: "invoke", f: "read", key: "y", time: 4 },
 *   { process: 1, type: "ok", f: "read", key: "y", value: 1, time: 5 },
 *   { process: 1, type: "invoke", f: "read", key: "x", time: 6 },
 *   { process: 1, type: "ok", f: "read", key: "x", value: null, time: 7 },
 * ]);
 * r.ok; // false: x = 1 is in that read's causal past
 * ```
 */
export function checkCausal(
  history: readonly HistoryEvent[] | readonly Operation[],
  opts: { readonly maxOperations?: number } = {},
): CausalResult {
  const ops = asOperations(history).filter((op) => op.status !== "fail" && KV_F.has(op.f));
  const max = opts.maxOperations ?? DEFAULT_MAX_OPERATIONS;
  if (ops.length > max) {
    return { ok: true, checked: false, violations: [], skipped: 0, operations: ops.length };
  }
  const n = ops.length;
  const keyOf = (op: Operation) => op.key ?? "";

  // Writers of each value, per key.
  const writers = new Map<string, Map<string, number[]>>();
  for (const [i, op] of ops.entries()) {
    const v = written(op);
    if (v === NOT_A_WRITE) continue;
    let byValue = writers.get(keyOf(op));
    if (byValue === undefined) writers.set(keyOf(op), byValue = new Map());
    const text = canonicalJson(v);
    byValue.set(text, [...(byValue.get(text) ?? []), i]);
  }

  // Reads-from: each read's sources (-1: the initial value); skipped reads have none.
  const sources = new Map<number, number[]>();
  let skipped = 0;
  for (const [i, op] of ops.entries()) {
    const values = readValues(op);
    if (values === undefined) continue;
    const byValue = writers.get(keyOf(op));
    const from: number[] = [];
    for (const v of values) {
      const list = byValue?.get(canonicalJson(v));
      if (list === undefined && v === null) from.push(-1);
      else if (list !== undefined && v !== null && list.length === 1 && list[0] !== i) {
        from.push(list[0]!);
      } else {
        from.length = 0;
        break;
      }
    }
    if (from.length === 0) skipped++;
    else sources.set(i, from);
  }

  // A write counts if it was ok, or if some read returned its value.
  const observed = new Set([...sources.values()].flat());
  const isWrite = (i: number) =>
    written(ops[i]!) !== NOT_A_WRITE && (ops[i]!.status === "ok" || observed.has(i));

  // Edges: process order and reads-from.
  const succ: number[][] = Array.from({ length: n }, () => []);
  const byProcess = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const p = ops[i]!.process;
    byProcess.set(p, [...(byProcess.get(p) ?? []), i]);
  }
  for (const list of byProcess.values()) {
    list.sort((a, b) => ops[a]!.call - ops[b]!.call || ops[a]!.id - ops[b]!.id);
    for (let j = 1; j < list.length; j++) succ[list[j - 1]!]!.push(list[j]!);
  }
  for (const [r, from] of sources) for (const w of from) if (w >= 0) succ[w]!.push(r);

  const violations: CausalViolation[] = [];
  const order = topologicalOrder(succ);
  if (order === undefined) {
    const cycle = findCycle(succ);
    violations.push({
      pattern: "cyclic-causal-order",
      key: keyOf(ops[cycle[0]!]!),
      operations: cycle.map((i) => ops[i]!),
      explanation: "causal violated: " + chain(ops, cycle, sources) + " → back to " +
        `#${ops[cycle[0]!]!.id}: an operation would depend on itself.`,
    });
    return { ok: false, checked: true, violations, skipped, operations: n };
  }

  // reach[i]: everything causally after i (i excluded).
  const reach = Array.from({ length: n }, () => new Bits(n));
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    for (const s of succ[i]!) {
      reach[i]!.add(s);
      reach[i]!.or(reach[s]!);
    }
  }
  const writesOf = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    if (!isWrite(i)) continue;
    const k = keyOf(ops[i]!);
    writesOf.set(k, [...(writesOf.get(k) ?? []), i]);
  }

  for (const r of [...sources.keys()].sort((a, b) => a - b)) {
    if (violations.length >= MAX_VIOLATIONS) break;
    const key = keyOf(ops[r]!);
    const ws = writesOf.get(key) ?? [];
    for (const s of sources.get(r)!) {
      const between = ws.find((w) =>
        w !== s && w !== r && reach[w]!.has(r) && (s < 0 || reach[s]!.has(w))
      );
      if (between === undefined) continue;
      const path = [
        ...(s < 0 ? [] : pathBetween(succ, s, between).slice(0, -1)),
        ...pathBetween(succ, between, r),
      ];
      const saw = s < 0 ? "the initial value null" : `${show(written(ops[s]!))} (#${ops[s]!.id})`;
      violations.push({
        pattern: s < 0 ? "overwritten-initial-value" : "overwritten-value",
        key,
        operations: path.map((i) => ops[i]!),
        explanation: `causal violated on key ${JSON.stringify(key)}: p${ops[r]!.process} ` +
          `read ${saw} in #${ops[r]!.id}, but ${key} = ${show(written(ops[between]!))} ` +
          `(#${ops[between]!.id}) was written after it in that read's causal past: ` +
          chain(ops, path, sources) + ".",
      });
      break;
    }
  }
  return { ok: violations.length === 0, checked: true, violations, skipped, operations: n };
}

function show(v: unknown): string {
  return canonicalJson(v);
}

/** `#0 write x=1 (p0) → #1 write y=1 (p0) → #2 read y=1 (p1) …` */
function chain(
  ops: readonly Operation[],
  path: readonly number[],
  sources: ReadonlyMap<number, number[]>,
): string {
  return path.map((i) => {
    const op = ops[i]!;
    const what = op.f === "read"
      ? `read ${op.key}=${
        sources.has(i) ? (readValues(op) ?? []).map(show).join("|") : show(op.output)
      }`
      : op.f === "cas"
      ? `cas ${op.key} ${show((op.input as unknown[])[0])}→${show((op.input as unknown[])[1])}`
      : `${op.f} ${op.key}=${show(written(op))}`;
    return `#${op.id} ${what} (p${op.process})`;
  }).join(" → ");
}

function topologicalOrder(succ: readonly number[][]): number[] | undefined {
  const indegree = new Array<number>(succ.length).fill(0);
  for (const list of succ) for (const s of list) indegree[s]!++;
  const ready: number[] = [];
  for (let i = 0; i < succ.length; i++) if (indegree[i] === 0) ready.push(i);
  const order: number[] = [];
  while (ready.length > 0) {
    const i = ready.pop()!;
    order.push(i);
    for (const s of succ[i]!) if (--indegree[s]! === 0) ready.push(s);
  }
  return order.length === succ.length ? order : undefined;
}

/** A shortest path from `a` to `b` (both included); `[a, b]` if none is found. */
function pathBetween(succ: readonly number[][], a: number, b: number): number[] {
  const parent = new Map<number, number>([[a, a]]);
  const queue = [a];
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    if (i === b) break;
    for (const s of succ[i]!) {
      if (parent.has(s)) continue;
      parent.set(s, i);
      queue.push(s);
    }
  }
  if (!parent.has(b)) return [a, b];
  const path = [b];
  while (path[0] !== a) path.unshift(parent.get(path[0]!)!);
  return path;
}

/** The nodes of one cycle, in order (the graph is known to have one). */
function findCycle(succ: readonly number[][]): number[] {
  const color = new Array<number>(succ.length).fill(0);
  const stack: number[] = [];
  const visit = (i: number): number[] | undefined => {
    color[i] = 1;
    stack.push(i);
    for (const s of succ[i]!) {
      if (color[s] === 1) return stack.slice(stack.indexOf(s));
      if (color[s] === 0) {
        const c = visit(s);
        if (c !== undefined) return c;
      }
    }
    color[i] = 2;
    stack.pop();
    return undefined;
  };
  for (let i = 0; i < succ.length; i++) {
    if (color[i] !== 0) continue;
    const c = visit(i);
    if (c !== undefined) return c;
  }
  return [];
}
