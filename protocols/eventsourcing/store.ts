/**
 * The event store: an append-only log of every event (`es/<position>` in durable
 * storage), indexed by stream. Appends use optimistic concurrency — a writer says which
 * stream version it decided against (`expected`), and the append is refused with a
 * conflict if anyone appended to that stream since — so two command nodes deciding on
 * the same stale state cannot both win. An append carries its command's id and is
 * idempotent: a retry of an append that already happened answers as the first did.
 *
 * Client operation (for inspection): `{ f: "stream", stream }` → its events.
 *
 * @module
 */

import type { NodeContext, ProtocolNode } from "../node.ts";
import type { NewEvent, StoredEvent } from "./event.ts";
import type { EsMessage } from "./message.ts";
import { fail } from "../reply.ts";

/**
 * The event store node, with white-box access to its events (for invariant checks).
 *
 * @example
 * ```ts
 * import type { EventStoreNode } from "./store.ts";
 * function streams(s: EventStoreNode): Set<string> {
 *   return new Set(s.events.map((e) => e.stream));
 * }
 * ```
 */
export interface EventStoreNode extends ProtocolNode<EsMessage, unknown> {
  readonly events: readonly StoredEvent[];
}

const pad = (n: number) => String(n).padStart(10, "0");

/**
 * Creates the event store, recovering its log from storage.
 *
 * @example
 * ```ts
 * import { createEventStore } from "./store.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { EsMessage } from "./message.ts";
 * declare const ctx: NodeContext<EsMessage>;
 * createEventStore(ctx).events.length;
 * ```
 */
export function createEventStore(ctx: NodeContext<EsMessage>): EventStoreNode {
  const events: StoredEvent[] = ctx.storage.keys("es/").map((k) =>
    ctx.storage.get(k) as StoredEvent
  );
  const streams = new Map<string, StoredEvent[]>();
  const commands = new Map<string, number>(); // command id → stream version after it
  const index = (e: StoredEvent) => {
    let s = streams.get(e.stream);
    if (s === undefined) streams.set(e.stream, s = []);
    s.push(e);
    commands.set(e.command, e.version);
  };
  events.forEach(index);
  let conflicts = 0;

  const append = (stream: string, expected: number, news: readonly NewEvent[], command: string) => {
    const done = commands.get(command);
    if (done !== undefined) return { ok: true, version: done };
    const current = streams.get(stream)?.length ?? 0;
    if (current !== expected) {
      conflicts++;
      ctx.emit("es-conflict", { stream, expected, current, command });
      return { ok: false, version: current };
    }
    news.forEach((n, i) => {
      const e: StoredEvent = {
        stream,
        version: current + i + 1,
        position: events.length,
        type: n.type,
        data: n.data,
        at: ctx.now(),
        command,
      };
      ctx.storage.set("es/" + pad(e.position), e);
      events.push(e);
      index(e);
    });
    ctx.emit("es-append", { stream, version: current + news.length, count: news.length });
    return { ok: true, version: current + news.length };
  };

  return {
    events,
    tick() {},
    message(from, m) {
      switch (m.type) {
        case "es/read": {
          const s = streams.get(m.stream) ?? [];
          return ctx.send(from, {
            type: "es/stream",
            rid: m.rid,
            stream: m.stream,
            events: s.slice(Math.max(0, m.from - 1)),
          });
        }
        case "es/append": {
          const r = append(m.stream, m.expected, m.events, m.command);
          return ctx.send(from, { type: "es/appended", rid: m.rid, ...r });
        }
        case "es/fetch":
          return ctx.send(from, {
            type: "es/batch",
            rid: m.rid,
            events: events.slice(m.from, m.from + m.max),
            head: events.length,
          });
        default:
          return;
      }
    },
    request(req) {
      const op = req.op as { f?: unknown; stream?: unknown } | null;
      if (op?.f === "stream" && typeof op.stream === "string") {
        return ctx.reply(req.id, { type: "ok", value: streams.get(op.stream) ?? [] });
      }
      ctx.reply(req.id, fail("wrong-node", `${ctx.id} is the event store`));
    },
    status: () => ({
      role: "event-store",
      events: events.length,
      streams: streams.size,
      conflicts,
    }),
  };
}
