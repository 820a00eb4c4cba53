/**
 * A protocol's client operations, declared on its descriptor (`Protocol.operations`):
 * what each is called (`f`), what it takes, whether it reads or writes, whether a retry
 * is harmless, and which roles take it. Front ends read them — the API refuses an
 * operation the protocol does not have before sending anything, documents each one in
 * its OpenAPI document and routes it to a node of the right role — so no front end
 * names a protocol's operations.
 *
 * @module
 */

/**
 * The type of one argument: JSON types, `json` for any value.
 *
 * @example
 * ```ts
 * import type { ArgType } from "./operations.ts";
 * const t: ArgType = "integer";
 * ```
 */
export type ArgType = "string" | "number" | "integer" | "boolean" | "json" | "string[]";

/**
 * One argument of an operation.
 *
 * @example
 * ```ts
 * import type { Arg } from "./operations.ts";
 * const qty: Arg = { type: "integer", summary: "how many, at least 1" };
 * ```
 */
export interface Arg {
  readonly type: ArgType;
  readonly summary: string;
  /** Absent: required. */
  readonly optional?: boolean;
}

/**
 * One client operation.
 *
 * @example
 * ```ts
 * import type { ClientOperation } from "./operations.ts";
 * const propose: ClientOperation = {
 *   f: "propose",
 *   summary: "propose a value; the answer is the value chosen",
 *   kind: "write",
 *   idempotent: true,
 *   args: { value: { type: "json", summary: "the value to propose" } },
 * };
 * ```
 */
export interface ClientOperation {
  readonly f: string;
  readonly summary: string;
  /** Whether it changes state (a read may still be served only by a leader). */
  readonly kind: "read" | "write";
  /** Whether applying it twice is the same as once (a client may retry it blindly). */
  readonly idempotent: boolean;
  readonly args: Readonly<Record<string, Arg>>;
  /** The node roles that take it; absent: the leader (or any node of a leaderless one). */
  readonly roles?: readonly string[];
  /** A complete example, `f` included (the API's documentation shows it). */
  readonly example?: Readonly<Record<string, unknown>>;
}

const KEY: Arg = { type: "string", summary: "the key" };

/**
 * The key-value operations every KV protocol takes (`protocols/kv.ts`).
 *
 * @example
 * ```ts
 * import { KV_OPERATIONS } from "./operations.ts";
 * KV_OPERATIONS.map((o) => o.f); // ["read", "write", "cas", "delete"]
 * ```
 */
export const KV_OPERATIONS: readonly ClientOperation[] = [
  { f: "read", summary: "read a key", kind: "read", idempotent: true, args: { key: KEY } },
  {
    f: "write",
    summary: "write a key",
    kind: "write",
    idempotent: true,
    args: { key: KEY, value: { type: "json", summary: "the value (any JSON but null)" } },
  },
  {
    f: "cas",
    summary: "compare and set: write value[1] if the key holds value[0] (null: none)",
    kind: "write",
    idempotent: false,
    args: { key: KEY, value: { type: "json", summary: "[expected, new]" } },
  },
  { f: "delete", summary: "delete a key", kind: "write", idempotent: true, args: { key: KEY } },
];

/**
 * Adding and removing a node (`add-node`, `remove-node`), as the API's members routes
 * send them to the leader.
 *
 * @example
 * ```ts
 * import { MEMBERSHIP_OPERATIONS } from "./operations.ts";
 * MEMBERSHIP_OPERATIONS.map((o) => o.f); // ["add-node", "remove-node"]
 * ```
 */
export const MEMBERSHIP_OPERATIONS: readonly ClientOperation[] = [
  {
    f: "add-node",
    summary: "add a node to the membership (start it first)",
    kind: "write",
    idempotent: true,
    args: { node: { type: "string", summary: "the new node's id" } },
  },
  {
    f: "remove-node",
    summary: "remove a node from the membership",
    kind: "write",
    idempotent: true,
    args: { node: { type: "string", summary: "the node's id" } },
  },
];

/**
 * The order of the chapter's shop (2PC, saga): `parseOrder` in `txn/order.ts` checks it.
 *
 * @example
 * ```ts
 * import { orderOperation } from "./operations.ts";
 * orderOperation(["coordinator"]).roles; // ["coordinator"]
 * ```
 */
export function orderOperation(roles: readonly string[]): ClientOperation {
  return {
    f: "order",
    summary: "place an order: reserve stock, take payment, arrange delivery",
    kind: "write",
    idempotent: true,
    roles,
    args: {
      id: { type: "string", summary: "the order's id (a retry under the same id is one order)" },
      item: { type: "string", summary: "the item" },
      qty: { type: "integer", summary: "how many, at least 1" },
      amount: { type: "number", summary: "the price, at least 0" },
      account: { type: "string", summary: "who pays (default alice)", optional: true },
      region: { type: "string", summary: "where it goes (default east)", optional: true },
    },
    example: { f: "order", id: "o1", item: "item-1", qty: 1, amount: 5 },
  };
}

/**
 * The operation declared as `f` in `operations`, or `undefined`.
 *
 * @example
 * ```ts
 * import { KV_OPERATIONS, operationNamed } from "./operations.ts";
 * operationNamed(KV_OPERATIONS, "cas")?.idempotent; // false
 * ```
 */
export function operationNamed(
  operations: readonly ClientOperation[],
  f: string,
): ClientOperation | undefined {
  return operations.find((o) => o.f === f);
}

/**
 * Why `op` does not fit `operation`'s arguments (`[field, reason]`), or null when it
 * does. Fields it does not declare are left to the protocol.
 *
 * @example
 * ```ts
 * import { argumentError, KV_OPERATIONS } from "./operations.ts";
 * argumentError(KV_OPERATIONS[0]!, { f: "read" }); // ["key", "key is required: the key"]
 * argumentError(KV_OPERATIONS[0]!, { f: "read", key: "x" }); // null
 * ```
 */
export function argumentError(
  operation: ClientOperation,
  op: Readonly<Record<string, unknown>>,
): [string, string] | null {
  for (const [name, arg] of Object.entries(operation.args)) {
    const v = op[name];
    if (v === undefined) {
      if (arg.optional) continue;
      return [name, `${name} is required: ${arg.summary}`];
    }
    if (!fits(arg.type, v)) return [name, `${name} must be ${describe(arg.type)}: ${arg.summary}`];
  }
  return null;
}

function fits(type: ArgType, v: unknown): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "integer":
      return Number.isSafeInteger(v);
    case "boolean":
      return typeof v === "boolean";
    case "string[]":
      return Array.isArray(v) && v.every((x) => typeof x === "string");
    case "json":
      return true;
  }
}

function describe(type: ArgType): string {
  return type === "string[]"
    ? "an array of strings"
    : type === "integer"
    ? "an integer"
    : type === "json"
    ? "any JSON"
    : `a ${type}`;
}
