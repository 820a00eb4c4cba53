/**
 * What broadcast and g-set share: values are added, and reads return the set a node
 * holds. After the faults heal, every node is read until it holds every acknowledged
 * value or the recovery time runs out; the checker wants each node's last final read to
 * hold every acknowledged value and nothing that was never added.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import type { HistoryEvent } from "../../history/event.ts";
import { completedOps, type PhaseContext, type Verdict } from "../workload.ts";

/** Pause between rounds of final reads. */
const FINAL_POLL_MS = 100;

/**
 * Reads every node until each holds every value acknowledged by an `addF` operation, or
 * the recovery time runs out.
 *
 * @example
 * ```ts ignore
 * import { finalSetReads } from "./grow_only_set.ts";
 * await finalSetReads(ctx, "add");
 * ```
 */
export async function finalSetReads(ctx: PhaseContext, addF: string): Promise<void> {
  const acked = acknowledged(ctx.history(), addF);
  const waiting = new Set(ctx.nodeIds);
  const deadline = performance.now() + ctx.recoveryMs;
  for (;;) {
    await Promise.all([...waiting].map(async (n) => {
      const c = await ctx.run(n, { f: "read", body: { type: "read" } });
      if (c.type === "ok" && missing(acked, c.value).length === 0) waiting.delete(n);
    }));
    if (waiting.size === 0 || performance.now() >= deadline) return;
    await delay(FINAL_POLL_MS);
  }
}

/**
 * The verdict on a grow-only set history; `hint` ends each "never got" line with a
 * question that points at the likely fault.
 *
 * @example
 * ```ts
 * import { checkSet } from "./grow_only_set.ts";
 * checkSet([], ["n0"], 0, "add", "").explanation; // "no final read of n0 succeeded"
 * ```
 */
export function checkSet(
  history: readonly HistoryEvent[],
  nodeIds: readonly string[],
  finalFrom: number,
  addF: string,
  hint: string,
): Verdict {
  const acked = acknowledged(history, addF);
  const attempted = new Set<unknown>();
  for (const e of history) if (e.type === "invoke" && e.f === addF) attempted.add(e.value);
  const problems: string[] = [];
  const lost: Record<string, unknown[]> = {};
  const unexpected = new Set<unknown>();
  for (const { done } of completedOps(history)) {
    if (done?.type !== "ok" || done.f !== "read" || !Array.isArray(done.value)) continue;
    for (const v of done.value) if (!attempted.has(v)) unexpected.add(v);
  }
  for (const n of nodeIds) {
    const last = lastFinalRead(history, n, finalFrom);
    if (last === undefined) {
      problems.push(`no final read of ${n} succeeded`);
      continue;
    }
    const miss = missing(acked, last.value);
    if (miss.length > 0) {
      lost[n] = miss;
      problems.push(
        `${n} never got ${miss.length} of the ${acked.size} acknowledged values (e.g. ${
          miss.slice(0, 5).join(", ")
        })${hint}`,
      );
    }
  }
  if (unexpected.size > 0) {
    problems.push(`reads returned values never added: ${[...unexpected].slice(0, 5).join(", ")}`);
  }
  const stable = stableLatencies(history, addF);
  const details = {
    "acknowledged-count": acked.size,
    "attempt-count": attempted.size,
    lost,
    "unexpected-count": unexpected.size,
    "stable-latencies": stable,
  };
  const latency = stable === null
    ? ""
    : `; stable latency p50 ${stable["0.5"]} ms, p99 ${stable["0.99"]} ms`;
  return problems.length === 0
    ? {
      valid: true,
      explanation: `every node read all ${acked.size} acknowledged values${latency}`,
      details,
    }
    : { valid: false, explanation: problems.join("; "), details };
}

/**
 * The last ok read of `node` that began at or after `from` (ns).
 *
 * @example
 * ```ts
 * import { lastFinalRead } from "./grow_only_set.ts";
 * lastFinalRead([
 *   { process: 9, type: "invoke", f: "read", time: 40, node: "n0" },
 *   { process: 9, type: "ok", f: "read", value: [1], time: 50, node: "n0" },
 * ], "n0", 10)?.value; // [1]
 * ```
 */
export function lastFinalRead(
  history: readonly HistoryEvent[],
  node: string,
  from: number,
): HistoryEvent | undefined {
  let last: HistoryEvent | undefined = undefined;
  for (const { invoke, done } of completedOps(history)) {
    if (invoke.time < from || invoke.f !== "read" || done?.type !== "ok" || done.node !== node) {
      continue;
    }
    if (last === undefined || done.time > last.time) last = done;
  }
  return last;
}

/**
 * Maelstrom's stable latencies (ms): for each value added, how long after its add was
 * invoked the last read that missed it returned — from then on every read had it.
 * Quantiles 0, 0.5, 0.95, 0.99 and 1; null when no value was added.
 *
 * @example
 * ```ts
 * import { stableLatencies } from "./grow_only_set.ts";
 * stableLatencies([
 *   { process: 0, type: "invoke", f: "add", value: 1, time: 0 },
 *   { process: 0, type: "ok", f: "add", value: 1, time: 1e6 },
 *   { process: 1, type: "invoke", f: "read", time: 2e6 },
 *   { process: 1, type: "ok", f: "read", value: [], time: 5e6 },
 * ], "add")?.["1"]; // 5: the read that missed it ended 5 ms after the add began
 * ```
 */
export function stableLatencies(
  history: readonly HistoryEvent[],
  addF: string,
): Record<string, number> | null {
  const ops = completedOps(history);
  const reads = ops.filter(({ invoke, done }) =>
    invoke.f === "read" && done?.type === "ok" && Array.isArray(done.value)
  ).map(({ invoke, done }) => ({
    call: invoke.time,
    ret: done!.time,
    has: new Set(done!.value as unknown[]),
  }));
  const lat: number[] = [];
  for (const { invoke, done } of ops) {
    if (invoke.f !== addF || done?.type !== "ok") continue;
    let lastMiss = invoke.time;
    for (const r of reads) {
      if (r.call >= invoke.time && !r.has.has(invoke.value) && r.ret > lastMiss) lastMiss = r.ret;
    }
    lat.push((lastMiss - invoke.time) / 1e6);
  }
  if (lat.length === 0) return null;
  lat.sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]! * 1000) / 1000;
  return { "0": q(0), "0.5": q(0.5), "0.95": q(0.95), "0.99": q(0.99), "1": q(1) };
}

function acknowledged(history: readonly HistoryEvent[], addF: string): Set<unknown> {
  const s = new Set<unknown>();
  for (const e of history) if (e.type === "ok" && e.f === addF) s.add(e.value);
  return s;
}

function missing(acked: Set<unknown>, read: unknown): unknown[] {
  const have = new Set(Array.isArray(read) ? read : []);
  return [...acked].filter((v) => !have.has(v)).sort((a, b) => Number(a) - Number(b));
}
