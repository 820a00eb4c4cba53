/**
 * Server-Sent Events for `deno task cli watch`, read with `eventsource-parser` (the WHATWG
 * event-stream format, in full).
 *
 * @module
 */

import { createParser } from "eventsource-parser";

/**
 * One event of a stream.
 *
 * @example
 * ```ts
 * import type { SseMessage } from "./sse.ts";
 * const m: SseMessage = { event: "crash", data: '{"node":"n1"}', id: "4" };
 * ```
 */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/**
 * The events of an event-stream body, as they arrive.
 *
 * @example
 * ```ts
 * import { readSse } from "./sse.ts";
 * const body = new Response("event: crash\ndata: 1\n\n").body!;
 * for await (const m of readSse(body)) m.event; // "crash"
 * ```
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const ready: SseMessage[] = [];
  const parser = createParser({
    onEvent: (e) => {
      const event = e.event ?? "message";
      ready.push(e.id === undefined ? { event, data: e.data } : { event, data: e.data, id: e.id });
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (ready.length > 0) yield ready.shift()!;
    }
  } finally {
    reader.releaseLock();
  }
}
