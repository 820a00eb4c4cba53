/**
 * Maelstrom's `broadcast` workload: a `topology` message to every node first, then
 * `broadcast` (a unique integer `message`) and `read` (all `messages` a node has).
 * Checked as a grow-only set: every node must end up with every acknowledged value.
 *
 * @module
 */

import { completeWith, type Workload } from "../workload.ts";
import { checkSet, finalSetReads } from "./grow_only_set.ts";
import { topology } from "./topology.ts";

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
    final: (ctx) => finalSetReads(ctx, "broadcast"),
    check: (history, nodeIds, finalFrom) =>
      checkSet(history, nodeIds, finalFrom, "broadcast", ": were they gossiped to it?"),
  };
}
