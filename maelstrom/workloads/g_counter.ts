/**
 * Maelstrom's `g-counter` workload: `add` (a non-negative `delta`) and `read` (`value`).
 * Nodes usually keep the count in the `seq-kv` service. After the faults heal, every
 * node is read until its value lies between the sum of acknowledged adds and the sum of
 * every add that may have happened, or the recovery time runs out. Valid when each
 * node's last final read lies there.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import type { HistoryEvent } from "../../history/event.ts";
import { completedOps, completeWith, type Workload } from "../workload.ts";
import { lastFinalRead } from "./broadcast.ts";

const FINAL_POLL_MS = 100;

/**
 * A g-counter workload.
 *
 * @example
 * ```ts
 * import { gCounterWorkload } from "./g_counter.ts";
 * import { createRng } from "../../protocols/random.ts";
 * ["add", "read"].includes(gCounterWorkload().invoke(createRng(1), 0).f); // true
 * ```
 */
export function gCounterWorkload(): Workload {
  return {
    name: "g-counter",
    invoke(rng) {
      if (rng.next() < 0.5) {
        const delta = rng.int(5);
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
      const { lower } = bounds(ctx.history());
      const waiting = new Set(ctx.nodeIds);
      const deadline = performance.now() + ctx.recoveryMs;
      for (;;) {
        await Promise.all([...waiting].map(async (n) => {
          const c = await ctx.run(n, { f: "read", body: { type: "read" } });
          // Reaching the acknowledged sum settles a grow-only count: if it is also above
          // every possible add, it can never come back down, so asking again is no use.
          if (c.type === "ok" && typeof c.value === "number" && c.value >= lower) {
            waiting.delete(n);
          }
        }));
        if (waiting.size === 0 || performance.now() >= deadline) return;
        await delay(FINAL_POLL_MS);
      }
    },
    check(history, nodeIds, finalFrom) {
      const { lower, upper, acked, unknown } = bounds(history);
      const problems: string[] = [];
      const finals: Record<string, unknown> = {};
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
            `${n} reads ${v} but at most ${upper} was ever added (${lower} acknowledged + ${
              upper - lower
            } of unknown outcome): an add was counted more than once (a retried add counted twice?)`,
          );
        } else if (v < lower) {
          problems.push(
            `${n} reads ${v} but ${lower} was acknowledged: ${
              lower - v
            } of acknowledged adds never reached it`,
          );
        }
      }
      const details = {
        lower,
        upper,
        "acknowledged-adds": acked,
        "unknown-adds": unknown,
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
  let lower = 0;
  let possible = 0;
  let acked = 0;
  let unknown = 0;
  for (const { invoke, done } of completedOps(history)) {
    if (invoke.f !== "add" || typeof invoke.value !== "number") continue;
    if (done?.type === "ok") {
      lower += invoke.value;
      acked++;
    } else if (done === null || done.type === "info") {
      possible += invoke.value;
      unknown++;
    }
  }
  return { lower, upper: lower + possible, acked, unknown };
}
