/**
 * Making failure replies: `fail("not-leader", "not leader", { leader })` instead of an
 * object literal, so every failure names its code.
 *
 * @module
 */

import { ERROR, type ErrorName } from "./errors.ts";
import type { NodeId, Reply } from "./node.ts";

/**
 * A definite failure with the code named `name`.
 *
 * @example
 * ```ts
 * import { fail } from "./reply.ts";
 * fail("not-leader", "not leader", { leader: "n2" });
 * // { type: "fail", code: 1000, error: "not leader", leader: "n2" }
 * ```
 */
export function fail(
  name: ErrorName,
  error: string,
  extra: { readonly leader?: NodeId | null; readonly field?: string } = {},
): Reply & { type: "fail" } {
  const r: {
    type: "fail";
    code: typeof ERROR[ErrorName];
    error: string;
    leader?: NodeId;
    field?: string;
  } = {
    type: "fail",
    code: ERROR[name],
    error,
  };
  if (extra.leader !== undefined && extra.leader !== null) r.leader = extra.leader;
  if (extra.field !== undefined) r.field = extra.field;
  return r;
}

/**
 * An indefinite outcome (it may have happened): `timeout` or `crash`.
 *
 * @example
 * ```ts
 * import { info } from "./reply.ts";
 * info("timeout", "no answer within 500 ms"); // { type: "info", code: 0, error: "no answer within 500 ms" }
 * ```
 */
export function info(name: "timeout" | "crash", error: string): Reply & { type: "info" } {
  return { type: "info", code: ERROR[name], error };
}
