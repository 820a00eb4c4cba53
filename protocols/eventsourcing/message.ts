/**
 * Messages between the command nodes, the query nodes and the event store.
 *
 * @module
 */

import type { NewEvent, StoredEvent } from "./event.ts";
import {
  isArrayOf,
  isBool,
  isInt,
  isNat,
  isNum,
  isObj,
  isStr,
  type MessageSchema,
} from "../message_schema.ts";

/**
 * One message. `rid` pairs an answer with its request.
 *
 * - `es/read` → `es/stream`: a stream's events from a version on (command side);
 * - `es/append` → `es/appended`: append if the stream is still at `expected`
 *   (optimistic concurrency), else a `conflict` with the current version;
 * - `es/fetch` → `es/batch`: every stream's events from a global position on (the
 *   projection's feed), with the store's head position.
 *
 * @example
 * ```ts
 * import type { EsMessage } from "./message.ts";
 * const m: EsMessage = { type: "es/read", rid: 1, stream: "item-apple", from: 1 };
 * ```
 */
export type EsMessage =
  | {
    readonly type: "es/read";
    readonly rid: number;
    readonly stream: string;
    readonly from: number;
  }
  | {
    readonly type: "es/stream";
    readonly rid: number;
    readonly stream: string;
    readonly events: readonly StoredEvent[];
  }
  | {
    readonly type: "es/append";
    readonly rid: number;
    readonly stream: string;
    readonly expected: number;
    readonly events: readonly NewEvent[];
    readonly command: string;
  }
  | {
    readonly type: "es/appended";
    readonly rid: number;
    readonly ok: boolean;
    /** The stream's version after the append, or its current version on a conflict. */
    readonly version: number;
  }
  | { readonly type: "es/fetch"; readonly rid: number; readonly from: number; readonly max: number }
  | {
    readonly type: "es/batch";
    readonly rid: number;
    readonly events: readonly StoredEvent[];
    readonly head: number;
  };

function isNewEvent(e: unknown): boolean {
  return isObj(e) && isStr(e.type) && isObj(e.data);
}

function isStoredEvent(e: unknown): boolean {
  return isNewEvent(e) && isStr((e as StoredEvent).stream) && isNat((e as StoredEvent).version) &&
    isNat((e as StoredEvent).position) && isNum((e as StoredEvent).at) &&
    isStr((e as StoredEvent).command);
}

/**
 * The schema of event-sourcing messages.
 *
 * @example
 * ```ts
 * import { esMessages } from "./message.ts";
 * import { checkMessage } from "../message_schema.ts";
 * checkMessage(esMessages, { type: "es/read", rid: 1, stream: "item-a", from: 0 }); // true
 * checkMessage(esMessages, { type: "es/read", rid: 1, stream: 7, from: 0 }); // false
 * ```
 */
export const esMessages: MessageSchema = {
  "es/read": (m) => isNat(m.rid) && isStr(m.stream) && isNat(m.from),
  "es/stream": (m) => isNat(m.rid) && isStr(m.stream) && isArrayOf(m.events, isStoredEvent),
  "es/append": (m) =>
    isNat(m.rid) && isStr(m.stream) && isInt(m.expected) && isArrayOf(m.events, isNewEvent) &&
    isStr(m.command),
  "es/appended": (m) => isNat(m.rid) && isBool(m.ok) && isInt(m.version),
  "es/fetch": (m) => isNat(m.rid) && isNat(m.from) && isNat(m.max),
  "es/batch": (m) => isNat(m.rid) && isArrayOf(m.events, isStoredEvent) && isNat(m.head),
};
