/**
 * The shared schemas of the OpenAPI document (`components.schemas`): problems, nodes,
 * the cluster, KV results, protocol operation results and the quorum-kv ring.
 *
 * @module
 */

const NODE_VIEW = { $ref: "#/components/schemas/NodeView" };

/**
 * The schemas, by name.
 *
 * @example
 * ```ts
 * import { SCHEMAS } from "./openapi_schemas.ts";
 * Object.keys(SCHEMAS).includes("Ring"); // true
 * ```
 */
export const SCHEMAS: Readonly<Record<string, unknown>> = {
  Problem: {
    type: "object",
    description: "RFC 9457 problem details",
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
      instance: { type: "string" },
      field: { type: "string", description: "The input at fault (400)" },
      node: { type: "string" },
      retryAfter: { type: "integer", description: "Seconds (503)" },
    },
    required: ["type", "title", "status"],
  },
  NodeView: {
    type: "object",
    properties: {
      id: { type: "string" },
      up: { type: "boolean" },
      paused: { type: "boolean" },
      role: { type: ["string", "null"] },
      term: { type: ["integer", "null"] },
      commitIndex: { type: ["integer", "null"] },
      leader: { type: ["string", "null"] },
      lastSeenMs: { type: ["number", "null"] },
      suspects: { type: "array", items: { type: "string" } },
      suspectedBy: { type: "array", items: { type: "string" } },
      breaker: { enum: ["closed", "open", "half_open", "forced_open"] },
      status: {
        type: "object",
        description: "The protocol's whole status, unchanged: e.g. a 2PC participant's " +
          "locks, inDoubt and blockedSince (its clock, Unix ms; null unless blocked), " +
          "a primary-backup node's mode and lag, a quorum-kv replica's keys, hints, " +
          "ownership and holdings",
      },
    },
  },
  Cluster: {
    type: "object",
    properties: {
      protocol: { type: "string" },
      display: {
        type: "object",
        description: "How the protocol shows its nodes, as it declares: `headline` " +
          "(leader with its term, a role, or leaderless with settings) and `columns` " +
          "(header, field — a node view field or status.X —, format)",
      },
      leader: { type: ["string", "null"] },
      term: { type: ["integer", "null"] },
      nodes: { type: "array", items: NODE_VIEW },
      network: { type: "object" },
      clocks: { type: "object" },
      counters: { type: "object" },
      wallClockMs: {
        type: "number",
        description: "The server's time, Unix ms (compare with blockedSince)",
      },
    },
  },
  FaultCreated: {
    type: "object",
    properties: {
      id: { type: "integer" },
      kind: { type: "string" },
      description: { type: "string" },
    },
  },
  KvResult: {
    type: "object",
    properties: {
      key: { type: "string" },
      value: {},
      node: { type: "string" },
      siblings: {
        type: "array",
        description: "quorum-kv: concurrent values (instead of `value`), sorted",
      },
      context: {
        type: "object",
        description: "quorum-kv: the siblings' merged vector clock",
      },
      clock: { type: "object", description: "quorum-kv: the written version's clock" },
      acks: {
        type: "array",
        items: { type: "string" },
        description: "quorum-kv: replicas that acknowledged the write",
      },
    },
  },
  OpResult: {
    type: "object",
    properties: { f: { type: "string" }, value: {}, node: { type: "string" } },
  },
  Ring: {
    type: "object",
    properties: {
      source: { type: "string", description: "The node whose membership is shown" },
      epoch: { type: "integer" },
      members: { type: "array", items: { type: "string" } },
      converged: { type: "boolean", description: "Every live node has this epoch" },
      n: { type: "integer" },
      r: { type: ["integer", "null"] },
      w: { type: ["integer", "null"] },
      vnodes: { type: "integer" },
      nodes: {
        type: "array",
        items: {
          type: "object",
          properties: {
            id: { type: "string" },
            up: { type: "boolean" },
            member: { type: "boolean" },
            tokens: { type: "integer" },
            share: { type: "number" },
            keys: { type: ["integer", "null"] },
            hints: { type: ["integer", "null"] },
            epoch: { type: ["integer", "null"] },
          },
        },
      },
      key: {
        type: "object",
        properties: {
          key: { type: "string" },
          hash: { type: "integer" },
          token: { type: "object" },
          preferenceList: { type: "array", items: { type: "string" } },
          holders: { type: "array", items: { type: "object" } },
        },
      },
    },
  },
};
