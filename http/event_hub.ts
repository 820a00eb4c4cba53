/**
 * The trace events the API serves (`GET /api/v1/events`, Server-Sent Events) and counts
 * (`/metrics`): the cluster's node and protocol events (crashes, elections, role
 * changes, commits, …), the API's own (`breaker`, `fault`), and — only for a stream that
 * asks for them, since they cost a little per message — sends, deliveries, drops,
 * duplicates, requests and replies.
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import { HOST_EVENT_KINDS, type TraceEvent } from "../nodes/trace.ts";
import { protocolByName, protocolNames } from "../protocols/registry.ts";
import type { AnyProtocol } from "../protocols/node.ts";
import { MESSAGE_EVENT_KINDS } from "../nodes/worker/event_listeners.ts";
import type { ClusterControl } from "./cluster_control.ts";

/**
 * Which events a subscriber wants: kinds and nodes (`null`: any). With `kinds === null`
 * message-level events are left out; name them (or `all`) to get them.
 *
 * @example
 * ```ts
 * import type { EventFilter } from "./event_hub.ts";
 * const elections: EventFilter = { kinds: new Set(["election", "role"]), nodes: null };
 * ```
 */
export interface EventFilter {
  readonly kinds: ReadonlySet<string> | null;
  readonly nodes: ReadonlySet<NodeId> | null;
}

/**
 * An event as the API serves it: a trace event with a stream id.
 *
 * @example
 * ```ts
 * import type { ApiEvent } from "./event_hub.ts";
 * const e: ApiEvent = { id: 7, time: 12.5, kind: "breaker", node: "n2", data: { to: "open" } };
 * ```
 */
export type ApiEvent = TraceEvent & { readonly id: number };

/**
 * Whether `e` passes `filter`.
 *
 * @example
 * ```ts
 * import { matches } from "./event_hub.ts";
 * const f = { kinds: null, nodes: new Set(["n1"]) };
 * matches(f, { time: 0, kind: "crash", node: "n1" }); // true
 * matches(f, { time: 0, kind: "send", node: "n1" }); // false: messages only when asked
 * ```
 */
export function matches(filter: EventFilter, e: TraceEvent): boolean {
  if (filter.nodes !== null && !filter.nodes.has(e.node)) return false;
  if (filter.kinds === null) return !MESSAGE_EVENT_KINDS.has(e.kind);
  return filter.kinds.has("all") || filter.kinds.has(e.kind);
}

/**
 * Whether a filter asks for message-level events.
 *
 * @example
 * ```ts
 * import { wantsMessages } from "./event_hub.ts";
 * wantsMessages({ kinds: new Set(["deliver"]), nodes: null }); // true
 * ```
 */
export function wantsMessages(filter: EventFilter): boolean {
  if (filter.kinds === null) return false;
  if (filter.kinds.has("all")) return true;
  for (const k of filter.kinds) if (MESSAGE_EVENT_KINDS.has(k)) return true;
  return false;
}

/** The kinds the API itself publishes. */
const API_EVENT_KINDS = ["breaker", "fault", "member"] as const;

/**
 * Every event kind a cluster of `protocol` can produce (the host's, the API's and the
 * protocol's declared ones, plus `all`), or null when the protocol declares none (a
 * protocol file of a user's): then any well-formed kind is accepted.
 *
 * @example
 * ```ts
 * import { knownEventKinds } from "./event_hub.ts";
 * knownEventKinds("raft-kv")?.has("election"); // true
 * knownEventKinds("raft-kv")?.has("zzz"); // false
 * ```
 */
export function knownEventKinds(protocol: AnyProtocol | string): ReadonlySet<string> | null {
  const p = typeof protocol !== "string"
    ? protocol
    : protocolNames().includes(protocol)
    ? protocolByName(protocol)
    : undefined;
  const declared = p?.events;
  if (declared === undefined) return null;
  return new Set<string>(["all", ...HOST_EVENT_KINDS, ...API_EVENT_KINDS, ...declared]);
}

interface Subscriber {
  readonly filter: EventFilter;
  /** `api`: the event is the API's own, not the cluster's. */
  send(e: ApiEvent, api: boolean): void;
}

/**
 * Limits of an {@link EventHub}.
 *
 * @example
 * ```ts
 * import type { EventHubOptions } from "./event_hub.ts";
 * const o: EventHubOptions = { maxStreams: 8, streamBufferBytes: 256 * 1024 };
 * ```
 */
export interface EventHubOptions {
  /** SSE streams open at once; {@link EventHub.full} says when a new one must be refused (64). */
  readonly maxStreams?: number;
  /**
   * Bytes of events one stream may have waiting for its reader; a reader that falls
   * further behind is dropped with a final `dropped` event, so it can neither hold
   * memory nor slow the server (1 MiB).
   */
  readonly streamBufferBytes?: number;
}

const PING_MS = 15_000;

/**
 * Fans events out to observers and SSE streams.
 *
 * @example
 * ```ts ignore
 * import { EventHub } from "./event_hub.ts";
 * const hub = new EventHub(cluster);
 * hub.observe((e) => console.log(e.kind));
 * hub.publish({ time: cluster.now(), kind: "fault", node: "*", data: { heal: true } });
 * hub.close();
 * ```
 */
export class EventHub {
  readonly #cluster: ClusterControl;
  readonly #observers = new Set<(e: ApiEvent) => void>();
  readonly #subscribers = new Set<Subscriber>();
  readonly #closers = new Set<() => void>();
  readonly #unsubscribe: () => void;
  readonly #maxStreams: number;
  readonly #bufferBytes: number;
  #nextId = 1;
  #dropped = 0;

  /** Listens to `cluster`'s node and protocol events until {@link close}. */
  constructor(cluster: ClusterControl, options: EventHubOptions = {}) {
    this.#cluster = cluster;
    this.#maxStreams = options.maxStreams ?? 64;
    this.#bufferBytes = options.streamBufferBytes ?? 1024 * 1024;
    this.#unsubscribe = cluster.onEvent((e) => this.#dispatch(e, false), { messages: false });
  }

  /** Publishes an event of the API's own (breaker, fault, member). */
  publish(e: TraceEvent): void {
    this.#dispatch(e, true);
  }

  /** Sees every event but message-level ones; returns the function that stops it. */
  observe(listener: (e: ApiEvent) => void): () => void {
    this.#observers.add(listener);
    return () => this.#observers.delete(listener);
  }

  /**
   * Subscribes to events passing `filter`; returns the function that unsubscribes. A
   * filter that wants message-level events gets its own message subscription to the
   * cluster, held only while it is subscribed.
   */
  subscribe(filter: EventFilter, listener: (e: ApiEvent) => void): () => void {
    if (!wantsMessages(filter)) {
      const sub: Subscriber = { filter, send: listener };
      this.#subscribers.add(sub);
      return () => this.#subscribers.delete(sub);
    }
    // Cluster events through the message subscription, the API's own through the hub.
    const own: Subscriber = {
      filter,
      send: (e, api) => {
        if (api) listener(e);
      },
    };
    this.#subscribers.add(own);
    const stop = this.#cluster.onEvent((e) => {
      if (matches(filter, e)) listener({ ...e, id: this.#nextId++ });
    }, { messages: true });
    return () => {
      this.#subscribers.delete(own);
      stop();
    };
  }

  /** Whether as many SSE streams are open as allowed: refuse another (503). */
  get full(): boolean {
    return this.#closers.size >= this.#maxStreams;
  }

  /**
   * A Server-Sent Events body of the events passing `filter`, one `event: <kind>` per
   * event with the JSON event as `data`, a comment every 15 s to keep the connection
   * open. A reader that lets more than the buffer's bytes wait is dropped: a last
   * `event: dropped` says why and the stream ends (an EventSource reconnects with
   * `Last-Event-ID`). Ends on {@link close}.
   *
   * Not hono's `streamSSE`: its stream queues without a byte bound and `writeSSE` is
   * awaited per event, where the hub fans each event out synchronously and must drop a
   * reader that holds back more than `bufferBytes` — a `ReadableStream` with a
   * byte-length queuing strategy says exactly that (`desiredSize`).
   */
  stream(filter: EventFilter): ReadableStream<Uint8Array> {
    const enc = new TextEncoder();
    const limit = this.#bufferBytes;
    let cleanup = () => {};
    return new ReadableStream<Uint8Array>({
      start: (ctrl) => {
        let closed = false;
        const put = (text: string) => {
          if (!closed) ctrl.enqueue(enc.encode(text));
        };
        put(": distlab events\nretry: 1000\n\n");
        const unsubscribe = this.subscribe(filter, (e) => {
          if (closed) return;
          if ((ctrl.desiredSize ?? 1) <= 0) {
            const why = { reason: `too slow: over ${limit} bytes of events waiting`, limit };
            put(`event: dropped\ndata: ${JSON.stringify(why)}\n\n`);
            this.#dropped++;
            return close();
          }
          put(`id: ${e.id}\nevent: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`);
        });
        const ping = setInterval(() => put(": ping\n\n"), PING_MS);
        const close = () => {
          cleanup();
          try {
            ctrl.close();
          } catch {
            // Already cancelled by the client.
          }
        };
        cleanup = () => {
          if (closed) return;
          closed = true;
          unsubscribe();
          clearInterval(ping);
          this.#closers.delete(close);
        };
        this.#closers.add(close);
      },
      cancel: () => cleanup(),
    }, new ByteLengthQueuingStrategy({ highWaterMark: limit }));
  }

  /** The most SSE streams open at once (`--max-streams`). */
  get maxStreams(): number {
    return this.#maxStreams;
  }

  /** Open SSE streams. */
  get streams(): number {
    return this.#closers.size;
  }

  /** Streams ended so far because their reader fell more than the buffer behind. */
  get droppedStreams(): number {
    return this.#dropped;
  }

  /** Ends every stream and stops listening to the cluster. */
  close(): void {
    for (const close of [...this.#closers]) close();
    this.#subscribers.clear();
    this.#observers.clear();
    this.#unsubscribe();
  }

  #dispatch(e: TraceEvent, api: boolean): void {
    const event: ApiEvent = { ...e, id: this.#nextId++ };
    for (const o of this.#observers) o(event);
    for (const s of this.#subscribers) if (matches(s.filter, event)) s.send(event, api);
  }
}
