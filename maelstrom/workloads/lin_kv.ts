/**
 * Maelstrom's `lin-kv` workload: `read`, `write` and `cas` (`from`, `to`) on a few
 * integer keys, with small integer values so that operations collide. A read of a
 * missing key (error 20) returned nothing, so it is an ok read of `null`. The history is
 * checked by distlab's linearizability checker with its `kv` model, key by key.
 *
 * @module
 */

import { checkLinearizability } from "../../checker/linearizability.ts";
import { kvModel } from "../../checker/models.ts";
import { ERROR } from "../../protocols/errors.ts";
import { completeWith, errorText, type Workload } from "../workload.ts";

/** Search budget: a checker that gives up says `unknown`, never a wrong verdict. */
const CHECK_STEPS = 20_000_000;

/**
 * A lin-kv workload over keys `0 … keyCount-1`.
 *
 * @example
 * ```ts
 * import { linKvWorkload } from "./lin_kv.ts";
 * import { createRng } from "../../protocols/random.ts";
 * ["read", "write", "cas"].includes(linKvWorkload(3).invoke(createRng(1), 0).f); // true
 * ```
 */
export function linKvWorkload(keyCount: number): Workload {
  return {
    name: "lin-kv",
    invoke(rng) {
      const k = rng.int(keyCount);
      const key = String(k);
      const r = rng.int(3);
      if (r === 0) return { f: "read", key, body: { type: "read", key: k } };
      if (r === 1) {
        const value = rng.int(5);
        return { f: "write", key, value, body: { type: "write", key: k, value } };
      }
      const from = rng.int(5);
      const to = rng.int(5);
      return { f: "cas", key, value: [from, to], body: { type: "cas", key: k, from, to } };
    },
    complete(inv, reply) {
      if (inv.f === "read") {
        if (reply.type === "error" && reply.code === ERROR["key-does-not-exist"]) {
          return { type: "ok", value: null };
        }
        return completeWith(reply, "read", (b) => b.value ?? null);
      }
      if (reply.type === "error") {
        const c = completeWith(reply, inv.f, () => undefined);
        return { ...c, error: errorText(reply) };
      }
      return completeWith(reply, inv.f, () => inv.value);
    },
    check(history) {
      const r = checkLinearizability(history, kvModel, { maxSteps: CHECK_STEPS });
      if (r.verdict === "linearizable") {
        return {
          valid: true,
          explanation: "linearizable (every key)",
          details: { steps: r.steps },
        };
      }
      if (r.verdict === "unknown") {
        return {
          valid: "unknown",
          explanation: `checker gave up: ${r.reason}`,
          details: { steps: r.steps },
        };
      }
      const ce = r.counterexample;
      return {
        valid: false,
        explanation: `not linearizable on key ${r.key ?? "?"}: ${ce.explanation}`,
        details: {
          key: r.key,
          steps: r.steps,
          operations: ce.operations.map((o) => ({
            process: o.process,
            f: o.f,
            value: o.output ?? o.input,
            status: o.status,
          })),
        },
      };
    },
  };
}
