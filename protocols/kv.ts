/**
 * Key-value operations shared by every KV protocol (register, lww, raft-kv, quorum-kv,
 * paxos-kv) and by the history format. `value` of a `cas` is `[expected, new]`, as in
 * Jepsen histories.
 *
 * @example
 * ```ts
 * import type { KvOp } from "./kv.ts";
 * const op: KvOp = { f: "cas", key: "x", value: [1, 2] };
 * ```
 *
 * @module
 */

/**
 * One client operation on a key-value store.
 *
 * @example
 * ```ts
 * import type { KvOp } from "./kv.ts";
 * const ops: KvOp[] = [{ f: "write", key: "x", value: 1 }, { f: "read", key: "x" }];
 * ```
 */
export type KvOp =
  | { readonly f: "read"; readonly key: string; readonly value?: undefined }
  | { readonly f: "write"; readonly key: string; readonly value: unknown }
  | { readonly f: "cas"; readonly key: string; readonly value: readonly [unknown, unknown] }
  | { readonly f: "delete"; readonly key: string; readonly value?: undefined };

/**
 * The operation kinds of {@link KvOp}.
 *
 * @example
 * ```ts
 * import { KV_FUNCTIONS } from "./kv.ts";
 * KV_FUNCTIONS.includes("cas"); // true
 * ```
 */
export const KV_FUNCTIONS: readonly KvOp["f"][] = ["read", "write", "cas", "delete"];

/**
 * Deep equality of JSON values, used to compare KV values (CAS, checkers).
 *
 * @example
 * ```ts
 * import { jsonEqual } from "./kv.ts";
 * jsonEqual({ a: [1, 2] }, { a: [1, 2] }); // true
 * ```
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    return a !== a && b !== b; // NaN
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b as object, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) {
      return false;
    }
  }
  return true;
}
