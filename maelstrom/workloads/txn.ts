/**
 * What Maelstrom's two transactional workloads share: a client sends `txn` with `txn: [[f,
 * k, v], …]` (reads with `v` null) and expects `txn_ok` with the same micro-operations,
 * reads filled in; error 30 (`txn-conflict`) and the other definite codes mean the
 * transaction did not happen. The history records the request as the invocation's value
 * and the completed transaction as the completion's. The verdict comes from the Elle-like
 * checker (`checker/elle_like.ts`): valid when no anomaly that one of
 * `--consistency-models` forbids was found, with the strongest models the run leaves
 * standing and the anomalies with their transactions. `results.json` also carries Elle's
 * `anomaly-types`, `not` (the weakest models ruled out) and `also-not` (the models above
 * them).
 *
 * @module
 */

import { checkTxns } from "../../checker/elle_like.ts";
import { type TxnModel, WEAKER } from "../../checker/txn_models.ts";
import { completeWith, type Workload } from "../workload.ts";
import { txnGenerator } from "./txn_generator.ts";

/**
 * A transactional workload's settings (Maelstrom's flags).
 *
 * @example
 * ```ts
 * import type { TxnOptions } from "./txn.ts";
 * const o: TxnOptions = { keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 16, consistencyModels: ["strict-serializable"] };
 * ```
 */
export interface TxnOptions {
  readonly keyCount: number;
  readonly maxTxnLength: number;
  readonly maxWritesPerKey: number;
  readonly consistencyModels: readonly TxnModel[];
}

/**
 * The workload `name`, whose writes are `write` micro-operations, checked as `kind`.
 *
 * @example
 * ```ts
 * import { txnWorkload } from "./txn.ts";
 * import { createRng } from "../../protocols/random.ts";
 * const w = txnWorkload("txn-list-append", "append", "list-append", {
 *   keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 16, consistencyModels: ["serializable"],
 * });
 * w.invoke(createRng(1), 0).body.type; // "txn"
 * ```
 */
export function txnWorkload(
  name: string,
  write: "w" | "append",
  kind: "list-append" | "rw-register",
  o: TxnOptions,
): Workload {
  const next = txnGenerator({ write, ...o });
  return {
    name,
    invoke(rng) {
      const txn = next(rng);
      return { f: "txn", value: txn, body: { type: "txn", txn } };
    },
    complete(_inv, reply) {
      // A txn_ok without a txn records null (malformed), never the request in its place.
      return completeWith(reply, "txn", (b) => b.txn ?? null);
    },
    check(history) {
      const r = checkTxns(history, { kind, models: o.consistencyModels });
      const { explanation, valid, ...details } = r;
      // Elle's boundary: `not` the weakest models ruled out, `also-not` those above them.
      const out = Object.keys(r.ruledOut) as TxnModel[];
      const weakest = out.filter((m) => !WEAKER[m].some((w) => out.includes(w)));
      return {
        valid,
        explanation,
        details: {
          "consistency-models": o.consistencyModels,
          "anomaly-types": Object.keys(r.counts).sort(),
          not: weakest,
          "also-not": out.filter((m) => !weakest.includes(m)),
          ...details,
        },
      };
    },
  };
}
