/**
 * Network and clock faults:
 *
 * - `GET /faults` — the active rules and blocks, and every node's clock;
 * - `POST /faults/partition` `{ groups: [["n1","n2"],["n3","n4","n5"]] }`;
 * - `POST /faults/isolate` `{ node }`;
 * - `POST /faults/cut` `{ from, to }` — one direction only;
 * - `POST /faults/link` `{ from?, to?, drop?, delay?, duplicate?, reorder?, tamper?,
 *   queueLimit?, bandwidth?, integrity? }` — per link, or for any node with `"*"` (the default);
 *   `delay` is `"50ms"`, `"20..80ms"`, `"exp:30ms"`, `"50ms±10ms"` or a delay object;
 * - `POST /faults/clock` `{ node, skewMs?, drift? }`;
 * - `POST /faults/byzantine` `{ node, mode }` — the node lies (`equivocate`, `lie`,
 *   `silent`, `replay`: its messages are rewritten on their way out) or, with `honest`,
 *   is correct again; a Byzantine-tolerant protocol (one that declares how its nodes lie)
 *   refuses more than f = ⌊(n − 1) / 3⌋ liars (409);
 * - `POST /faults/disk` `{ node, fault, probability? }` — a storage fault on the node's
 *   file store (`--data-dir` only, else 409): `fault` one of the simulator's kinds
 *   (`fsync-error`, `disk-full`, `torn-write`, `bit-flip`, `misdirected-write`,
 *   `read-error`) with a `probability` per chance, or once without one; `none` clears;
 * - `DELETE /faults/{id}` — removes one rule or block;
 * - `POST /faults/heal` — removes every rule and block.
 *
 * Every change is published as a `fault` event (a Byzantine mode by the cluster itself,
 * with `data.byzantine`, as a clock change is with `data.clock` and a storage fault with
 * `data.disk`, also when one is injected: `data.disk.injected`).
 *
 * @module
 */

import { z } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import { type Delay, parseDelay, validateDelay } from "../../nodes/faults/delay.ts";
import { type LinkFaults, validateLinkFaults } from "../../nodes/faults/network.ts";
import { INTEGRITY_KINDS } from "../../nodes/faults/link_integrity.ts";
import { BYZANTINE_MODES, type ByzantineMode } from "../../nodes/faults/byzantine.ts";
import type { AnyProtocol, NodeId } from "../../protocols/node.ts";
import { protocolByName, protocolNames } from "../../protocols/registry.ts";
import type { ApiContext } from "../api_context.ts";
import { type ApiRoute, jsonAnswer, jsonBody, problems } from "../api_route.ts";
import { FaultCreatedSchema } from "../api_schemas.ts";
import { badRequest, conflict, notFound } from "../problem.ts";
import { knownNode, nodeField, validBody } from "../validate.ts";
import { DISK_FAULT_KINDS } from "../../protocols/storage.ts";
import { NoDataDirError } from "../../nodes/worker/cluster_types.ts";
import { DiskFaultViewSchema } from "../api_schemas.ts";

const LINK_FIELDS = [
  "drop",
  "delay",
  "duplicate",
  "reorder",
  "tamper",
  "queueLimit",
  "bandwidth",
  "integrity",
] as const;

/** Largest clock skew accepted, in ms (a day). */
const MAX_SKEW_MS = 86_400_000;

const GROUPS_SHAPE = 'groups must be an array of node-id arrays, e.g. [["n1","n2"],["n3"]]';
const PartitionBody = z.strictObject({
  groups: z.array(
    z.array(z.string({ error: 'groups must hold node ids such as "n1"' }), {
      error: GROUPS_SHAPE,
    }).min(1, { error: GROUPS_SHAPE }),
    { error: GROUPS_SHAPE },
  ).min(1, { error: GROUPS_SHAPE }),
}).openapi({ description: "Groups of node ids; unlisted nodes form one more group" });
const IsolateBody = z.strictObject({ node: nodeField("node") });
const CutBody = z.strictObject({ from: nodeField("from"), to: nodeField("to") });

const probability = (field: string) =>
  z.number({ error: `${field} must be a number` })
    .min(0, { error: `${field} must be a probability between 0 and 1` })
    .max(1, { error: `${field} must be a probability between 0 and 1` });
const positive = (field: string, description?: string) =>
  z.number({ error: `${field} must be a number` })
    .positive({ error: `${field} must be positive` })
    .openapi(description === undefined ? {} : { description });
const DELAY_SHAPE = 'delay must be e.g. "50ms", "20..80ms", "exp:30ms" or "50ms±10ms"';
const LinkBody = z.strictObject({
  from: z.string({ error: 'from must be a node id or "*"' }).optional(),
  to: z.string({ error: 'to must be a node id or "*"' }).optional(),
  drop: probability("drop").optional(),
  delay: z.union([
    z.string(),
    z.number(),
    z.looseObject({ kind: z.enum(["constant", "uniform", "exponential", "normal"]) }),
  ], {
    error: (iss) =>
      iss.input !== null && typeof iss.input === "object" && !Array.isArray(iss.input)
        ? "delay.kind must be constant, uniform, exponential or normal"
        : DELAY_SHAPE,
  }).optional().openapi({
    description: '"50ms", "20..80ms", "exp:30ms", "50ms±10ms", a number of ms, or a delay object',
  }),
  duplicate: probability("duplicate").optional(),
  reorder: probability("reorder").optional(),
  tamper: probability("tamper").optional(),
  queueLimit: positive("queueLimit").optional(),
  bandwidth: positive("bandwidth", "messages per second").optional(),
  integrity: z.enum(INTEGRITY_KINDS, {
    error: `integrity must be one of ${INTEGRITY_KINDS.join(", ")}`,
  }).optional().openapi({
    description: "a checksum (crc32c) or MAC (hmac-sha256) on every message",
  }),
}).refine((b) => LINK_FIELDS.some((k) => b[k] !== undefined), {
  error: `give at least one of ${LINK_FIELDS.join(", ")}`,
}).openapi({ description: "`from` / `to` default to `*` (any node)" });
const ClockBody = z.strictObject({
  node: nodeField("node"),
  skewMs: z.number({ error: "skewMs must be a finite number" })
    .min(-MAX_SKEW_MS, { error: `skewMs must be within ±${MAX_SKEW_MS} (a day)` })
    .max(MAX_SKEW_MS, { error: `skewMs must be within ±${MAX_SKEW_MS} (a day)` })
    .optional().openapi({ description: "Offset in ms" }),
  drift: z.number({ error: "drift must be a finite number" })
    .gt(-1, { error: "drift must be above -1 and at most 10 (a rate error)" })
    .max(10, { error: "drift must be above -1 and at most 10 (a rate error)" })
    .optional().openapi({ description: "Rate error (0.01 = 1% fast)" }),
}).refine((b) => b.skewMs !== undefined || b.drift !== undefined, {
  error: "give skewMs, drift or both",
});

const BYZANTINE_CHOICES = ["honest", ...BYZANTINE_MODES] as const;
const ByzantineBody = z.strictObject({
  node: nodeField("node"),
  mode: z.enum(BYZANTINE_CHOICES, {
    error: `mode must be one of ${BYZANTINE_CHOICES.join(", ")}`,
  }).openapi({
    description: "equivocate: lies to the peers with an even number, the truth to the rest; " +
      "lie: every message forged (votes granted, terms raised); silent: nothing to the " +
      "even-numbered peers; replay: old messages again now and then; honest: correct again",
  }),
});
const ByzantineAnswer = z.object({
  node: z.string(),
  mode: z.enum(BYZANTINE_CHOICES),
  byzantine: z.record(z.string(), z.enum(BYZANTINE_MODES)).openapi({
    description: "Every Byzantine node now and its mode",
  }),
});

const DISK_CHOICES = [...DISK_FAULT_KINDS, "none"] as const;
const DiskBody = z.strictObject({
  node: nodeField("node"),
  fault: z.enum(DISK_CHOICES, { error: `fault must be one of ${DISK_CHOICES.join(", ")}` })
    .openapi({
      description: "fsync-error: a sync fails (EIO), its batch in an unknown state; " +
        "disk-full: an append fails (ENOSPC), nothing written; torn-write: only a prefix " +
        "of a batch reaches the file; bit-flip: a bit of a synced record changes; " +
        "misdirected-write: a batch lands on an earlier record; read-error: a read fails " +
        "(EIO); none: clears every storage fault of the node",
    }),
  probability: probability("probability").optional().openapi({
    description: "Per chance (each append, sync or read) until changed; 0 removes the " +
      "kind. Without it the fault happens once, at its next chance",
  }),
});
const DiskAnswer = DiskFaultViewSchema.extend({ node: z.string() });

const created = jsonAnswer("The fault was added; `id` removes it", FaultCreatedSchema);
const state = (description: string) => jsonAnswer(description, z.record(z.string(), z.unknown()));

/**
 * The contract of the routes above, for the OpenAPI document.
 *
 * @example
 * ```ts
 * import { FAULT_API } from "./faults.ts";
 * FAULT_API.some((r) => r.operationId === "partition"); // true
 * ```
 */
export const FAULT_API: readonly ApiRoute[] = [
  {
    method: "get",
    path: "/api/v1/faults",
    operationId: "getFaults",
    summary: "Active link rules and blocks, and every node's clock",
    tags: ["faults"],
    responses: { 200: state("The faults"), ...problems() },
  },
  {
    method: "post",
    path: "/api/v1/faults/partition",
    operationId: "partition",
    summary: "Split the nodes into groups that cannot talk to each other",
    tags: ["faults"],
    request: {
      body: jsonBody("The groups", PartitionBody, { groups: [["n1", "n2"], ["n3", "n4", "n5"]] }),
    },
    responses: { 201: created, ...problems(400, 404, 413) },
  },
  {
    method: "post",
    path: "/api/v1/faults/isolate",
    operationId: "isolate",
    summary: "Cut one node off from every other",
    tags: ["faults"],
    request: { body: jsonBody("The node", IsolateBody, { node: "n1" }) },
    responses: { 201: created, ...problems(400, 404, 413) },
  },
  {
    method: "post",
    path: "/api/v1/faults/cut",
    operationId: "cut",
    summary: "Cut one direction of one link",
    tags: ["faults"],
    request: {
      body: jsonBody("Messages from `from` to `to` are lost", CutBody, { from: "n1", to: "n2" }),
    },
    responses: { 201: created, ...problems(400, 404, 413) },
  },
  {
    method: "post",
    path: "/api/v1/faults/link",
    operationId: "linkFaults",
    summary: "Loss, delay, duplication, reordering, tampering, queue limit or bandwidth on links",
    tags: ["faults"],
    request: {
      body: jsonBody("The link and its faults", LinkBody, {
        from: "n1",
        to: "n2",
        drop: 0.2,
        delay: "50ms±10ms",
      }),
    },
    responses: { 201: created, ...problems(400, 404, 413) },
  },
  {
    method: "post",
    path: "/api/v1/faults/clock",
    operationId: "setClock",
    summary: "Skew and/or drift one node's clock",
    tags: ["faults"],
    request: {
      body: jsonBody("The node and its clock's error", ClockBody, {
        node: "n3",
        skewMs: 200,
        drift: 0.01,
      }),
    },
    responses: {
      200: jsonAnswer(
        "The node's clock",
        z.object({ node: z.string(), skewMs: z.number(), drift: z.number() }),
      ),
      ...problems(400, 404, 413),
    },
  },
  {
    method: "post",
    path: "/api/v1/faults/byzantine",
    operationId: "setByzantine",
    summary: "Make a node Byzantine (equivocate, lie, silent, replay) or honest again",
    tags: ["faults"],
    request: {
      body: jsonBody("The node and how it lies", ByzantineBody, { node: "n2", mode: "equivocate" }),
    },
    responses: {
      200: jsonAnswer("The node's mode and every Byzantine node", ByzantineAnswer),
      ...problems(400, 404, 409, 413),
    },
  },
  {
    method: "post",
    path: "/api/v1/faults/disk",
    operationId: "setDiskFault",
    summary: "A storage fault on a node's file store (a cluster with --data-dir)",
    tags: ["faults"],
    request: {
      body: jsonBody("The node and the fault", DiskBody, { node: "n2", fault: "fsync-error" }),
    },
    responses: {
      200: jsonAnswer("The node's storage faults now", DiskAnswer),
      ...problems(400, 404, 409, 413),
    },
  },
  {
    method: "delete",
    path: "/api/v1/faults/{id}",
    operationId: "removeFault",
    summary: "Remove one rule or block",
    tags: ["faults"],
    request: {
      params: z.object({ id: z.string().openapi({ description: "The fault's id", example: "1" }) }),
    },
    responses: { 200: state("What is left"), ...problems(400, 404) },
  },
  {
    method: "post",
    path: "/api/v1/faults/heal",
    operationId: "heal",
    summary: "Remove every partition, cut and link rule",
    tags: ["faults"],
    responses: { 200: state("The healed network"), ...problems() },
  },
];

/**
 * The routes above, relative to `/api/v1`.
 *
 * @example
 * ```ts ignore
 * import { faultRoutes } from "./faults.ts";
 * app.route("/api/v1", faultRoutes(ctx));
 * ```
 */
export function faultRoutes(ctx: ApiContext): Hono {
  const { cluster, hub } = ctx;
  const net = cluster.network;
  const app = new Hono();
  // A change is answered only once every node applies it (nodes with direct links apply
  // the rules on their sending side): what the API acknowledged is in force everywhere.
  app.use("/faults/*", async (c, next) => {
    await next();
    if (c.req.method !== "GET" && c.res.status < 400) await cluster.faultsInForce?.();
  });
  const announce = (node: NodeId | "*", data: Record<string, unknown>) =>
    hub.publish({ time: cluster.now(), kind: "fault", node, data });

  app.get("/faults", (c) => {
    const clocks: Record<string, unknown> = {};
    for (const id of cluster.nodes) clocks[id] = cluster.clock(id);
    return c.json({ ...net.state(), clocks, byzantine: liars(), ...diskState() });
  });

  app.post("/faults/disk", async (c) => {
    const body = await validBody(c, DiskBody);
    const node = knownNode(cluster.nodes, body.node, "node");
    if (body.fault === "none" && body.probability !== undefined) {
      throw badRequest("probability", "fault none clears every storage fault: no probability");
    }
    if (cluster.setDiskFault === undefined) throw noDataDir();
    try {
      return c.json({ node, ...cluster.setDiskFault(node, body.fault, body.probability) });
    } catch (e) {
      if (e instanceof NoDataDirError) throw noDataDir();
      throw e;
    }
  });

  app.post("/faults/partition", async (c) => {
    const body = await validBody(c, PartitionBody);
    const groups = nodeGroups(cluster.nodes, body.groups);
    const id = net.partition(groups);
    return added(c, id, "partition", { groups });
  });

  app.post("/faults/isolate", async (c) => {
    const body = await validBody(c, IsolateBody);
    const node = knownNode(cluster.nodes, body.node, "node");
    return added(c, net.isolate(node), "isolate", { node });
  });

  app.post("/faults/cut", async (c) => {
    const body = await validBody(c, CutBody);
    const from = knownNode(cluster.nodes, body.from, "from");
    const to = knownNode(cluster.nodes, body.to, "to");
    if (from === to) throw badRequest("to", "a cut needs two different nodes");
    return added(c, net.cut(from, to), "cut", { from, to });
  });

  app.post("/faults/link", async (c) => {
    const body = await validBody(c, LinkBody);
    const from = body.from === undefined || body.from === "*"
      ? "*"
      : knownNode(cluster.nodes, body.from, "from");
    const to = body.to === undefined || body.to === "*"
      ? "*"
      : knownNode(cluster.nodes, body.to, "to");
    const faults = linkFaults(body);
    const id = net.addRule(from, to, faults);
    return added(c, id, "link", { from, to, ...faults });
  });

  app.post("/faults/clock", async (c) => {
    const body = await validBody(c, ClockBody);
    const node = knownNode(cluster.nodes, body.node, "node");
    const { skewMs: skew, drift } = body;
    const change: { skew?: number; drift?: number } = {};
    if (skew !== undefined) change.skew = skew;
    if (drift !== undefined) change.drift = drift;
    cluster.setClock(node, change);
    return c.json({ node, ...cluster.clock(node) });
  });

  app.post("/faults/byzantine", async (c) => {
    const body = await validBody(c, ByzantineBody);
    const node = knownNode(cluster.nodes, body.node, "node");
    const mode: ByzantineMode | null = body.mode === "honest" ? null : body.mode;
    if (mode !== null) withinTolerance(node);
    cluster.setByzantine(node, mode);
    return c.json({ node, mode: body.mode, byzantine: liars() });
  });

  app.delete("/faults/:id", (c) => {
    const raw = c.req.param("id");
    const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(id)) {
      throw badRequest("id", `fault id must be a number, got '${raw}'`);
    }
    if (!net.remove(id)) throw notFound(`no active fault with id ${id}`, { id });
    announce("*", { action: "remove", id });
    return c.json({ removed: id, ...net.state() });
  });

  app.post("/faults/heal", (c) => {
    net.heal();
    announce("*", { action: "heal" });
    return c.json(net.state());
  });

  /** The storage faults of every node that has had any (with `--data-dir`). */
  function diskState(): { disk?: Record<NodeId, unknown> } {
    const view = cluster.diskFaults;
    if (view === undefined) return {};
    const disk: Record<NodeId, unknown> = {};
    for (const id of cluster.nodes) {
      try {
        const d = view.call(cluster, id);
        if (d.once.length + Object.keys(d.faults).length + Object.keys(d.injected).length > 0) {
          disk[id] = d;
        }
      } catch (e) {
        if (e instanceof NoDataDirError) return {};
        throw e;
      }
    }
    return { disk };
  }

  /** Every Byzantine node and its mode. */
  function liars(): Record<NodeId, ByzantineMode> {
    const out: Record<NodeId, ByzantineMode> = {};
    for (const id of cluster.nodes) {
      const mode = cluster.byzantineMode(id);
      if (mode !== null) out[id] = mode;
    }
    return out;
  }

  /**
   * A protocol that tolerates Byzantine nodes (it declares how they lie) does so for
   * f = ⌊(n − 1) / 3⌋ of them: one more liar is refused (409). A crash-fault protocol
   * tolerates none, and lying to it is what the laboratory shows, so nothing is refused.
   */
  function withinTolerance(node: NodeId): void {
    if (descriptorOf(cluster.descriptor, cluster.protocol)?.byzantine === undefined) return;
    const n = cluster.nodes.length;
    const f = Math.floor((n - 1) / 3);
    const others = Object.keys(liars()).filter((id) => id !== node);
    if (others.length + 1 <= f) return;
    throw conflict(
      "too-many-byzantine",
      "Too many Byzantine nodes",
      `${cluster.protocol} with ${n} nodes tolerates f = ${f} Byzantine node${
        f === 1 ? "" : "s"
      } (n ≥ 3f + 1)` + (others.length === 0 ? "" : `; already Byzantine: ${others.join(", ")}`),
      { node, tolerated: f, byzantine: others },
    );
  }

  function added(
    c: Context,
    id: number,
    kind: string,
    detail: Record<string, unknown>,
  ): Response {
    announce("*", { action: kind, id, ...detail });
    const block = net.state().blocks.find((b) => b.id === id);
    return c.json(
      { id, kind, ...(block ? { description: block.description } : {}), ...detail },
      201,
    );
  }

  return app;
}

function noDataDir(): Error {
  return conflict(
    "no-data-dir",
    "No file store",
    "storage faults are injected into the file store: start the cluster with --data-dir",
  );
}

/** Groups of known nodes, none listed twice. */
function nodeGroups(nodes: readonly NodeId[], value: readonly string[][]): NodeId[][] {
  const seen = new Set<NodeId>();
  return value.map((g) => {
    return g.map((n) => {
      const id = knownNode(nodes, n, "groups");
      if (seen.has(id)) throw badRequest("groups", `node ${id} is in more than one group`);
      seen.add(id);
      return id;
    });
  });
}

/** The fault fields of a link body, checked. */
function linkFaults(body: z.output<typeof LinkBody>): LinkFaults {
  const out: Record<string, unknown> = {};
  for (const k of LINK_FIELDS) {
    const v = body[k];
    if (v === undefined) continue;
    out[k] = k === "delay" ? delayOf(v) : v;
  }
  const faults = out as LinkFaults;
  const bad = validateLinkFaults(faults);
  if (bad !== null) throw badRequest(bad.split(" ")[0]!, bad);
  return faults;
}

function delayOf(v: unknown): Delay {
  let d: Delay;
  if (typeof v === "string") {
    try {
      d = parseDelay(v);
    } catch (e) {
      throw badRequest("delay", e instanceof Error ? e.message : String(e));
    }
  } else if (typeof v === "number") {
    d = { kind: "constant", ms: v };
  } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const kind = (v as { kind?: unknown }).kind;
    if (!["constant", "uniform", "exponential", "normal"].includes(String(kind))) {
      throw badRequest("delay", "delay.kind must be constant, uniform, exponential or normal");
    }
    d = v as Delay;
  } else {
    throw badRequest("delay", 'delay must be e.g. "50ms", "20..80ms", "exp:30ms" or "50ms±10ms"');
  }
  const bad = validateDelay(d);
  if (bad !== null) throw badRequest("delay", bad);
  // Keep only the fields of the kind, so stray fields never reach the router.
  switch (d.kind) {
    case "constant":
      return { kind: "constant", ms: d.ms };
    case "uniform":
      return { kind: "uniform", min: d.min, max: d.max };
    case "exponential":
      return { kind: "exponential", mean: d.mean };
    case "normal":
      return { kind: "normal", mean: d.mean, jitter: d.jitter };
  }
}

/** The cluster's protocol descriptor: the loaded one, else the registry's (if known). */
function descriptorOf(loaded: AnyProtocol | undefined, name: string): AnyProtocol | undefined {
  if (loaded !== undefined) return loaded;
  return protocolNames().includes(name) ? protocolByName(name) : undefined;
}
