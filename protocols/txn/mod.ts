/**
 * Two-phase commit of the EC-site order, and the order domain shared with the sagas.
 *
 * @example
 * ```ts
 * import { twoPhaseCommit } from "./mod.ts";
 * twoPhaseCommit.name; // "2pc"
 * ```
 *
 * @module
 */
export * from "./order.ts";
export * from "./ledger.ts";
export * from "./message.ts";
export * from "./options.ts";
export * from "./participant.ts";
export * from "./coordinator.ts";
export * from "./two_phase_commit.ts";
export * from "./invariants.ts";
