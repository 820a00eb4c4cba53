/**
 * Event sourcing with CQRS: the event store, command and query nodes, replay and
 * projections.
 *
 * @example
 * ```ts
 * import { eventSourcing } from "./mod.ts";
 * eventSourcing.name; // "event-sourcing"
 * ```
 *
 * @module
 */
export * from "./event.ts";
export * from "./message.ts";
export * from "./inventory.ts";
export * from "./replay.ts";
export * from "./projection.ts";
export * from "./store.ts";
export * from "./command_node.ts";
export * from "./query_node.ts";
export * from "./event_sourcing.ts";
export * from "./invariants.ts";
