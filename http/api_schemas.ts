/**
 * The shapes the API answers with, as zod schemas: the one source of the OpenAPI
 * document's `components.schemas` and of the types its clients read (`z.infer`).
 * Request shapes live beside their routes in `routes/`.
 *
 * @module
 */

import { z } from "@hono/zod-openapi";
import { BYZANTINE_MODES } from "../nodes/faults/byzantine.ts";
import { DISK_FAULT_KINDS } from "../protocols/storage.ts";

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

const DISK_KIND = z.enum(DISK_FAULT_KINDS);

/**
 * The storage faults on one node's file store (a cluster with `--data-dir`).
 *
 * @example
 * ```ts
 * import { DiskFaultViewSchema } from "./api_schemas.ts";
 * DiskFaultViewSchema.parse({ faults: {}, once: ["bit-flip"], injected: {} }).once; // ["bit-flip"]
 * ```
 */
export const DiskFaultViewSchema = z.object({
  faults: z.partialRecord(DISK_KIND, z.number()).openapi({
    description: "Each kind's probability per chance (append, sync or read), until changed",
  }),
  once: z.array(DISK_KIND).openapi({ description: "Kinds armed for their next chance only" }),
  injected: z.partialRecord(DISK_KIND, z.number().int()).openapi({
    description: "Faults injected so far, by kind",
  }),
}).openapi("DiskFaults");

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
  byzantine: z.enum(BYZANTINE_MODES).nullable().openapi({
    description: "How the node lies (its messages are rewritten on their way out: " +
      "POST /faults/byzantine), or null while it is correct",
  }),
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
  pid: z.number().int().optional().openapi({
    description: "The node's OS process id, when the cluster runs nodes as processes " +
      "(deno task cluster --processes) and the node is up",
  }),
  disk: DiskFaultViewSchema.optional(),
}).openapi("NodeView");

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
 * The network's faults: link rules (loss, delay, …) and blocks (partition, isolate, cut).
 *
 * @example
 * ```ts
 * import { NetworkSchema } from "./api_schemas.ts";
 * NetworkSchema.safeParse({ rules: [], blocks: [] }).success; // true
 * ```
 */
export const NetworkSchema = z.object({
  rules: z.array(z.looseObject({ id: z.number().int(), from: z.string(), to: z.string() })),
  blocks: z.array(z.object({ id: z.number().int(), kind: z.string(), description: z.string() })),
}).openapi("Network");

/**
 * One node's clock error.
 *
 * @example
 * ```ts
 * import { ClockSchema } from "./api_schemas.ts";
 * ClockSchema.safeParse({ skewMs: 200, drift: 0.01 }).success; // true
 * ```
 */
export const ClockSchema = z.object({ skewMs: z.number(), drift: z.number() }).openapi("Clock");

const ColumnSchema = z.object({
  header: z.string(),
  field: z.string(),
  format: z.enum(["value", "list", "pairs", "since"]).optional(),
  alt: z.string().optional(),
  with: z.string().optional(),
  suffix: z.string().optional(),
}).readonly();

/**
 * How a protocol shows its nodes (its descriptor's `display`), as `GET /cluster` sends it.
 *
 * @example
 * ```ts
 * import { DisplaySchema } from "./api_schemas.ts";
 * import { DEFAULT_DISPLAY } from "../protocols/display.ts";
 * DisplaySchema.safeParse(DEFAULT_DISPLAY).success; // true
 * ```
 */
export const DisplaySchema = z.object({
  headline: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("leader"), noun: z.string(), term: z.string() }).readonly(),
    z.object({ kind: z.literal("role"), role: z.string() }).readonly(),
    z.object({ kind: z.literal("leaderless"), fields: z.array(z.string()).readonly() })
      .readonly(),
  ]),
  columns: z.array(ColumnSchema).readonly(),
  leaderMessages: z.array(z.string()).readonly().optional(),
}).readonly().openapi("Display", {
  description: "How the protocol shows its nodes, as it declares: `headline` " +
    "(leader with its term, a role, or leaderless with settings) and `columns` " +
    "(header, field — a node view field or status.X —, format)",
});

/**
 * The whole cluster (`GET /cluster`).
 *
 * @example
 * ```ts
 * import { ClusterSchema } from "./api_schemas.ts";
 * Object.keys(ClusterSchema.shape).includes("wallClockMs"); // true
 * ```
 */
export const ClusterSchema = z.object({
  protocol: z.string(),
  display: DisplaySchema,
  leader: z.string().nullable(),
  term: z.number().int().nullable(),
  nodes: z.array(NodeViewSchema),
  network: NetworkSchema,
  clocks: z.record(z.string(), ClockSchema),
  counters: z.record(z.string(), z.unknown()),
  wallClockMs: z.number().openapi({
    description: "The server's time, Unix ms (compare with blockedSince)",
  }),
}).openapi("Cluster");

/**
 * The type of {@link ClusterSchema}: what `GET /cluster` answers.
 *
 * @example
 * ```ts
 * import type { ClusterShape } from "./api_schemas.ts";
 * const c: Pick<ClusterShape, "protocol" | "leader"> = { protocol: "raft-kv", leader: null };
 * ```
 */
export type ClusterShape = z.infer<typeof ClusterSchema>;

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
});

const VersionSchema = z.looseObject({
  clock: z.record(z.string(), z.number()),
  value: z.unknown().optional(),
  valueBytes: z.number().optional(),
  deleted: z.boolean().optional(),
});

const HolderSchema = z.object({
  node: z.string(),
  rank: z.number().int().nullable(),
  up: z.boolean(),
  known: z.boolean(),
  versions: z.array(VersionSchema),
  hints: z.record(z.string(), z.array(VersionSchema)),
});

/**
 * A quorum store's consistent-hash ring (`GET /ring`).
 *
 * @example
 * ```ts
 * import { RingSchema } from "./api_schemas.ts";
 * Object.keys(RingSchema.shape).includes("vnodes"); // true
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
    token: z.object({ token: z.number(), node: z.string() }),
    preferenceList: z.array(z.string()),
    holders: z.array(HolderSchema),
  }).optional(),
}).openapi("Ring");

/**
 * The type of {@link RingSchema}: what `GET /ring` answers.
 *
 * @example
 * ```ts
 * import type { RingShape } from "./api_schemas.ts";
 * const nodes: RingShape["nodes"] = [];
 * ```
 */
export type RingShape = z.infer<typeof RingSchema>;

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

/**
 * `GET /nodes/{id}/log`: a page of one node's replicated log.
 *
 * @example
 * ```ts
 * import { LogPageSchema } from "./api_schemas.ts";
 * LogPageSchema.safeParse({ node: "n1", first: 1, last: 0, commit: 0, entries: [] }).success; // true
 * ```
 */
export const LogPageSchema = z.object({
  node: z.string(),
  first: z.number().int().openapi({
    description: "The first index the node still holds (older ones are in its snapshot)",
  }),
  last: z.number().int().openapi({ description: "The last index of its log" }),
  commit: z.number().int().openapi({ description: "The highest index it knows committed" }),
  entries: z.array(z.object({
    index: z.number().int(),
    term: z.number().int(),
    data: z.unknown().openapi({ description: "What the entry applies, as the protocol has it" }),
  })),
}).openapi("LogPage");

/**
 * The type of a {@link LogPageSchema} answer.
 *
 * @example
 * ```ts
 * import type { LogPageShape } from "./api_schemas.ts";
 * const p: LogPageShape = { node: "n1", first: 1, last: 0, commit: 0, entries: [] };
 * ```
 */
export type LogPageShape = z.infer<typeof LogPageSchema>;
