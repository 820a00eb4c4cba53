/**
 * The shapes the API answers with, as zod schemas: the one source of the OpenAPI
 * document's `components.schemas` and of the types its clients read (`z.infer`).
 * Request shapes live beside their routes in `routes/`.
 *
 * @module
 */

import { z } from "@hono/zod-openapi";

/**
 * RFC 9457 problem details: every error the API answers.
 *
 * @example
 * ```ts
 * import { ProblemSchema } from "./api_schemas.ts";
 * ProblemSchema.safeParse({ type: "about:blank", title: "Not Found", status: 404 }).success; // true
 * ```
 */
export const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  field: z.string().optional().openapi({ description: "The input at fault (400)" }),
  node: z.string().optional(),
  retryAfter: z.number().int().optional().openapi({ description: "Seconds (503)" }),
}).openapi("Problem", { description: "RFC 9457 problem details" });

/**
 * One node as the API shows it.
 *
 * @example
 * ```ts
 * import type { NodeViewShape } from "./api_schemas.ts";
 * const n: Partial<NodeViewShape> = { id: "n1", up: true };
 * ```
 */
export const NodeViewSchema = z.object({
  id: z.string(),
  up: z.boolean(),
  paused: z.boolean(),
  role: z.string().nullable(),
  term: z.number().int().nullable(),
  commitIndex: z.number().int().nullable(),
  leader: z.string().nullable(),
  lastSeenMs: z.number().nullable(),
  suspects: z.array(z.string()),
  suspectedBy: z.array(z.string()),
  breaker: z.enum(["closed", "open", "half_open", "forced_open"]),
  status: z.record(z.string(), z.unknown()).openapi({
    description: "The protocol's whole status, unchanged: e.g. a 2PC participant's " +
      "locks, inDoubt and blockedSince (its clock, Unix ms; null unless blocked), " +
      "a primary-backup node's mode and lag, a quorum-kv replica's keys, hints, " +
      "ownership and holdings",
  }),
}).partial().openapi("NodeView");

/**
 * The type of {@link NodeViewSchema}.
 *
 * @example
 * ```ts
 * import type { NodeViewShape } from "./api_schemas.ts";
 * const n: Partial<NodeViewShape> = { id: "n1", role: "leader" };
 * ```
 */
export type NodeViewShape = z.infer<typeof NodeViewSchema>;

/**
 * The whole cluster (`GET /cluster`).
 *
 * @example
 * ```ts
 * import { ClusterSchema } from "./api_schemas.ts";
 * ClusterSchema.safeParse({ protocol: "raft-kv", nodes: [{ id: "n1" }] }).success; // true
 * ```
 */
export const ClusterSchema = z.object({
  protocol: z.string(),
  display: z.record(z.string(), z.unknown()).openapi({
    description: "How the protocol shows its nodes, as it declares: `headline` " +
      "(leader with its term, a role, or leaderless with settings) and `columns` " +
      "(header, field — a node view field or status.X —, format)",
  }),
  leader: z.string().nullable(),
  term: z.number().int().nullable(),
  nodes: z.array(NodeViewSchema),
  network: z.record(z.string(), z.unknown()),
  clocks: z.record(z.string(), z.unknown()),
  counters: z.record(z.string(), z.unknown()),
  wallClockMs: z.number().openapi({
    description: "The server's time, Unix ms (compare with blockedSince)",
  }),
}).partial().openapi("Cluster");

/**
 * A fault just added: `id` removes it.
 *
 * @example
 * ```ts
 * import { FaultCreatedSchema } from "./api_schemas.ts";
 * FaultCreatedSchema.safeParse({ id: 1, kind: "cut" }).success; // true
 * ```
 */
export const FaultCreatedSchema = z.looseObject({
  id: z.number().int(),
  kind: z.string(),
  description: z.string().optional(),
}).openapi("FaultCreated");

/**
 * The answer to a key-value request.
 *
 * @example
 * ```ts
 * import { KvResultSchema } from "./api_schemas.ts";
 * KvResultSchema.safeParse({ key: "x", value: 1, node: "n1" }).success; // true
 * ```
 */
export const KvResultSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  node: z.string(),
  siblings: z.array(z.unknown()).openapi({
    description: "quorum-kv: concurrent values (instead of `value`), sorted",
  }),
  context: z.record(z.string(), z.number()).openapi({
    description: "quorum-kv: the siblings' merged vector clock",
  }),
  clock: z.record(z.string(), z.number()).openapi({
    description: "quorum-kv: the written version's clock",
  }),
  acks: z.array(z.string()).openapi({
    description: "quorum-kv: replicas that acknowledged the write",
  }),
}).partial().openapi("KvResult");

/**
 * The answer to a protocol operation.
 *
 * @example
 * ```ts
 * import { OpResultSchema } from "./api_schemas.ts";
 * OpResultSchema.safeParse({ f: "propose", value: 3, node: "n1" }).success; // true
 * ```
 */
export const OpResultSchema = z.object({ f: z.string(), value: z.unknown(), node: z.string() })
  .partial().openapi("OpResult");

const RingNodeSchema = z.object({
  id: z.string(),
  up: z.boolean(),
  member: z.boolean(),
  tokens: z.number().int(),
  share: z.number(),
  keys: z.number().int().nullable(),
  hints: z.number().int().nullable(),
  epoch: z.number().int().nullable(),
}).partial();

/**
 * A quorum store's consistent-hash ring (`GET /ring`).
 *
 * @example
 * ```ts
 * import { RingSchema } from "./api_schemas.ts";
 * RingSchema.safeParse({ n: 3, members: ["n1", "n2", "n3"] }).success; // true
 * ```
 */
export const RingSchema = z.object({
  source: z.string().openapi({ description: "The node whose membership is shown" }),
  epoch: z.number().int(),
  members: z.array(z.string()),
  converged: z.boolean().openapi({ description: "Every live node has this epoch" }),
  n: z.number().int(),
  r: z.number().int().nullable(),
  w: z.number().int().nullable(),
  vnodes: z.number().int(),
  nodes: z.array(RingNodeSchema),
  key: z.object({
    key: z.string(),
    hash: z.number().int(),
    token: z.record(z.string(), z.unknown()),
    preferenceList: z.array(z.string()),
    holders: z.array(z.record(z.string(), z.unknown())),
  }).partial(),
}).partial().openapi("Ring");

/**
 * The members after a change (`POST /members`, `DELETE /members/{id}`).
 *
 * @example
 * ```ts
 * import { MembersSchema } from "./api_schemas.ts";
 * MembersSchema.safeParse({ node: "n4", members: ["n1", "n4"] }).success; // true
 * ```
 */
export const MembersSchema = z.object({ node: z.string(), members: z.array(z.string()) })
  .openapi("Members");
