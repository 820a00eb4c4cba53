/**
 * Linearizability checker throughput on generated histories.
 *
 * Histories come from a simulated linearizable store: each client invokes operations
 * one after another, every operation takes effect at a random instant inside its
 * [call, return] interval, and reads see the value at that instant — so every generated
 * history is linearizable and the checker must search to prove it. A few operations end
 * `info` (their effect may or may not have happened; the client then continues as a new
 * process, as in Jepsen). All randomness comes from a seeded mulberry32.
 *
 * Cases (the first two are the brief's; the others show a violation, more overlap, and
 * scale):
 * - (a) kv: 100 keys, 10,000 operations, 10 clients (read / write / cas);
 * - (b) one key, 1,000 operations, 5 clients with long, heavily overlapping operations
 *   (the hard case); (b') the same with one read made stale, so the checker must prove a
 *   violation (and confirm it with the exact search);
 * - (c) one key, 2,000 operations, 10 clients, 5% info: more overlap and more pending
 *   info operations, a heavier search;
 * - (a') kv with 10,000 operations per key (1,000,000 in all), timed once.
 *
 * Each line prints operations checked per second and, as the anchor from the same run,
 * the rate at which the same history is merely parsed from JSON Lines and paired.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import { formatHistory, parseHistory } from "../history/jsonl.ts";
import { toOperations } from "../history/operations.ts";
import { checkLinearizability } from "../checker/linearizability.ts";
import { kvModel } from "../checker/models.ts";
import type { AnyModel } from "../checker/model.ts";

/** Seeded PRNG (mulberry32), in [0, 1). */
function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GenOptions {
  readonly seed: number;
  readonly keys: number;
  readonly operations: number;
  readonly clients: number;
  /** Idle time between a client's operations, ns: uniform in [0, gap]. */
  readonly gap: number;
  /** Operation latency, ns: uniform in [minLatency, maxLatency]. */
  readonly minLatency: number;
  readonly maxLatency: number;
  /** Probability that an operation ends `info`. */
  readonly infoRate: number;
}

interface PlannedOp {
  process: number;
  f: "read" | "write" | "cas";
  key: string;
  call: number;
  ret: number;
  effect: number;
  info: boolean;
  input: unknown;
  output: unknown;
  status: "ok" | "fail" | "info";
}

/**
 * Generates a linearizable history (events sorted by time).
 *
 * @example
 * ```ts
 * import { generateHistory } from "./checker_bench.ts";
 * const h = generateHistory({
 *   seed: 1, keys: 2, operations: 100, clients: 3, gap: 50, minLatency: 10, maxLatency: 100,
 *   infoRate: 0,
 * });
 * h.length; // 200: an invoke and a completion per operation
 * ```
 */
export function generateHistory(o: GenOptions): HistoryEvent[] {
  const rnd = mulberry32(o.seed);
  const cursor = new Float64Array(o.clients);
  const process = Array.from({ length: o.clients }, (_, i) => i);
  const planned: PlannedOp[] = [];
  for (let i = 0; i < o.operations; i++) {
    let c = 0;
    for (let j = 1; j < o.clients; j++) if (cursor[j] < cursor[c]) c = j;
    const call = cursor[c] + Math.floor(rnd() * o.gap);
    const ret = call + o.minLatency + Math.floor(rnd() * (o.maxLatency - o.minLatency));
    const u = rnd();
    const f = u < 0.5 ? "read" : u < 0.85 ? "write" : "cas";
    const info = rnd() < o.infoRate;
    planned.push({
      process: process[c],
      f,
      key: `k${Math.floor(rnd() * o.keys)}`,
      call,
      ret,
      effect: call + rnd() * (ret - call),
      info,
      input: undefined,
      output: undefined,
      status: "ok",
    });
    cursor[c] = ret;
    if (info) process[c] += o.clients; // a client with an unknown outcome starts afresh
  }
  // Apply effects in effect order to find what each operation saw.
  const byEffect = planned.slice().sort((a, b) => a.effect - b.effect);
  const value = new Map<string, unknown>();
  let nextValue = 1;
  for (const op of byEffect) {
    const current = value.get(op.key) ?? null;
    if (op.f === "read") {
      op.output = current;
      op.status = op.info ? "info" : "ok";
    } else if (op.f === "write") {
      op.input = nextValue++;
      op.output = op.input;
      if (!op.info || rnd() < 0.5) value.set(op.key, op.input);
      op.status = op.info ? "info" : "ok";
    } else {
      const expected = rnd() < 0.5 ? current : nextValue++;
      const next = nextValue++;
      op.input = [expected, next];
      op.output = op.input;
      const matches = expected === current;
      if (op.info) {
        if (matches && rnd() < 0.5) value.set(op.key, next);
        op.status = "info";
      } else {
        if (matches) value.set(op.key, next);
        op.status = matches ? "ok" : "fail";
      }
    }
  }
  const events: { e: HistoryEvent; order: number }[] = [];
  planned.forEach((op, i) => {
    const invoke: HistoryEvent = op.f === "read"
      ? { process: op.process, type: "invoke", f: op.f, key: op.key, time: op.call }
      : {
        process: op.process,
        type: "invoke",
        f: op.f,
        key: op.key,
        value: op.input,
        time: op.call,
      };
    events.push({ e: invoke, order: 2 * i });
    const done: HistoryEvent = op.status === "info"
      ? { process: op.process, type: "info", f: op.f, key: op.key, time: op.ret, error: "timeout" }
      : {
        process: op.process,
        type: op.status,
        f: op.f,
        key: op.key,
        value: op.output,
        time: op.ret,
      };
    events.push({ e: done, order: 2 * i + 1 });
  });
  events.sort((a, b) => a.e.time - b.e.time || a.order - b.order);
  return events.map((x) => x.e);
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

function rate(ops: number, ms: number): string {
  return Math.round(ops / (ms / 1000)).toLocaleString("en-US");
}

/**
 * Times parse+pair (the anchor) and the check, alternating, `runs` times after one
 * warm-up, and prints medians and the median of the per-run time ratios (the ratio is
 * steadier than either figure on a busy machine).
 */
function measure(label: string, events: HistoryEvent[], model: AnyModel, runs: number): void {
  const text = formatHistory(events);
  const nOps = events.filter((e) => e.type === "invoke").length;
  const parseMs: number[] = [];
  const checkMs: number[] = [];
  const ratios: number[] = [];
  let steps = 0;
  let verdict = "";
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now();
    const ops = toOperations(parseHistory(text));
    const t1 = performance.now();
    const result = checkLinearizability(ops, model);
    const t2 = performance.now();
    steps = result.steps;
    verdict = result.verdict;
    if (r === 0 && runs > 1) continue; // warm-up
    parseMs.push(t1 - t0);
    checkMs.push(t2 - t1);
    ratios.push((t2 - t1) / (t1 - t0));
  }
  const p = median(parseMs);
  const c = median(checkMs);
  console.log(
    `${label}: check ${rate(nOps, c)} ops/s (${c.toFixed(1)} ms, median of ${checkMs.length};` +
      ` ${verdict}, ${steps.toLocaleString("en-US")} steps)` +
      ` | anchor parse+pair ${rate(nOps, p)} ops/s (${p.toFixed(1)} ms)` +
      ` | check/parse time ${median(ratios).toFixed(2)}x`,
  );
}

/** The same history with one late read changed to return a long-overwritten value. */
function withStaleRead(events: readonly HistoryEvent[]): HistoryEvent[] {
  const writes = events.filter((e) => e.type === "ok" && e.f === "write");
  const old = writes[Math.floor(writes.length * 0.1)].value;
  const reads = events
    .map((e, i) => [e, i] as const)
    .filter(([e]) => e.type === "ok" && e.f === "read" && e.value !== old);
  const [victim, at] = reads[Math.floor(reads.length * 0.9)];
  const out = events.slice();
  out[at] = { ...victim, value: old };
  return out;
}

/**
 * Runs the checker benchmark and prints one line per case.
 *
 * @example
 * ```ts
 * import { run } from "./checker_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const a = generateHistory({
    seed: 1,
    keys: 100,
    operations: 10_000,
    clients: 10,
    gap: 50,
    minLatency: 10,
    maxLatency: 300,
    infoRate: 0.01,
  });
  measure("checker (a) kv 100 keys x 10,000 ops x 10 clients", a, kvModel, 15);
  const b = generateHistory({
    seed: 2,
    keys: 1,
    operations: 1_000,
    clients: 5,
    gap: 20,
    minLatency: 10,
    maxLatency: 400,
    infoRate: 0.02,
  });
  measure("checker (b) 1 key x 1,000 ops x 5 clients, 2% info (hard)", b, kvModel, 31);
  measure(
    "checker (b') same with one stale read (not-linearizable)",
    withStaleRead(b),
    kvModel,
    31,
  );
  const c = generateHistory({
    seed: 3,
    keys: 1,
    operations: 2_000,
    clients: 10,
    gap: 20,
    minLatency: 10,
    maxLatency: 800,
    infoRate: 0.05,
  });
  measure("checker (c) 1 key x 2,000 ops x 10 clients, 5% info (stress)", c, kvModel, 11);
  const big = generateHistory({
    seed: 4,
    keys: 100,
    operations: 1_000_000,
    clients: 10,
    gap: 50,
    minLatency: 10,
    maxLatency: 300,
    infoRate: 0.01,
  });
  measure(
    "checker (a') kv 100 keys x 10,000 ops each (1,000,000 ops) x 10 clients",
    big,
    kvModel,
    1,
  );
  await Promise.resolve();
}

if (import.meta.main) await run();
