/**
 * Message schemas: what a protocol's messages look like, as one plain validator
 * function per message `type`. Hosts check every message against its protocol's schema
 * at the boundary and drop (and count) a malformed one — tampered in transit, or sent by
 * a buggy peer — before the protocol sees it. The checks are plain `typeof` tests and
 * loops: no parser, no allocation, cheap enough for every message.
 *
 * A schema says what is well-formed, not what is true: a tampered term that is still a
 * whole number passes. That lie is the protocol's to survive (or the checker's to catch).
 *
 * @module
 */

/**
 * A message as a validator sees it: any object (fields are checked, not trusted).
 *
 * @example
 * ```ts
 * import type { Fields } from "./message_schema.ts";
 * const m: Fields = { type: "ping", seq: 3 };
 * ```
 */
export type Fields = Readonly<Record<string, unknown>>;

/**
 * A protocol's message schema: for each message `type`, whether a message of that type
 * is well-formed. A message whose `type` is not a key is malformed.
 *
 * @example
 * ```ts
 * import { isNat, type MessageSchema } from "./message_schema.ts";
 * const schema: MessageSchema = { ping: (m) => isNat(m.seq) };
 * ```
 */
export type MessageSchema = Readonly<Record<string, (m: Fields) => boolean>>;

/**
 * Whether `body` is a well-formed message of `schema`: an object whose string `type` is
 * one of the schema's own keys and whose validator accepts it.
 *
 * @example
 * ```ts
 * import { checkMessage, isNat } from "./message_schema.ts";
 * const schema = { ping: (m: Record<string, unknown>) => isNat(m.seq) };
 * checkMessage(schema, { type: "ping", seq: 1 }); // true
 * checkMessage(schema, { type: "ping", seq: -1 }); // false
 * checkMessage(schema, { type: "toString" }); // false: not a key of the schema itself
 * ```
 */
export function checkMessage(schema: MessageSchema, body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const type = (body as Fields).type;
  if (typeof type !== "string" || !Object.hasOwn(schema, type)) return false;
  return schema[type]!(body as Fields);
}

/**
 * Whether `x` is a whole number ≥ 0 (an index, a term, a sequence number).
 *
 * @example
 * ```ts
 * import { isNat } from "./message_schema.ts";
 * isNat(3); // true
 * isNat(1.5); // false
 * ```
 */
export function isNat(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

/**
 * Whether `x` is a whole number (any sign).
 *
 * @example
 * ```ts
 * import { isInt } from "./message_schema.ts";
 * isInt(-2); // true
 * ```
 */
export function isInt(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x);
}

/**
 * Whether `x` is a finite number (a clock reading, a hash).
 *
 * @example
 * ```ts
 * import { isNum } from "./message_schema.ts";
 * isNum(NaN); // false
 * ```
 */
export function isNum(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/**
 * Whether `x` is a string.
 *
 * @example
 * ```ts
 * import { isStr } from "./message_schema.ts";
 * isStr("n1"); // true
 * ```
 */
export function isStr(x: unknown): x is string {
  return typeof x === "string";
}

/**
 * Whether `x` is a boolean.
 *
 * @example
 * ```ts
 * import { isBool } from "./message_schema.ts";
 * isBool(false); // true
 * ```
 */
export function isBool(x: unknown): x is boolean {
  return typeof x === "boolean";
}

/**
 * Whether `x` is absent or passes `check` (an optional field).
 *
 * @example
 * ```ts
 * import { isNat, opt } from "./message_schema.ts";
 * opt(undefined, isNat); // true
 * opt("3", isNat); // false
 * ```
 */
export function opt(x: unknown, check: (x: unknown) => boolean): boolean {
  return x === undefined || check(x);
}

/**
 * Whether `x` is a non-null object that is not an array.
 *
 * @example
 * ```ts
 * import { isObj } from "./message_schema.ts";
 * isObj({}); // true
 * isObj([]); // false
 * ```
 */
export function isObj(x: unknown): x is Fields {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Whether `x` is an array whose every element passes `check`.
 *
 * @example
 * ```ts
 * import { isArrayOf, isNat } from "./message_schema.ts";
 * isArrayOf([1, 2], isNat); // true
 * isArrayOf([1, "2"], isNat); // false
 * ```
 */
export function isArrayOf(x: unknown, check: (x: unknown) => boolean): boolean {
  if (!Array.isArray(x)) return false;
  for (let i = 0; i < x.length; i++) if (!check(x[i])) return false;
  return true;
}

/**
 * Whether `x` is an object whose every own value passes `check` (a record by key).
 *
 * @example
 * ```ts
 * import { isNat, isRecordOf } from "./message_schema.ts";
 * isRecordOf({ n1: 3 }, isNat); // true
 * ```
 */
export function isRecordOf(x: unknown, check: (x: unknown) => boolean): boolean {
  if (!isObj(x)) return false;
  for (const k in x) if (Object.hasOwn(x, k) && !check(x[k])) return false;
  return true;
}

/**
 * Whether `x` is a key-value operation (`read`, `write`, `cas` or `delete` on a string key).
 *
 * @example
 * ```ts
 * import { isKvOp } from "./message_schema.ts";
 * isKvOp({ f: "cas", key: "x", value: [1, 2] }); // true
 * isKvOp({ f: "cas", key: "x", value: 1 }); // false
 * ```
 */
export function isKvOp(x: unknown): boolean {
  if (!isObj(x) || typeof x.key !== "string") return false;
  switch (x.f) {
    case "read":
    case "delete":
      return true;
    case "write":
      return x.value !== undefined;
    case "cas":
      return Array.isArray(x.value) && x.value.length === 2;
    default:
      return false;
  }
}

/**
 * Whether `x` is a client reply (`ok`, or `fail` / `info` with a numeric code).
 *
 * @example
 * ```ts
 * import { isReply } from "./message_schema.ts";
 * isReply({ type: "fail", code: 1000, error: "not leader" }); // true
 * ```
 */
export function isReply(x: unknown): boolean {
  if (!isObj(x)) return false;
  if (x.type === "ok") return true;
  return (x.type === "fail" || x.type === "info") && isNat(x.code) && isStr(x.error) &&
    opt(x.leader, isStr);
}

/**
 * The boundary check of a protocol with `schema`, or null when it declares none (then
 * every message is delivered unchecked).
 *
 * @example
 * ```ts
 * import { isNat, schemaCheck } from "./message_schema.ts";
 * const check = schemaCheck({ ping: (m) => isNat(m.seq) });
 * check?.({ type: "ping", seq: "1" }); // false
 * ```
 */
export function schemaCheck(
  schema: MessageSchema | undefined,
): ((body: unknown) => boolean) | null {
  if (schema === undefined) return null;
  // A prototype-free copy: a plain property load finds only the schema's own types,
  // which is cheaper per message than Object.hasOwn.
  const table: Record<string, ((m: Fields) => boolean) | undefined> = Object.assign(
    Object.create(null),
    schema,
  );
  return (body) => {
    if (typeof body !== "object" || body === null) return false;
    const type = (body as Fields).type;
    if (typeof type !== "string") return false;
    const valid = table[type];
    return valid !== undefined && valid(body as Fields);
  };
}
