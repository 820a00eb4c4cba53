/**
 * A small Server-Sent Events reader (the parts of the WHATWG event-stream format the
 * API sends: `event`, `data`, `id`, comments), for `deno task cli watch`.
 *
 * @module
 */

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
  let buf = "";
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + (buf.startsWith("\r\n", nl) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) {
            yield id === undefined
              ? { event: event || "message", data: data.join("\n") }
              : { event: event || "message", data: data.join("\n"), id };
          }
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let v = colon < 0 ? "" : line.slice(colon + 1);
        if (v.startsWith(" ")) v = v.slice(1);
        if (field === "event") event = v;
        else if (field === "data") data.push(v);
        else if (field === "id") id = v;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
