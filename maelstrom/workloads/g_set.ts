/**
 * Maelstrom's `g-set` workload: `add` (a unique integer `element`) and `read` (the set,
 * as `value`). Checked as a grow-only set: every node must end up with every acknowledged
 * element, and no read may hold an element never added.
 *
 * @module
 */

import { completeWith, type Workload } from "../workload.ts";
import { checkSet, finalSetReads } from "./grow_only_set.ts";

/**
 * A g-set workload.
 *
 * @example
 * ```ts
 * import { gSetWorkload } from "./g_set.ts";
 * import { createRng } from "../../protocols/random.ts";
 * ["add", "read"].includes(gSetWorkload().invoke(createRng(1), 0).f); // true
 * ```
 */
export function gSetWorkload(): Workload {
  let next = 0;
  return {
    name: "g-set",
    invoke(rng) {
      if (rng.next() < 0.5) {
        const element = next++;
        return { f: "add", value: element, body: { type: "add", element } };
      }
      return { f: "read", body: { type: "read" } };
    },
    complete(inv, reply) {
      return inv.f === "add"
        ? completeWith(reply, "add", () => inv.value)
        : completeWith(reply, "read", (b) => b.value);
    },
    final: (ctx) => finalSetReads(ctx, "add"),
    check: (history, nodeIds, finalFrom) =>
      checkSet(history, nodeIds, finalFrom, "add", ": did the nodes share their adds?"),
  };
}
