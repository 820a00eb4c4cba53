/**
 * Maelstrom's counter workloads: `g-counter` (`add` a non-negative `delta`) and
 * `pn-counter` (`delta` of either sign), with `read` (`value`). Nodes usually keep the
 * count in the `seq-kv` service. After the faults heal, every node is read until its
 * value lies between the lowest and highest sums the history allows (acknowledged adds,
 * plus any subset of the adds of unknown outcome), or the recovery time runs out. Valid
 * when each node's last final read lies there.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import type { HistoryEvent } from "../../history/event.ts";
import { completedOps, completeWith, type Workload } from "../workload.ts";
import { lastFinalRead } from "./grow_only_set.ts";

const FINAL_POLL_MS = 100;

/**
 * A counter workload; `kind` says whether deltas may be negative.
 *
 * @example
 * ```ts
 * import { counterWorkload } from "./counter.ts";
 * import { createRng } from "../../protocols/random.ts";
 * ["add", "read"].includes(counterWorkload("g-counter").invoke(createRng(1), 0).f); // true
 * ```
 */
export function counterWorkload(kind: "g-counter" | "pn-counter"): Workload {
  const grows = kind === "g-counter";
  return {
    name: kind,
    invoke(rng) {
      if (rng.next() < 0.5) {
        const delta = grows ? rng.int(5) : rng.int(11) - 5;
        return { f: "add", value: delta, body: { type: "add", delta } };
      }
      return { f: "read", body: { type: "read" } };
    },
    complete(inv, reply) {
      return inv.f === "add"
        ? completeWith(reply, "add", () => inv.value)
        : completeWith(reply, "read", (b) => b.value);
    },
    async final(ctx) {
      const { lower, upper, acked } = bounds(ctx.history());
      const waiting = new Set(ctx.nodeIds);
      const deadline = performance.now() + ctx.recoveryMs;
      for (;;) {
        await Promise.all([...waiting].map(async (n) => {
          const c = await ctx.run(n, { f: "read", body: { type: "read" } });
          if (c.type !== "ok" || typeof c.value !== "number") return;
          // A grow-only count that reached the acknowledged sum has settled: if it is
          // also above every possible sum it can never come back down, so asking again
          // is no use. A pn-counter may still move: wait until it is in range.
          if (grows ? c.value >= acked : c.value >= lower && c.value <= upper) waiting.delete(n);
        }));
        if (waiting.size === 0 || performance.now() >= deadline) return;
        await delay(FINAL_POLL_MS);
      }
    },
    check(history, nodeIds, finalFrom) {
      const { lower, upper, acked, ackedCount, unknownCount } = bounds(history);
      const problems: string[] = [];
      const finals: Record<string, unknown> = {};
      const range = `${acked} acknowledged, ${unknownCount} adds of unknown outcome`;
      for (const n of nodeIds) {
        const last = lastFinalRead(history, n, finalFrom);
        if (last === undefined) {
          problems.push(`no final read of ${n} succeeded`);
          continue;
        }
        const v = last.value;
        finals[n] = v;
        if (typeof v !== "number") {
          problems.push(`${n}'s final read is not a number: ${JSON.stringify(v)}`);
        } else if (v > upper) {
          problems.push(
            `${n} reads ${v} but the sum can be at most ${upper} (${range}): ` +
              `an add was counted more than once (a retried add counted twice?)`,
          );
        } else if (v < lower) {
          problems.push(
            `${n} reads ${v} but the sum is at least ${lower} (${range}): ` +
              `acknowledged adds are missing (never reached it, or overwritten from a stale read?)`,
          );
        }
      }
      const details = {
        lower,
        upper,
        "acknowledged-adds": ackedCount,
        "unknown-adds": unknownCount,
        "final-reads": finals,
      };
      return problems.length === 0
        ? {
          valid: true,
          explanation: `every node's final read lies in [${lower}, ${upper}]`,
          details,
        }
        : { valid: false, explanation: problems.join("; "), details };
    },
  };
}

function bounds(history: readonly HistoryEvent[]) {
  let acked = 0;
  let minus = 0;
  let plus = 0;
  let ackedCount = 0;
  let unknownCount = 0;
  for (const { invoke, done } of completedOps(history)) {
    if (invoke.f !== "add" || typeof invoke.value !== "number") continue;
    if (done?.type === "ok") {
      acked += invoke.value;
      ackedCount++;
    } else if (done === null || done.type === "info") {
      if (invoke.value < 0) minus += invoke.value;
      else plus += invoke.value;
      unknownCount++;
    }
  }
  return { lower: acked + minus, upper: acked + plus, acked, ackedCount, unknownCount };
}
