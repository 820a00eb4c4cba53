/**
 * Maelstrom's wire format: one JSON object per line, `{src, dest, body}`, where a body
 * has a `type`, an optional `msg_id` and, in a reply, `in_reply_to`. Everything a
 * process prints on stdout must be such a line; this module tells a message from
 * anything else, with the reason.
 *
 * @module
 */

import { isDefinite, isErrorCode } from "../protocols/errors.ts";

/**
 * A message body: `type` plus whatever fields the workload's RPC defines.
 *
 * @example
 * ```ts
 * import type { Body } from "./wire.ts";
 * const b: Body = { type: "echo", msg_id: 1, echo: "hi" };
 * ```
 */
export interface Body {
  readonly type: string;
  readonly msg_id?: number;
  readonly in_reply_to?: number;
  readonly [field: string]: unknown;
}

/**
 * One message on the wire.
 *
 * @example
 * ```ts
 * import type { Message } from "./wire.ts";
 * const m: Message = { src: "c1", dest: "n0", body: { type: "read", msg_id: 7 } };
 * ```
 */
export interface Message {
  readonly src: string;
  readonly dest: string;
  readonly body: Body;
}

/**
 * Parses one line a node printed: the message, or a string saying why it is not one.
 *
 * @example
 * ```ts
 * import { parseMessage } from "./wire.ts";
 * typeof parseMessage('{"src":"n0","dest":"c1","body":{"type":"echo_ok"}}'); // "object"
 * parseMessage("hello"); // "not JSON"
 * ```
 */
export function parseMessage(line: string): Message | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "not a JSON object";
  const m = v as Record<string, unknown>;
  if (typeof m.src !== "string") return "no string 'src'";
  if (typeof m.dest !== "string") return "no string 'dest'";
  const body = m.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "no object 'body'";
  if (typeof (body as Record<string, unknown>).type !== "string") {
    return "body has no string 'type'";
  }
  return m as unknown as Message;
}

/**
 * A Maelstrom error body answering `inReplyTo`.
 *
 * @example
 * ```ts
 * import { errorBody } from "./wire.ts";
 * errorBody(20, "no such key", 4); // { type: "error", code: 20, text: "no such key", in_reply_to: 4 }
 * ```
 */
export function errorBody(code: number, text: string, inReplyTo: number | undefined): Body {
  return inReplyTo === undefined
    ? { type: "error", code, text }
    : { type: "error", code, text, in_reply_to: inReplyTo };
}

/**
 * How an error reply counts in a history: `fail` when Maelstrom calls its code definite
 * (it did not happen), `info` otherwise — timeout, crash, and any code Maelstrom does not
 * define, since nothing says it did not happen.
 *
 * @example
 * ```ts
 * import { errorOutcome } from "./wire.ts";
 * errorOutcome(22); // "fail"
 * errorOutcome(0); // "info"
 * errorOutcome(4242); // "info"
 * ```
 */
export function errorOutcome(code: unknown): "fail" | "info" {
  if (!isErrorCode(code) || code >= 1000) return "info";
  return isDefinite(code) ? "fail" : "info";
}

/**
 * The ids of Maelstrom's built-in services, which a node reaches by sending to the id.
 *
 * @example
 * ```ts
 * import { SERVICE_IDS } from "./wire.ts";
 * SERVICE_IDS.includes("seq-kv"); // true
 * ```
 */
export const SERVICE_IDS: readonly string[] = ["lin-kv", "seq-kv", "lww-kv", "lin-tso"];

/**
 * Whether `id` names a client (`c1`, `c2`, …), as Maelstrom names them.
 *
 * @example
 * ```ts
 * import { isClientId } from "./wire.ts";
 * isClientId("c3"); // true
 * isClientId("n3"); // false
 * ```
 */
export function isClientId(id: string): boolean {
  return /^c\d+$/.test(id);
}
