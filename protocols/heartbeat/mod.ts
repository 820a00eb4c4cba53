/**
 * Failure detection: the heartbeat protocol, its two detectors, and the watch that
 * judges only the peers that are due.
 *
 * @example
 * ```ts
 * import { heartbeat, createPhiAccrual } from "./mod.ts";
 * heartbeat.tickMs; // 10
 * createPhiAccrual(["n2"], 0).options.threshold; // 8
 * ```
 *
 * @module
 */
export * from "./heartbeat.ts";
export * from "./fixed_timeout.ts";
export * from "./phi_accrual.ts";
export * from "./suspicion_watch.ts";
export * from "./deadline_heap.ts";
