/**
 * The `event-sourcing` protocol (chapter §8): event sourcing with CQRS. One node is the
 * event store; command nodes decide commands against state rebuilt from events and
 * append with optimistic concurrency; query nodes serve a projection fed
 * asynchronously, and "as of" queries that replay history to any past version or time.
 *
 * Roles (option `roles`: `{ store, commands: [...], queries: [...] }`): default `n1`
 * the store, then command and query nodes alternating (`n2` command, `n3` query, `n4`
 * command, …).
 *
 * Client operations — commands at a command node: `{ f: "add-stock", item, qty, id? }`,
 * `{ f: "reserve", item, order, qty, id? }`, `{ f: "release", item, order, id? }`;
 * queries at a query node: `{ f: "stock", item }`, `{ f: "as-of", item, version?, time? }`,
 * `{ f: "items" }`; at the store: `{ f: "stream", stream }`. A node asked the other kind
 * answers `fail` with a `leader` hint to the right kind.
 *
 * Options: `roles`; `requestTimeoutMs` (100), `maxAttempts` (8), `maxConflicts` (5),
 * `retry` (a resilience `Backoff`) for command nodes; `pollMs` (50) and `batch` (50)
 * for the projection feed.
 *
 * @module
 */

import { esMessages } from "./message.ts";
import type { NodeContext, NodeId, Protocol, ProtocolNode } from "../node.ts";
import { idleNode } from "../idle_node.ts";
import { byNodeIndex } from "../node_order.ts";
import type { Backoff } from "../../resilience/backoff.ts";
import type { EsMessage } from "./message.ts";
import { createEventStore } from "./store.ts";
import { createCommandNode } from "./command_node.ts";
import { createQueryNode } from "./query_node.ts";
import { PLAIN_ADMIN } from "../admin.ts";
import type { Arg, ClientOperation } from "../operations.ts";

const ITEM: Arg = { type: "string", summary: "the item" };
const ORDER: Arg = { type: "string", summary: "the order holding the reservation" };
const QTY: Arg = { type: "integer", summary: "how many, at least 1" };
/** Commands go to a command node, queries to a query node, a stream read to the store. */
const ES_OPERATIONS: readonly ClientOperation[] = [
  {
    f: "add-stock",
    summary: "add stock of an item",
    kind: "write",
    idempotent: false,
    roles: ["command"],
    args: { item: ITEM, qty: QTY },
  },
  {
    f: "reserve",
    summary: "reserve stock for an order",
    kind: "write",
    idempotent: true,
    roles: ["command"],
    args: { item: ITEM, order: ORDER, qty: QTY },
  },
  {
    f: "release",
    summary: "release an order's reservation",
    kind: "write",
    idempotent: true,
    roles: ["command"],
    args: { item: ITEM, order: ORDER },
  },
  {
    f: "stock",
    summary: "an item's stock as the projection has it",
    kind: "read",
    idempotent: true,
    roles: ["query"],
    args: { item: ITEM },
  },
  {
    f: "as-of",
    summary: "an item's stock replayed to a version or a time",
    kind: "read",
    idempotent: true,
    roles: ["query"],
    args: {
      item: ITEM,
      version: { type: "integer", summary: "the stream version", optional: true },
      time: { type: "number", summary: "the event time", optional: true },
    },
  },
  {
    f: "items",
    summary: "every item's stock as the projection has it",
    kind: "read",
    idempotent: true,
    roles: ["query"],
    args: {},
  },
  {
    f: "stream",
    summary: "one stream's events from the store",
    kind: "read",
    idempotent: true,
    roles: ["event-store"],
    args: { stream: { type: "string", summary: "the stream, e.g. item-1" } },
  },
];

/**
 * Which node does what.
 *
 * @example
 * ```ts
 * import { esRoles } from "./event_sourcing.ts";
 * const roles = esRoles(["n1", "n2", "n3", "n4"], {});
 * roles.store; // the node holding the event store
 * ```
 */
export interface EsRoles {
  readonly store: NodeId;
  readonly commands: readonly NodeId[];
  readonly queries: readonly NodeId[];
}

/**
 * Resolves the roles from the `roles` option (see the module doc for the default).
 *
 * @example
 * ```ts
 * import { esRoles } from "./event_sourcing.ts";
 * esRoles(["n1", "n2", "n3", "n4"], {}); // { store: "n1", commands: ["n2", "n4"], queries: ["n3"] }
 * ```
 */
export function esRoles(
  nodes: readonly NodeId[],
  options: Readonly<Record<string, unknown>>,
): EsRoles {
  const all = [...nodes].sort(byNodeIndex);
  const raw = (options.roles ?? {}) as Partial<EsRoles>;
  const store = raw.store ?? all[0]!;
  const rest = all.filter((n) => n !== store);
  return {
    store,
    commands: raw.commands ?? rest.filter((_, i) => i % 2 === 0),
    queries: raw.queries ?? rest.filter((_, i) => i % 2 === 1),
  };
}

function createNode(ctx: NodeContext<EsMessage>): ProtocolNode<EsMessage, unknown> {
  const roles = esRoles([ctx.id, ...ctx.peers], ctx.options);
  const num = (k: string, d: number) => Number(ctx.options[k] ?? d);
  if (roles.store === ctx.id) return createEventStore(ctx);
  if (roles.commands.includes(ctx.id)) {
    return createCommandNode(ctx, roles.store, roles.queries, {
      retry: (ctx.options.retry as Backoff | undefined) ??
        { type: "exponential", baseMs: 20, capMs: 500, jitter: "full" },
      requestTimeoutMs: num("requestTimeoutMs", 100),
      maxAttempts: num("maxAttempts", 8),
      maxConflicts: num("maxConflicts", 5),
    });
  }
  if (roles.queries.includes(ctx.id)) {
    return createQueryNode(ctx, roles.store, roles.commands, {
      pollMs: num("pollMs", 50),
      batch: num("batch", 50),
      requestTimeoutMs: num("requestTimeoutMs", 100),
    });
  }
  return idleNode(ctx);
}

/**
 * Event sourcing with CQRS: an event store, command nodes and query nodes.
 *
 * @example
 * ```ts
 * import { eventSourcing } from "./event_sourcing.ts";
 * eventSourcing.name; // "event-sourcing"
 * ```
 */
export const eventSourcing: Protocol<EsMessage, unknown> = {
  name: "event-sourcing",
  description: "event store with optimistic concurrency, command nodes, async projections (CQRS)",
  tickMs: 10,
  liveOptions: { requestTimeoutMs: 1000 },
  admin: PLAIN_ADMIN,
  operations: ES_OPERATIONS,
  events: ["es-append", "es-conflict", "es-retry"],
  messages: esMessages,
  create: createNode,
};
