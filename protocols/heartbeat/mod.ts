/**
 * Failure detection: the heartbeat protocol and its two detectors.
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
