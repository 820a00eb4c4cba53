/**
 * A query node (CQRS read side): keeps a copy of the event log and the stock
 * projection, fed asynchronously by fetching from the event store every `pollMs`
 * (`batch` events at a time). It answers queries from its own copy, so it can serve
 * while the store is unreachable — with stale answers. How stale is in its status:
 * `lag` (events the store had beyond this node's position at the last fetch it heard
 * back from) and `stalenessMs` (time since an answer from the store last showed it
 * caught up; it keeps growing while the store is unreachable).
 *
 * After a crash it starts from position 0 and rebuilds everything by replaying the
 * store's events — a projection is disposable.
 *
 * Queries: `{ f: "stock", item }` → `{ available, reserved, position, lag }`;
 * `{ f: "as-of", item, version?, time? }` → the item's state as it was then (time
 * travel, replayed from the copy); `{ f: "items" }` → the whole read model.
 *
 * @module
 */

import type { NodeContext, NodeId, ProtocolNode } from "../node.ts";
import type { StoredEvent } from "./event.ts";
import { streamOf } from "./inventory.ts";
import type { EsMessage } from "./message.ts";
import { createProjection, project, projectionView } from "./projection.ts";
import { itemAsOf } from "./replay.ts";
import { fail } from "../reply.ts";

/**
 * Timing of a query node.
 *
 * @example
 * ```ts
 * import type { QueryNodeOptions } from "./query_node.ts";
 * const o: QueryNodeOptions = { pollMs: 50, batch: 50, requestTimeoutMs: 100 };
 * ```
 */
export interface QueryNodeOptions {
  readonly pollMs: number;
  readonly batch: number;
  readonly requestTimeoutMs: number;
}

/**
 * A query node, with white-box access to its projection (for invariant checks).
 *
 * @example
 * ```ts
 * import type { QueryNode } from "./query_node.ts";
 * function behind(q: QueryNode, storeLength: number): number {
 *   return storeLength - q.projection.position;
 * }
 * ```
 */
export interface QueryNode extends ProtocolNode<EsMessage, unknown> {
  readonly projection: ReturnType<typeof createProjection>;
}

/**
 * Creates a query node reading from the event store on `store`.
 *
 * @example
 * ```ts
 * import { createQueryNode } from "./query_node.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { EsMessage } from "./message.ts";
 * declare const ctx: NodeContext<EsMessage>;
 * createQueryNode(ctx, "n1", ["n2"], { pollMs: 50, batch: 50, requestTimeoutMs: 200 }).projection.position;
 * ```
 */
export function createQueryNode(
  ctx: NodeContext<EsMessage>,
  store: NodeId,
  commands: readonly NodeId[],
  o: QueryNodeOptions,
): QueryNode {
  const projection = createProjection();
  const streams = new Map<string, StoredEvent[]>();
  let head = 0, caughtUpAt = ctx.now();
  let inflight: { rid: number; deadline: number } | null = null;
  // A random first id, so a batch requested before a restart matches nothing.
  let nextFetch = ctx.now(), nextRid = 1 + Math.floor(ctx.random() * 1e9);

  const lag = () => Math.max(0, head - projection.position);

  return {
    projection,
    tick() {
      const now = ctx.now();
      if (inflight !== null && now >= inflight.deadline) inflight = null;
      if (inflight !== null || now < nextFetch) return;
      inflight = { rid: nextRid++, deadline: now + o.requestTimeoutMs };
      ctx.send(store, {
        type: "es/fetch",
        rid: inflight.rid,
        from: projection.position,
        max: o.batch,
      });
    },
    message(_from, m) {
      if (m.type !== "es/batch" || inflight?.rid !== m.rid) return;
      inflight = null;
      for (const e of m.events) {
        if (!project(projection, e)) continue;
        let s = streams.get(e.stream);
        if (s === undefined) streams.set(e.stream, s = []);
        s.push(e);
      }
      head = Math.max(head, m.head);
      const now = ctx.now();
      if (lag() === 0) caughtUpAt = now;
      // Behind: fetch the next batch at once; caught up: wait for the next poll.
      nextFetch = lag() > 0 ? now : now + o.pollMs;
    },
    request(req) {
      const op = req.op as
        | { f?: unknown; item?: unknown; version?: unknown; time?: unknown }
        | null;
      const item = typeof op?.item === "string" ? op.item : null;
      if (op?.f === "items") {
        return ctx.reply(req.id, {
          type: "ok",
          value: { items: projectionView(projection), position: projection.position, lag: lag() },
        });
      }
      if (op?.f === "stock" && item !== null) {
        const v = projectionView(projection)[item] ?? { available: 0, reserved: 0 };
        return ctx.reply(req.id, {
          type: "ok",
          value: { ...v, position: projection.position, lag: lag() },
        });
      }
      if (op?.f === "as-of" && item !== null) {
        const version = typeof op.version === "number" ? op.version : undefined;
        const time = typeof op.time === "number" ? op.time : undefined;
        const s = itemAsOf(streams.get(streamOf(item)) ?? [], { version, time });
        return ctx.reply(req.id, { type: "ok", value: s });
      }
      ctx.reply(
        req.id,
        fail(
          "wrong-node",
          `${ctx.id} answers queries (stock, as-of, items); send commands to a command node`,
          { leader: commands[0] },
        ),
      );
    },
    status: () => ({
      role: "query",
      store,
      position: projection.position,
      head,
      lag: lag(),
      stalenessMs: ctx.now() - caughtUpAt,
      items: projection.items.size,
    }),
  };
}
