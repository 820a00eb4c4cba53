/**
 * Transactions for Maelstrom's transactional workloads, generated the way Maelstrom's
 * (Elle's) generator does: each transaction has 1 to `maxTxnLength` micro-operations,
 * each a read (`["r", k, null]`) or a write (`["w", k, v]` or `["append", k, v]`) with
 * equal odds, on one of `keyCount` active integer keys picked with exponentially
 * growing odds (key i of the pool twice as likely as key i-1, so the newest keys are
 * hot). Written values count up from 1 per key, so every value is unique per key; a key
 * that has had `maxWritesPerKey` writes is retired and replaced by a fresh key.
 *
 * @module
 */

import type { MicroOp } from "../../checker/txn_history.ts";
import type { Rng } from "../../protocols/random.ts";

/**
 * Generator options (Maelstrom's `--key-count`, `--max-txn-length`,
 * `--max-writes-per-key`).
 *
 * @example
 * ```ts
 * import type { TxnGenOptions } from "./txn_generator.ts";
 * const o: TxnGenOptions = { write: "append", keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 16 };
 * ```
 */
export interface TxnGenOptions {
  /** The write function: `w` (rw-register) or `append` (list-append). */
  readonly write: "w" | "append";
  readonly keyCount: number;
  readonly maxTxnLength: number;
  readonly maxWritesPerKey: number;
  /** Fewest micro-operations (default 1). */
  readonly minTxnLength?: number;
}

/**
 * A generator: each call gives the next transaction, drawing from `rng`; the key pool and
 * write counts are shared by every call.
 *
 * @example
 * ```ts
 * import { txnGenerator } from "./txn_generator.ts";
 * import { createRng } from "../../protocols/random.ts";
 * const next = txnGenerator({ write: "w", keyCount: 3, maxTxnLength: 4, maxWritesPerKey: 16 });
 * next(createRng(1)).length >= 1; // true
 * ```
 */
export function txnGenerator(o: TxnGenOptions): (rng: Rng) => MicroOp[] {
  const active = Array.from({ length: o.keyCount }, (_, i) => i);
  const written = new Map<number, number>();
  const min = o.minTxnLength ?? 1;
  const span = 2 ** o.keyCount - 1;
  return (rng) => {
    const length = min + rng.int(o.maxTxnLength - min + 1);
    const txn: MicroOp[] = [];
    while (txn.length < length) {
      const read = rng.next() < 0.5;
      const slot = Math.min(active.length - 1, Math.floor(Math.log2(rng.next() * span + 1)));
      const k = active[slot]!;
      if (read) {
        txn.push(["r", k, null]);
        continue;
      }
      const v = (written.get(k) ?? 0) + 1;
      if (v > o.maxWritesPerKey) {
        active[slot] = Math.max(...active) + 1; // retire the key; draw again
        continue;
      }
      written.set(k, v);
      txn.push([o.write, k, v]);
    }
    return txn;
  };
}
