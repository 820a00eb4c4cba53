/**
 * Torture runs for the transaction-style protocols — `2pc`, `paxos-commit`, `saga` (orchestrated or
 * choreographed), `bus` and `event-sourcing` — whose correctness is not a KV history
 * but a set of invariants. One seeded run: a nemesis schedule (`nemesis.ts`), concurrent
 * simulated clients driving the protocol's own operations, the protocol's invariants
 * checked after every simulated step that changed anything, then heal, settle, and the
 * end-state checks (every transaction decided, every saga ended, every acknowledged
 * message consumed, every projection caught up).
 *
 * The runner is `txn_torture/runner.ts`; each protocol's workload has its own file
 * beside it.
 *
 * @example
 * ```ts
 * import { tortureTxnSeed } from "./txn_torture.ts";
 * const o = tortureTxnSeed("2pc", 1, { durationMs: 3000 });
 * o.violation; // null
 * ```
 *
 * @module
 */

export {
  type InvariantWatch,
  tortureOptions,
  tortureTxnSeed,
  TXN_TORTURE_PROTOCOLS,
  type TxnTortureOptions,
  type TxnTortureOutcome,
  watchTxnInvariants,
} from "./txn/runner.ts";
