/**
 * The OpenAPI 3.1 description of the API (`GET /api/v1/openapi.json`). It is written by
 * hand, next to the routes; a test checks that every route the app serves is described
 * here and every operation described here is served.
 *
 * @module
 */

import { SCHEMAS } from "./openapi_schemas.ts";

type Json = Record<string, unknown>;

const problem = (description: string): Json => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

const RESPONSES: Record<string, Json> = {
  "400": problem("Malformed input; `field` names the offending part"),
  "401": problem("Missing or wrong bearer token (only when the server has a token)"),
  "404": problem("Unknown node, key, fault or route"),
  "409": problem(
    "Conflicts with the current state (CAS mismatch, node exists, not supported, the " +
      "protocol refused the operation)",
  ),
  "413": problem("Body over the limit (`--max-body`, default 1 MiB)"),
  "422": problem(
    "`Idempotency-Key` or `X-Request-Seq` already used for a different request; nothing done",
  ),
  "503": problem("No leader, no quorum, node down or breaker open; retry after `Retry-After`"),
  "504": problem("Outcome unknown: the node did not answer in time; a write may still apply"),
};

const json = (description: string, schema: Json = { type: "object" }): Json => ({
  description,
  content: { "application/json": { schema } },
});

const pathParam = (name: string, description: string): Json => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string" },
});

const queryParam = (
  name: string,
  description: string,
  schema: Json = { type: "string" },
): Json => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});

const headerParam = (name: string, description: string): Json => ({
  name,
  in: "header",
  required: false,
  description,
  schema: { type: "string" },
});

const NODE = pathParam("id", "A node id, e.g. n1");
const QUORUM_PARAMS = [
  queryParam("r", "quorum-kv: replies a read (or a cas's read) waits for, 1 … N", {
    type: "integer",
    minimum: 1,
  }),
  queryParam("w", "quorum-kv: acknowledgements a write waits for, 1 … N", {
    type: "integer",
    minimum: 1,
  }),
];
const WRITE_CONTEXT = [
  queryParam(
    "context",
    'quorum-kv: the context (vector clock, JSON) of a read with siblings, e.g. {"n1":2,"n2":1}; ' +
      "the write supersedes every sibling that read saw",
  ),
  headerParam("X-Distlab-Context", "quorum-kv: the context, as in ?context= (give one of the two)"),
];
const QUORUM_LEVEL = queryParam(
  "consistency",
  "quorum-kv: ONE, QUORUM or ALL for both r and w (an explicit r or w wins)",
  { enum: ["ONE", "QUORUM", "ALL"] },
);
const KEY = pathParam("key", "The key (one path segment; percent-encode `/`)");
const PIN = queryParam("node", "Send to this node only (do not follow leader hints)");
const SESSION = [
  headerParam("X-Client-Id", "A client's id; with X-Request-Seq a retry is applied once"),
  headerParam("X-Request-Seq", "The client's sequence number for this request (1, 2, 3 …)"),
  headerParam(
    "Idempotency-Key",
    "One request's key; a retry under the same key is applied once, and the key used for a " +
      "different request is a 422",
  ),
];

interface OpSpec {
  readonly summary: string;
  readonly tag: string;
  readonly params?: readonly Json[];
  readonly body?: {
    readonly description: string;
    readonly schema: Json;
    readonly example?: unknown;
  };
  readonly ok: Json;
  readonly okStatus?: string;
  readonly errors: readonly string[];
}

function operation(id: string, spec: OpSpec): Json {
  const responses: Json = { [spec.okStatus ?? "200"]: spec.ok };
  for (const code of [...spec.errors, "401"]) responses[code] = RESPONSES[code];
  const out: Json = { operationId: id, summary: spec.summary, tags: [spec.tag], responses };
  if (spec.params) out.parameters = spec.params;
  if (spec.body) {
    out.requestBody = {
      required: true,
      description: spec.body.description,
      content: {
        "application/json": {
          schema: spec.body.schema,
          ...(spec.body.example !== undefined ? { example: spec.body.example } : {}),
        },
      },
    };
  }
  return out;
}

const nodeIdSchema: Json = { type: "string", pattern: "^[a-z][a-z0-9_-]{0,31}$" };
const obj = (properties: Json, required: string[] = []): Json => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});
const NODE_VIEW: Json = { $ref: "#/components/schemas/NodeView" };
const OP_BODY = {
  description: "The operation: a JSON object whose `f` names it; the rest is the protocol's",
  schema: obj({
    op: {
      type: "object",
      properties: { f: { type: "string", pattern: "^[a-z][a-z0-9_-]{0,63}$" } },
      required: ["f"],
    },
  }, ["op"]),
  example: { op: { f: "order", id: "o1", item: "item-1", qty: 1, amount: 5 } },
};
const FAULT_CREATED = json("The fault was added; `id` removes it", {
  $ref: "#/components/schemas/FaultCreated",
});
const NODE_ACTION = (verb: string, summary: string): Json =>
  operation(`${verb}Node`, {
    summary,
    tag: "nodes",
    params: [NODE],
    ok: json("The node afterwards", NODE_VIEW),
    errors: verb === "timeout" ? ["404", "409"] : ["404"],
  });

/**
 * The OpenAPI document.
 *
 * @example
 * ```ts
 * import { openApiDocument } from "./openapi.ts";
 * const doc = openApiDocument();
 * Object.keys(doc.paths as object).includes("/api/v1/cluster"); // true
 * ```
 */
export function openApiDocument(): Json {
  const paths: Json = {
    "/api/v1/cluster": {
      get: operation("getCluster", {
        summary: "Protocol, leader, every node, network faults, clocks and message counters",
        tag: "cluster",
        ok: json("The cluster", { $ref: "#/components/schemas/Cluster" }),
        errors: [],
      }),
    },
    "/api/v1/nodes/{id}": {
      get: operation("getNode", {
        summary: "One node",
        tag: "cluster",
        params: [NODE],
        ok: json("The node", NODE_VIEW),
        errors: ["404"],
      }),
    },
    "/api/v1/leader": {
      get: operation("getLeader", {
        summary: "The leader and its term",
        tag: "cluster",
        ok: json(
          "The leader",
          obj({ leader: { type: "string" }, term: { type: ["integer", "null"] } }),
        ),
        errors: ["503"],
      }),
    },
    "/api/v1/members": {
      post: operation("addMember", {
        summary: "Start a node and add it to the cluster (Raft: learner, then voter)",
        tag: "membership",
        body: {
          description: "The new node",
          schema: obj({ node: nodeIdSchema }, ["node"]),
          example: { node: "n6" },
        },
        ok: json(
          "Added",
          obj({ node: { type: "string" }, members: { type: "array", items: { type: "string" } } }),
        ),
        okStatus: "201",
        errors: ["400", "409", "413", "503", "504"],
      }),
    },
    "/api/v1/members/{id}": {
      delete: operation("removeMember", {
        summary: "Remove a node from the cluster and stop it",
        tag: "membership",
        params: [NODE],
        ok: json(
          "Removed",
          obj({ node: { type: "string" }, members: { type: "array", items: { type: "string" } } }),
        ),
        errors: ["404", "409", "503", "504"],
      }),
    },
    "/api/v1/transfer": {
      post: operation("transferLeadership", {
        summary: "Hand leadership to another node",
        tag: "membership",
        body: {
          description: "The new leader",
          schema: obj({ to: nodeIdSchema }, ["to"]),
          example: { to: "n2" },
        },
        ok: json("Transferred", obj({ leader: { type: "string" }, from: { type: "string" } })),
        errors: ["400", "404", "409", "413", "503", "504"],
      }),
    },
    "/api/v1/nodes/{id}/crash": {
      post: NODE_ACTION("crash", "Crash a node: volatile state and unsynced writes are lost"),
    },
    "/api/v1/nodes/{id}/restart": {
      post: NODE_ACTION("restart", "Restart a crashed node from its durable storage"),
    },
    "/api/v1/nodes/{id}/pause": {
      post: NODE_ACTION("pause", "Pause a node (gray failure: alive, processing nothing)"),
    },
    "/api/v1/nodes/{id}/resume": {
      post: NODE_ACTION("resume", "Resume a paused node; held messages arrive in order"),
    },
    "/api/v1/nodes/{id}/timeout": {
      post: NODE_ACTION("timeout", "Fire the node's election timeout now"),
    },
    "/api/v1/faults": {
      get: operation("getFaults", {
        summary: "Active link rules and blocks, and every node's clock",
        tag: "faults",
        ok: json("The faults"),
        errors: [],
      }),
    },
    "/api/v1/faults/partition": {
      post: operation("partition", {
        summary: "Split the nodes into groups that cannot talk to each other",
        tag: "faults",
        body: {
          description: "Groups of node ids; unlisted nodes form one more group",
          schema: obj({
            groups: { type: "array", items: { type: "array", items: { type: "string" } } },
          }, ["groups"]),
          example: { groups: [["n1", "n2"], ["n3", "n4", "n5"]] },
        },
        ok: FAULT_CREATED,
        okStatus: "201",
        errors: ["400", "404", "413"],
      }),
    },
    "/api/v1/faults/isolate": {
      post: operation("isolate", {
        summary: "Cut one node off from every other",
        tag: "faults",
        body: {
          description: "The node",
          schema: obj({ node: { type: "string" } }, ["node"]),
          example: { node: "n1" },
        },
        ok: FAULT_CREATED,
        okStatus: "201",
        errors: ["400", "404", "413"],
      }),
    },
    "/api/v1/faults/cut": {
      post: operation("cut", {
        summary: "Cut one direction of one link",
        tag: "faults",
        body: {
          description: "Messages from `from` to `to` are lost",
          schema: obj({ from: { type: "string" }, to: { type: "string" } }, ["from", "to"]),
          example: { from: "n1", to: "n2" },
        },
        ok: FAULT_CREATED,
        okStatus: "201",
        errors: ["400", "404", "413"],
      }),
    },
    "/api/v1/faults/link": {
      post: operation("linkFaults", {
        summary:
          "Loss, delay, duplication, reordering, tampering, queue limit or bandwidth on links",
        tag: "faults",
        body: {
          description: "`from` / `to` default to `*` (any node)",
          schema: obj({
            from: { type: "string" },
            to: { type: "string" },
            drop: { type: "number", minimum: 0, maximum: 1 },
            delay: {
              description:
                '"50ms", "20..80ms", "exp:30ms", "50ms±10ms", a number of ms, or a delay object',
              oneOf: [{ type: "string" }, { type: "number" }, { type: "object" }],
            },
            duplicate: { type: "number", minimum: 0, maximum: 1 },
            reorder: { type: "number", minimum: 0, maximum: 1 },
            tamper: { type: "number", minimum: 0, maximum: 1 },
            queueLimit: { type: "number", exclusiveMinimum: 0 },
            bandwidth: { type: "number", exclusiveMinimum: 0, description: "messages per second" },
          }),
          example: { from: "n1", to: "n2", drop: 0.2, delay: "50ms±10ms" },
        },
        ok: FAULT_CREATED,
        okStatus: "201",
        errors: ["400", "404", "413"],
      }),
    },
    "/api/v1/faults/clock": {
      post: operation("setClock", {
        summary: "Skew and/or drift one node's clock",
        tag: "faults",
        body: {
          description: "skewMs: offset in ms; drift: rate error (0.01 = 1% fast)",
          schema: obj({
            node: { type: "string" },
            skewMs: { type: "number" },
            drift: { type: "number" },
          }, ["node"]),
          example: { node: "n3", skewMs: 200, drift: 0.01 },
        },
        ok: json(
          "The node's clock",
          obj({ node: { type: "string" }, skewMs: { type: "number" }, drift: { type: "number" } }),
        ),
        errors: ["400", "404", "413"],
      }),
    },
    "/api/v1/faults/{id}": {
      delete: operation("removeFault", {
        summary: "Remove one rule or block",
        tag: "faults",
        params: [pathParam("id", "The fault's id")],
        ok: json("What is left"),
        errors: ["400", "404"],
      }),
    },
    "/api/v1/faults/heal": {
      post: operation("heal", {
        summary: "Remove every partition, cut and link rule",
        tag: "faults",
        ok: json("The healed network"),
        errors: [],
      }),
    },
    "/api/v1/kv/{key}": {
      get: operation("getKey", {
        summary: "Read a key",
        tag: "kv",
        params: [
          KEY,
          queryParam(
            "consistency",
            "How fresh the read must be (default: the protocol's): linearizable, lease or " +
              "stale (raft-kv); ONE, QUORUM or ALL (quorum-kv)",
            { enum: ["linearizable", "lease", "stale", "ONE", "QUORUM", "ALL"] },
          ),
          QUORUM_PARAMS[0]!,
          PIN,
          ...SESSION,
        ],
        ok: {
          ...json(
            "The value; on quorum-kv, concurrent versions come as `siblings` with their " +
              "`context` (write with it to supersede them)",
            { $ref: "#/components/schemas/KvResult" },
          ),
          headers: {
            "X-Distlab-Siblings": {
              description: "quorum-kv: how many siblings the read found (only when 2 or more)",
              schema: { type: "integer" },
            },
            "X-Distlab-Context": {
              description: "quorum-kv: the siblings' context as JSON (only with siblings)",
              schema: { type: "string" },
            },
          },
        },
        errors: ["400", "404", "422", "503", "504"],
      }),
      put: operation("putKey", {
        summary: "Write a key; the body is the value (any JSON but null)",
        tag: "kv",
        params: [KEY, QUORUM_PARAMS[1]!, QUORUM_LEVEL, ...WRITE_CONTEXT, PIN, ...SESSION],
        body: { description: "The value", schema: {}, example: { hello: "world" } },
        ok: json("Written", { $ref: "#/components/schemas/KvResult" }),
        errors: ["400", "404", "409", "413", "422", "503", "504"],
      }),
      delete: operation("deleteKey", {
        summary: "Delete a key",
        tag: "kv",
        params: [KEY, QUORUM_PARAMS[1]!, QUORUM_LEVEL, ...WRITE_CONTEXT, PIN, ...SESSION],
        ok: json(
          "Deleted",
          obj({
            key: { type: "string" },
            deleted: { const: true },
            node: { type: "string" },
            clock: { type: "object", description: "quorum-kv: the tombstone's vector clock" },
            acks: {
              type: "array",
              items: { type: "string" },
              description: "a quorum store: the replicas that acknowledged",
            },
          }, ["key", "deleted", "node"]),
        ),
        errors: ["400", "404", "409", "422", "503", "504"],
      }),
    },
    "/api/v1/kv/{key}/cas": {
      post: operation("casKey", {
        summary:
          "Compare and set: write `value` only if the current value is `expected` (null: none)",
        tag: "kv",
        params: [KEY, ...QUORUM_PARAMS, QUORUM_LEVEL, ...WRITE_CONTEXT, PIN, ...SESSION],
        body: {
          description: "Expected and new value",
          schema: obj({ expected: {}, value: {} }, ["expected", "value"]),
          example: { expected: 1, value: 2 },
        },
        ok: json("Swapped", { $ref: "#/components/schemas/KvResult" }),
        errors: ["400", "404", "409", "413", "503", "504"],
      }),
    },
    "/api/v1/ring": {
      get: operation("getRing", {
        summary:
          "A quorum store's consistent-hash ring: tokens and share per node; with ?key= the " +
          "key's hash, owning token, preference list and who holds which versions and hints",
        tag: "kv",
        params: [queryParam("key", "Place this key on the ring")],
        ok: json("The ring", { $ref: "#/components/schemas/Ring" }),
        errors: ["400", "409", "503"],
      }),
    },
    "/api/v1/ops": {
      post: operation("runOp", {
        summary: "Run a protocol operation at the leader, primary or coordinator (hints " +
          "followed): a 2PC order, set-mode, failover, propose, produce, …",
        tag: "ops",
        params: [headerParam("X-Client-Id", "The client's id (its history process)")],
        body: OP_BODY,
        ok: json("The node's answer", { $ref: "#/components/schemas/OpResult" }),
        errors: ["400", "409", "413", "503", "504"],
      }),
    },
    "/api/v1/nodes/{id}/ops": {
      post: operation("runNodeOp", {
        summary: "Run a protocol operation at this node only",
        tag: "ops",
        params: [NODE, headerParam("X-Client-Id", "The client's id (its history process)")],
        body: OP_BODY,
        ok: json("The node's answer", { $ref: "#/components/schemas/OpResult" }),
        errors: ["400", "404", "409", "413", "503", "504"],
      }),
    },
    "/api/v1/events": {
      get: operation("events", {
        summary:
          "Server-Sent Events of trace events (elections, roles, commits, faults, breakers, …)",
        tag: "observe",
        params: [
          queryParam(
            "kind",
            "Comma-separated kinds; add send, deliver, drop, … or `all` for per-message events",
          ),
          queryParam("node", "Comma-separated node ids"),
        ],
        ok: {
          description: "An event stream",
          content: { "text/event-stream": { schema: { type: "string" } } },
        },
        errors: ["400", "404", "503"],
      }),
    },
    "/api/v1/history": {
      get: operation("history", {
        summary:
          "The client history of every KV request, as JSON Lines (invoke / ok / fail / info)",
        tag: "observe",
        ok: {
          description: "JSON Lines",
          content: { "application/jsonl": { schema: { type: "string" } } },
        },
        errors: [],
      }),
    },
    "/api/v1/metrics": {
      get: operation("metrics", {
        summary: "Prometheus metrics",
        tag: "observe",
        ok: {
          description: "Prometheus text format",
          content: { "text/plain": { schema: { type: "string" } } },
        },
        errors: [],
      }),
    },
    "/api/v1/openapi.json": {
      get: operation("openapi", {
        summary: "This document",
        tag: "docs",
        ok: json("OpenAPI 3.1"),
        errors: [],
      }),
    },
    "/api/v1/docs": {
      get: operation("docs", {
        summary: "This document as a web page",
        tag: "docs",
        ok: { description: "HTML", content: { "text/html": { schema: { type: "string" } } } },
        errors: [],
      }),
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "distlab API",
      version: "1.0.0",
      description: "Drive a cluster of Worker nodes: read its state, inject faults, use its " +
        "key-value store, watch its events. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: "/" }],
    security: [{}, { bearer: [] }],
    tags: [
      { name: "cluster", description: "State of the cluster" },
      { name: "nodes", description: "Node faults" },
      { name: "membership", description: "Adding and removing nodes, leadership" },
      { name: "faults", description: "Network and clock faults" },
      { name: "kv", description: "The key-value store" },
      { name: "ops", description: "Protocol operations that are not key-value requests" },
      { name: "observe", description: "Events, history, metrics" },
      { name: "docs", description: "This description" },
    ],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: SCHEMAS,
    },
  };
}
