/**
 * The message bus: a Kafka-like partitioned, replicated log with consumer groups, and
 * the client library other protocols embed.
 *
 * @example
 * ```ts
 * import { bus, busConfig, leaderOf } from "./mod.ts";
 * bus.name; // "bus"
 * leaderOf(busConfig(["n1", "n2", "n3"], {}), "events", 0); // "n1"
 * ```
 *
 * @module
 */
export * from "./config.ts";
export * from "./message.ts";
export * from "./partition.ts";
export * from "./broker.ts";
export * from "./client.ts";
export * from "./bus.ts";
export * from "./invariants.ts";
