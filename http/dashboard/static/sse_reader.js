// @ts-check
/**
 * Server-Sent Events read with `fetch` rather than `EventSource`: a chunk of the stream
 * becomes one batch of events handed over in one call (an EventSource dispatches one
 * DOM event per message, which costs more than the page's own work at thousands of
 * events a second), every event name is received (an EventSource hears only the names
 * it listens for), and the bearer token travels in a header, not in the URL.
 *
 * @module
 */

import { createParser } from "eventsource-parser";

/**
 * One event of the stream.
 * @typedef {{ event: string, data: string, id: string }} SseEvent
 */

/**
 * Parses the text/event-stream format incrementally (chunks may split lines anywhere),
 * with `eventsource-parser` — the same parser as the CLI's, bundled in. An event's `id`
 * is the last id the stream gave, as `Last-Event-ID` needs it.
 *
 * @example
 * ```js
 * import { SseParser } from "./sse_reader.js";
 * const p = new SseParser();
 * p.feed("event: role\ndata: {\"a\"");
 * p.feed(":1}\n\n: ping\n\n").map((e) => [e.event, e.data]); // [["role", '{"a":1}']]
 * ```
 */
export class SseParser {
  #id = "";
  /** @type {SseEvent[]} */
  #out = [];
  #parser = createParser({
    onEvent: (e) => {
      if (e.id !== undefined) this.#id = e.id;
      this.#out.push({ event: e.event ?? "message", data: e.data, id: this.#id });
    },
    onRetry: (ms) => {
      this.retry = ms;
    },
  });
  /** The reconnection delay the server asked for (`retry:`), if any. */
  /** @type {number | null} */
  retry = null;

  /**
   * Takes in a chunk of text; returns the events it completed.
   * @param {string} chunk
   * @returns {SseEvent[]}
   */
  feed(chunk) {
    this.#parser.feed(chunk);
    const out = this.#out;
    this.#out = [];
    return out;
  }
}

/**
 * Reads the event stream at `url` until `signal` aborts, reconnecting after a drop
 * (after the server's `retry:` delay, 1 s by default). `onBatch` gets each chunk's
 * events; `onState` hears `open` and `down`.
 *
 * @example
 * ```js
 * import { readEvents } from "./sse_reader.js";
 * const stop = new AbortController();
 * readEvents("/api/v1/events?kind=all", {}, (batch) => console.log(batch.length), () => {}, stop.signal);
 * ```
 * @param {string} url
 * @param {Record<string, string>} headers
 * @param {(batch: SseEvent[]) => void} onBatch
 * @param {(state: "open" | "down") => void} onState
 * @param {AbortSignal} signal
 * @returns {Promise<void>}
 */
export async function readEvents(url, headers, onBatch, onState, signal) {
  let lastId = "";
  while (!signal.aborted) {
    const parser = new SseParser();
    try {
      /** @type {Record<string, string>} */
      const h = { ...headers, accept: "text/event-stream" };
      if (lastId !== "") h["last-event-id"] = lastId;
      const res = await fetch(url, { headers: h, signal, cache: "no-store" });
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
      onState("open");
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const batch = parser.feed(value);
        if (batch.length > 0) {
          lastId = /** @type {SseEvent} */ (batch[batch.length - 1]).id || lastId;
          onBatch(batch);
        }
      }
    } catch {
      // Dropped or refused: try again below.
    }
    if (signal.aborted) return;
    onState("down");
    await new Promise((r) => setTimeout(r, parser.retry ?? 1000));
  }
}
