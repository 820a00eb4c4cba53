/**
 * The order saga: orchestrated or choreographed, with compensations and idempotent
 * services.
 *
 * @example
 * ```ts
 * import { saga } from "./mod.ts";
 * saga.name; // "saga"
 * ```
 *
 * @module
 */
export * from "./message.ts";
export * from "./options.ts";
export * from "./service.ts";
export * from "./orchestrator.ts";
export * from "./choreography.ts";
export * from "./saga.ts";
export * from "./invariants.ts";
