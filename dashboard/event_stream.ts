/**
 * The page's reader of `GET /api/v1/events`: `fetch` rather than `EventSource`, so that
 * the bearer token travels in a header (not in the URL), every event name is heard (an
 * EventSource hears only the names it listens for), and no DOM event is dispatched per
 * message (which costs more than the page's own work at thousands of events a second).
 * The stream is parsed by the CLI's own reader (`cli/sse.ts`, over `eventsource-parser`).
 *
 * @module
 */

import { readSse, type SseMessage } from "../client/sse.ts";

/**
 * How {@link readEvents} reports: each event, and the connection's state.
 *
 * @example
 * ```ts
 * import type { EventStreamHandlers } from "./event_stream.ts";
 * const h: EventStreamHandlers = { onEvent: (m) => console.log(m.event), onState() {} };
 * ```
 */
export interface EventStreamHandlers {
  readonly onEvent: (message: SseMessage) => void;
  readonly onState: (state: "open" | "down") => void;
}

/**
 * Reads the event stream at `url` until `signal` aborts, reconnecting `retryMs` after a
 * drop (the server asks for 1 s) with `Last-Event-ID`, so that the server can say what
 * was lost in between.
 *
 * @example
 * ```ts
 * import { readEvents } from "./event_stream.ts";
 * const stop = new AbortController();
 * void readEvents("/api/v1/events?kind=all", {}, {
 *   onEvent: (m) => console.log(m.event),
 *   onState: (s) => console.log(s),
 * }, stop.signal);
 * ```
 */
export async function readEvents(
  url: string,
  headers: Readonly<Record<string, string>>,
  handlers: EventStreamHandlers,
  signal: AbortSignal,
  retryMs = 1000,
): Promise<void> {
  let lastId = "";
  while (!signal.aborted) {
    try {
      const h: Record<string, string> = { ...headers, accept: "text/event-stream" };
      if (lastId !== "") h["last-event-id"] = lastId;
      const res = await fetch(url, { headers: h, signal, cache: "no-store" });
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
      handlers.onState("open");
      for await (const m of readSse(res.body)) {
        if (m.id !== undefined) lastId = m.id;
        handlers.onEvent(m);
      }
    } catch {
      // Dropped or refused: try again below.
    }
    if (signal.aborted) return;
    handlers.onState("down");
    await new Promise((r) => setTimeout(r, retryMs));
  }
}
