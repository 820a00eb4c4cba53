/**
 * The listeners of a Worker cluster's trace events. Message-level events (every send,
 * delivery, drop, duplicate, request and reply) cost a little on every message, so they
 * are produced only while some listener asks for them; node and protocol events
 * (crashes, elections, role changes, commits, faults, …) reach every listener.
 *
 * @module
 */

import type { TraceEvent } from "../trace.ts";

/**
 * The kinds of event there is one of per message or client request.
 *
 * @example
 * ```ts
 * import { MESSAGE_EVENT_KINDS } from "./event_listeners.ts";
 * MESSAGE_EVENT_KINDS.has("deliver"); // true
 * MESSAGE_EVENT_KINDS.has("crash"); // false
 * ```
 */
export const MESSAGE_EVENT_KINDS: ReadonlySet<string> = new Set([
  "send",
  "deliver",
  "drop",
  "duplicate",
  "request",
  "reply",
]);

/**
 * A set of listeners, each with or without message-level events.
 *
 * @example
 * ```ts
 * import { EventListeners } from "./event_listeners.ts";
 * const seen: string[] = [];
 * const listeners = new EventListeners(() => {});
 * listeners.add((e) => seen.push(e.kind), false);
 * listeners.emit({ time: 0, kind: "send", node: "n1" });
 * listeners.emit({ time: 0, kind: "crash", node: "n1" });
 * seen; // ["crash"]
 * ```
 */
export class EventListeners {
  readonly #all = new Map<(e: TraceEvent) => void, boolean>();
  readonly #onMessagesChange: (on: boolean) => void;
  #messageListeners = 0;

  /** `onMessagesChange` is told when message-level events start or stop being wanted. */
  constructor(onMessagesChange: (on: boolean) => void) {
    this.#onMessagesChange = onMessagesChange;
  }

  /** Whether anyone listens at all. */
  get any(): boolean {
    return this.#all.size > 0;
  }

  /** Whether anyone wants message-level events. */
  get messages(): boolean {
    return this.#messageListeners > 0;
  }

  /** Adds a listener; returns the function that removes it. */
  add(listener: (e: TraceEvent) => void, messages: boolean): () => void {
    if (this.#all.has(listener)) this.#remove(listener);
    this.#all.set(listener, messages);
    if (messages && ++this.#messageListeners === 1) this.#onMessagesChange(true);
    return () => this.#remove(listener);
  }

  /** Hands `e` to every listener that wants it. */
  emit(e: TraceEvent): void {
    if (this.#all.size === 0) return;
    const messageLevel = MESSAGE_EVENT_KINDS.has(e.kind);
    for (const [listener, messages] of this.#all) {
      if (messages || !messageLevel) listener(e);
    }
  }

  /** Removes every listener. */
  clear(): void {
    for (const listener of [...this.#all.keys()]) this.#remove(listener);
  }

  #remove(listener: (e: TraceEvent) => void): void {
    const messages = this.#all.get(listener);
    if (messages === undefined) return;
    this.#all.delete(listener);
    if (messages && --this.#messageListeners === 0) this.#onMessagesChange(false);
  }
}
