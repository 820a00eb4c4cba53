/**
 * Checkers for histories: linearizability (Wing & Gong / Lowe search with a
 * configuration cache, per key for kv), bounded sequential consistency, session
 * guarantees, convergence, and a classification by the models of jepsen.io/consistency.
 *
 * @example
 * ```ts
 * import { checkLinearizability, modelByName } from "./mod.ts";
 * checkLinearizability([], modelByName("kv")).verdict; // "linearizable"
 * ```
 *
 * @module
 */

export * from "./budget.ts";
export * from "./canonical_json.ts";
export * from "./consistency.ts";
export * from "./counterexample.ts";
export * from "./elle_like.ts";
export * from "./linearizability.ts";
export * from "./model.ts";
export * from "./models.ts";
export * from "./parts.ts";
export * from "./sequential.ts";
export * from "./stale_reads.ts";
export type { AnomalyCase, AnomalyType } from "./txn_anomalies.ts";
export { modelsLeft, type TxnModel } from "./txn_models.ts";
