/**
 * Histories: the JSON Lines event format, a recorder for hosts, and pairing events into
 * operations.
 *
 * @example
 * ```ts
 * import { parseHistory, toOperations } from "./mod.ts";
 * toOperations(parseHistory("")).length; // 0
 * ```
 *
 * @module
 */

export * from "./event.ts";
export * from "./jsonl.ts";
export * from "./operations.ts";
export * from "./parse_error.ts";
export * from "./recorder.ts";
