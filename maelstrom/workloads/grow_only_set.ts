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
  const details = {
    "acknowledged-count": acked.size,
    "attempt-count": attempted.size,
    lost,
    "unexpected-count": unexpected.size,
  };
  return problems.length === 0
    ? { valid: true, explanation: `every node read all ${acked.size} acknowledged values`, details }
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

function acknowledged(history: readonly HistoryEvent[], addF: string): Set<unknown> {
  const s = new Set<unknown>();
  for (const e of history) if (e.type === "ok" && e.f === addF) s.add(e.value);
  return s;
}

function missing(acked: Set<unknown>, read: unknown): unknown[] {
  const have = new Set(Array.isArray(read) ? read : []);
  return [...acked].filter((v) => !have.has(v)).sort((a, b) => Number(a) - Number(b));
}
