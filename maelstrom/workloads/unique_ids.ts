/**
 * Maelstrom's `unique-ids` workload: `generate` → `generate_ok` with an `id` of any JSON
 * type. Valid when no two acknowledged ids are equal.
 *
 * @module
 */

import { canonicalJson } from "../../checker/canonical_json.ts";
import { completedOps, completeWith, type Workload } from "../workload.ts";

/**
 * The unique-ids workload.
 *
 * @example
 * ```ts
 * import { uniqueIdsWorkload } from "./unique_ids.ts";
 * import { createRng } from "../../protocols/random.ts";
 * uniqueIdsWorkload.invoke(createRng(1), 0).body; // { type: "generate" }
 * ```
 */
export const uniqueIdsWorkload: Workload = {
  name: "unique-ids",
  invoke: () => ({ f: "generate", body: { type: "generate" } }),
  complete: (_inv, reply) => completeWith(reply, "generate", (b) => b.id),
  check(history) {
    const seen = new Map<string, string>();
    const dups: string[] = [];
    let ok = 0;
    for (const { done } of completedOps(history)) {
      if (done?.type !== "ok") continue;
      ok++;
      const id = canonicalJson(done.value ?? null);
      const who = `${done.node ?? "?"} (process ${done.process})`;
      const first = seen.get(id);
      if (first === undefined) seen.set(id, who);
      else dups.push(`id ${id} given to ${first} and again to ${who}`);
    }
    return dups.length === 0
      ? { valid: true, explanation: `all ${ok} ids are distinct`, details: { ok, distinct: ok } }
      : {
        valid: false,
        explanation: `${dups.length} duplicate ids among ${ok}; first: ${dups[0]}`,
        details: { ok, distinct: seen.size, duplicates: dups.slice(0, 10) },
      };
  },
};
