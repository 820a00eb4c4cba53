/**
 * Applying one {@link KvOp} to a plain key → value map: the state machine every simple
 * KV protocol shares. A missing key reads as `null`; `delete` removes it; `cas` succeeds
 * only when the current value equals the expected one.
 *
 * @module
 */

import { jsonEqual, type KvOp } from "./kv.ts";
import type { Reply } from "./node.ts";
import { fail } from "./reply.ts";

/**
 * Applies `op` to `data` (mutating it) and returns the reply for the client.
 *
 * @example
 * ```ts
 * import { applyKvOp } from "./kv_store.ts";
 * const data = new Map<string, unknown>();
 * applyKvOp(data, { f: "write", key: "x", value: 1 }); // { type: "ok" }
 * applyKvOp(data, { f: "cas", key: "x", value: [2, 3] }).type; // "fail"
 * ```
 */
export function applyKvOp(data: Map<string, unknown>, op: KvOp): Reply {
  switch (op.f) {
    case "read":
      return { type: "ok", value: data.get(op.key) ?? null };
    case "write":
      data.set(op.key, op.value);
      return { type: "ok" };
    case "delete":
      data.delete(op.key);
      return { type: "ok" };
    case "cas": {
      const current = data.get(op.key) ?? null;
      if (!jsonEqual(current, op.value[0])) {
        return fail(
          "precondition-failed",
          `cas mismatch: current value is ${JSON.stringify(current)}`,
        );
      }
      data.set(op.key, op.value[1]);
      return { type: "ok" };
    }
  }
}

/**
 * Checks that an operation from a client is a well-formed {@link KvOp}; returns an
 * error message or null.
 *
 * @example
 * ```ts
 * import { validateKvOp } from "./kv_store.ts";
 * validateKvOp({ f: "cas", key: "x", value: 1 }); // "cas needs value [expected, new]"
 * ```
 */
export function validateKvOp(op: unknown): string | null {
  if (op === null || typeof op !== "object") return "operation must be an object";
  const o = op as Record<string, unknown>;
  if (typeof o.key !== "string" || o.key === "") return "operation needs a non-empty string key";
  switch (o.f) {
    case "read":
    case "delete":
      return null;
    case "write":
      return o.value === undefined ? "write needs a value" : null;
    case "cas":
      return Array.isArray(o.value) && o.value.length === 2
        ? null
        : "cas needs value [expected, new]";
    default:
      return `unknown operation '${String(o.f)}'`;
  }
}
