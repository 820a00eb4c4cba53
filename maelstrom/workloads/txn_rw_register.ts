/**
 * Maelstrom's `txn-rw-register` workload: keys map to single values. A transaction's
 * micro-operations are `["r", k, null]`, answered with the key's value (`null` for a key
 * never written), and `["w", k, v]`, which replaces it (`v` an integer, unique per key).
 * `txn_ok` returns the transaction with its reads filled in. A read shows one value, so
 * the checker infers only part of each key's version order (see
 * `checker/rw_register_analysis.ts`).
 *
 * @module
 */

import type { Workload } from "../workload.ts";
import { type TxnOptions, txnWorkload } from "./txn.ts";

/**
 * The rw-register workload.
 *
 * @example
 * ```ts
 * import { txnRwRegisterWorkload } from "./txn_rw_register.ts";
 * txnRwRegisterWorkload({
 *   keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 16, consistencyModels: ["strict-serializable"],
 * }).name; // "txn-rw-register"
 * ```
 */
export function txnRwRegisterWorkload(o: TxnOptions): Workload {
  return txnWorkload("txn-rw-register", "w", "rw-register", o);
}
