/**
 * Messages between the command nodes, the query nodes and the event store.
 *
 * @module
 */

import type { NewEvent, StoredEvent } from "./event.ts";

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
