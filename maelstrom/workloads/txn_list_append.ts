/**
 * Maelstrom's `txn-list-append` workload: keys map to lists. A transaction's
 * micro-operations are `["r", k, null]`, answered with the whole list (`null` for a key
 * never appended to), and `["append", k, v]`, which adds `v` (an integer, unique per key)
 * to the end of the list, creating it. `txn_ok` returns the transaction with its reads
 * filled in. Because every read shows the whole list, the checker learns the exact order
 * of every key's versions.
 *
 * @module
 */

import type { Workload } from "../workload.ts";
import { type TxnOptions, txnWorkload } from "./txn.ts";

/**
 * The list-append workload.
 *
 * @example
 * ```ts
 * import { txnListAppendWorkload } from "./txn_list_append.ts";
 * txnListAppendWorkload({
 *   keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 16, consistencyModels: ["strict-serializable"],
 * }).name; // "txn-list-append"
 * ```
 */
export function txnListAppendWorkload(o: TxnOptions): Workload {
  return txnWorkload("txn-list-append", "append", "list-append", o);
}
