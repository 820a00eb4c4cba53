/**
 * The client operations of `quorum-kv`: a {@link KvOp} with optional per-request quorum
 * settings and write context, plus membership changes.
 *
 * - `r`, `w`: replies a read waits for, acknowledgements a write waits for (1 … N).
 * - `consistency`: `ONE` (1), `QUORUM` (⌊N/2⌋+1) or `ALL` (N) for both r and w. An
 *   explicit `r` or `w` wins over it; the cluster options `r`, `w` are the default.
 * - `context`: the vector clock a read returned (`Siblings.context`); a write carrying
 *   it supersedes every version that read saw. A write without one supersedes what its
 *   coordinator holds of the key (and nothing else), so concurrent blind writes through
 *   different coordinators become siblings.
 *
 * N itself is a cluster option: it decides where keys live, so it cannot vary per request.
 * A `cas` reads with R, compares, and writes with the read's context and W; it is not
 * atomic (two concurrent ones can both succeed and leave siblings).
 *
 * @module
 */

import type { KvOp } from "../kv.ts";
import { validateKvOp } from "../kv_store.ts";
import type { VectorClock } from "../../clocks/vector.ts";
import type { NodeId } from "../node.ts";

/**
 * Named consistency levels (Cassandra's names).
 *
 * @example
 * ```ts
 * import type { ConsistencyLevel } from "./request.ts";
 * const level: ConsistencyLevel = "QUORUM";
 * ```
 */
export type ConsistencyLevel = "ONE" | "QUORUM" | "ALL";

/**
 * Per-request quorum settings a KV operation may carry.
 *
 * @example
 * ```ts
 * import type { QuorumParams } from "./request.ts";
 * const p: QuorumParams = { r: 1, consistency: "ALL" }; // r = 1, w = N
 * ```
 */
export interface QuorumParams {
  readonly r?: number;
  readonly w?: number;
  readonly consistency?: ConsistencyLevel;
  /** For writes, deletes and cas: the context of the read the write is based on. */
  readonly context?: VectorClock;
}

/**
 * A KV operation with optional quorum settings.
 *
 * @example
 * ```ts
 * import type { QuorumKvOp } from "./request.ts";
 * const op: QuorumKvOp = { f: "write", key: "cart", value: ["milk"], w: 3, context: { n1: 2 } };
 * ```
 */
export type QuorumKvOp = KvOp & QuorumParams;

/**
 * A membership change: the node is added to or removed from the ring, and only the keys
 * whose preference lists change are moved.
 *
 * @example
 * ```ts
 * import type { MembershipOp } from "./request.ts";
 * const op: MembershipOp = { f: "add-node", node: "n4" };
 * ```
 */
export type MembershipOp =
  | { readonly f: "add-node"; readonly node: NodeId }
  | { readonly f: "remove-node"; readonly node: NodeId };

/**
 * Every operation `quorum-kv` accepts.
 *
 * @example
 * ```ts
 * import type { QuorumOp } from "./request.ts";
 * const ops: QuorumOp[] = [{ f: "read", key: "k", r: 1 }, { f: "remove-node", node: "n3" }];
 * ```
 */
export type QuorumOp = QuorumKvOp | MembershipOp;

/**
 * Checks an operation from a client; returns an error message or null.
 *
 * @example
 * ```ts
 * import { validateQuorumOp } from "./request.ts";
 * validateQuorumOp({ f: "read", key: "k", consistency: "SOME" }); // "consistency must be ONE, QUORUM or ALL"
 * validateQuorumOp({ f: "add-node", node: "n4" }); // null
 * ```
 */
export function validateQuorumOp(op: unknown): string | null {
  if (op === null || typeof op !== "object") return "operation must be an object";
  const o = op as Record<string, unknown>;
  if (o.f === "add-node" || o.f === "remove-node") {
    return typeof o.node === "string" && o.node !== "" ? null : `${o.f} needs a node id`;
  }
  const bad = validateKvOp(op);
  if (bad !== null) return bad;
  for (const k of ["r", "w"] as const) {
    const v = o[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 1)) {
      return `${k} must be a positive integer`;
    }
  }
  if (o.consistency !== undefined && !["ONE", "QUORUM", "ALL"].includes(o.consistency as string)) {
    return "consistency must be ONE, QUORUM or ALL";
  }
  if (o.context !== undefined) {
    const c = o.context;
    if (c === null || typeof c !== "object" || Array.isArray(c)) {
      return "context must be a vector clock";
    }
    for (const x of Object.values(c)) {
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0) {
        return "context must be a vector clock";
      }
    }
  }
  return null;
}

/**
 * The R and W a request runs with, for N replicas: explicit `r`/`w`, else the
 * consistency level, else the defaults (capped at N, so a cluster smaller than the
 * configured N still answers). Returns an error when a value exceeds N.
 *
 * @param op the request
 * @param n the replicas the key has
 * @param defaults the cluster's r and w
 * @returns the quorum sizes, or an error message
 *
 * @example
 * ```ts
 * import { quorumSizes } from "./request.ts";
 * quorumSizes({ consistency: "ALL" }, 3, { r: 2, w: 2 }); // { r: 3, w: 3 }
 * quorumSizes({ r: 4 }, 3, { r: 2, w: 2 }); // { error: "r=4 exceeds N=3", field: "r" }
 * ```
 */
export function quorumSizes(
  op: QuorumParams,
  n: number,
  defaults: { readonly r: number; readonly w: number },
): { r: number; w: number } | { error: string; field: "r" | "w" } {
  const level = op.consistency === "ONE"
    ? 1
    : op.consistency === "QUORUM"
    ? Math.floor(n / 2) + 1
    : op.consistency === "ALL"
    ? n
    : undefined;
  const r = op.r ?? level ?? Math.min(defaults.r, n);
  const w = op.w ?? level ?? Math.min(defaults.w, n);
  if (r > n) return { error: `r=${r} exceeds N=${n}`, field: "r" };
  if (w > n) return { error: `w=${w} exceeds N=${n}`, field: "w" };
  return { r, w };
}
