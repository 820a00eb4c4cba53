/**
 * SWIM: scalable membership and failure detection (chapter §9), one concept per file.
 *
 * @example
 * ```ts
 * import { retransmitLimit, swim } from "./mod.ts";
 * swim.name; // "swim"
 * retransmitLimit(8, 3); // 7
 * ```
 *
 * @module
 */
export * from "./swim.ts";
export * from "./options.ts";
export * from "./membership.ts";
export * from "./dissemination.ts";
export * from "./probe_order.ts";
export * from "./message.ts";
