/**
 * Maelstrom's `broadcast` workload: a `topology` message to every node first, then
 * `broadcast` (a unique integer `message`) and `read` (all `messages` a node has). After
 * the faults heal, every node is read until it holds every acknowledged value or the
 * recovery time runs out. Valid when each node's last final read holds every
 * acknowledged value and no value that was never broadcast.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import type { HistoryEvent } from "../../history/event.ts";
import { completedOps, completeWith, type Workload } from "../workload.ts";
import { topology } from "./topology.ts";

/** Pause between rounds of final reads. */
const FINAL_POLL_MS = 100;

/**
 * A broadcast workload offering topology `topologyName`.
 *
 * @example
 * ```ts
 * import { broadcastWorkload } from "./broadcast.ts";
 * import { createRng } from "../../protocols/random.ts";
 * const w = broadcastWorkload("grid");
 * ["broadcast", "read"].includes(w.invoke(createRng(1), 0).f); // true
 * ```
 */
export function broadcastWorkload(topologyName: string): Workload {
  let next = 0;
  return {
    name: "broadcast",
    async setup(ctx) {
      const topo = topology(topologyName, ctx.nodeIds);
      await Promise.all(
        ctx.nodeIds.map((n) => ctx.request(n, { type: "topology", topology: topo })),
      );
    },
    invoke(rng) {
      if (rng.next() < 0.5) {
        const message = next++;
        return { f: "broadcast", value: message, body: { type: "broadcast", message } };
      }
      return { f: "read", body: { type: "read" } };
    },
    complete(inv, reply) {
      return inv.f === "broadcast"
        ? completeWith(reply, "broadcast", () => inv.value)
        : completeWith(reply, "read", (b) => b.messages);
    },
    async final(ctx) {
      const acked = acknowledged(ctx.history());
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
    },
    check(history, nodeIds, finalFrom) {
      const acked = acknowledged(history);
      const attempted = new Set<unknown>();
      for (const e of history) {
        if (e.type === "invoke" && e.f === "broadcast") attempted.add(e.value);
      }
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
            }): were they gossiped to it?`,
          );
        }
      }
      if (unexpected.size > 0) {
        problems.push(
          `reads returned values never broadcast: ${[...unexpected].slice(0, 5).join(", ")}`,
        );
      }
      const details = {
        "acknowledged-count": acked.size,
        "attempt-count": attempted.size,
        lost,
        "unexpected-count": unexpected.size,
      };
      return problems.length === 0
        ? {
          valid: true,
          explanation: `every node read all ${acked.size} acknowledged values`,
          details,
        }
        : { valid: false, explanation: problems.join("; "), details };
    },
  };
}

function acknowledged(history: readonly HistoryEvent[]): Set<unknown> {
  const s = new Set<unknown>();
  for (const e of history) if (e.type === "ok" && e.f === "broadcast") s.add(e.value);
  return s;
}

function missing(acked: Set<unknown>, read: unknown): unknown[] {
  const have = new Set(Array.isArray(read) ? read : []);
  return [...acked].filter((v) => !have.has(v)).sort((a, b) => Number(a) - Number(b));
}

/**
 * The last ok read of `node` that began at or after `from` (ns).
 *
 * @example
 * ```ts
 * import { lastFinalRead } from "./broadcast.ts";
 * lastFinalRead([{ process: 9, type: "ok", f: "read", value: [1], time: 50, node: "n0" }], "n0", 10)?.value; // [1]
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
