/**
 * Maelstrom's `echo` workload: `echo` → `echo_ok` with the same `echo` payload. Valid
 * when every acknowledged reply carries exactly what was sent.
 *
 * @module
 */

import { canonicalJson } from "../../checker/canonical_json.ts";
import { completedOps, completeWith, type Workload } from "../workload.ts";

/**
 * The echo workload.
 *
 * @example
 * ```ts
 * import { echoWorkload } from "./echo.ts";
 * import { createRng } from "../../protocols/random.ts";
 * echoWorkload.invoke(createRng(1), 0).body.type; // "echo"
 * ```
 */
export const echoWorkload: Workload = {
  name: "echo",
  invoke(rng) {
    const echo = `Please echo ${rng.int(128)}`;
    return { f: "echo", value: echo, body: { type: "echo", echo } };
  },
  complete: (_inv, reply) => completeWith(reply, "echo", (b) => b.echo),
  check(history) {
    const wrong: string[] = [];
    let ok = 0;
    for (const { invoke, done } of completedOps(history)) {
      if (done?.type !== "ok") continue;
      ok++;
      if (canonicalJson(done.value) !== canonicalJson(invoke.value)) {
        wrong.push(
          `process ${invoke.process} sent ${JSON.stringify(invoke.value)} and got back ${
            JSON.stringify(done.value)
          }`,
        );
      }
    }
    return wrong.length === 0
      ? { valid: true, explanation: `all ${ok} echoes came back unchanged`, details: { ok } }
      : {
        valid: false,
        explanation: `${wrong.length} of ${ok} echoes came back changed; first: ${wrong[0]}`,
        details: { ok, wrong: wrong.slice(0, 10) },
      };
  },
};
