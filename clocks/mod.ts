/**
 * Logical clocks: Lamport and vector clocks.
 *
 * @example
 * ```ts
 * import { lamportReceive, vectorCompare } from "./mod.ts";
 * lamportReceive(1, 5); // 6
 * vectorCompare({ a: 1 }, { b: 1 }); // "concurrent"
 * ```
 *
 * @module
 */
export * from "./lamport.ts";
export * from "./vector.ts";
export * from "./execution.ts";
export * from "./trace_vectors.ts";
