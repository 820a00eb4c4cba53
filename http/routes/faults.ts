/**
 * Network and clock faults:
 *
 * - `GET /faults` — the active rules and blocks, and every node's clock;
 * - `POST /faults/partition` `{ groups: [["n1","n2"],["n3","n4","n5"]] }`;
 * - `POST /faults/isolate` `{ node }`;
 * - `POST /faults/cut` `{ from, to }` — one direction only;
 * - `POST /faults/link` `{ from?, to?, drop?, delay?, duplicate?, reorder?, tamper?,
 *   queueLimit?, bandwidth? }` — per link, or for any node with `"*"` (the default);
 *   `delay` is `"50ms"`, `"20..80ms"`, `"exp:30ms"`, `"50ms±10ms"` or a delay object;
 * - `POST /faults/clock` `{ node, skewMs?, drift? }`;
 * - `DELETE /faults/{id}` — removes one rule or block;
 * - `POST /faults/heal` — removes every rule and block.
 *
 * Every change is published as a `fault` event.
 *
 * @module
 */

import { type Context, Hono } from "hono";
import { type Delay, parseDelay, validateDelay } from "../../nodes/faults/delay.ts";
import { type LinkFaults, validateLinkFaults } from "../../nodes/faults/network.ts";
import type { NodeId } from "../../protocols/node.ts";
import type { ApiContext } from "../api_context.ts";
import { badRequest, notFound } from "../problem.ts";
import { knownNode, objectBody, optionalNumber } from "../validate.ts";

const LINK_FIELDS = [
  "drop",
  "delay",
  "duplicate",
  "reorder",
  "tamper",
  "queueLimit",
  "bandwidth",
] as const;

/** Largest clock skew accepted, in ms (a day). */
const MAX_SKEW_MS = 86_400_000;

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
  const announce = (node: NodeId | "*", data: Record<string, unknown>) =>
    hub.publish({ time: cluster.now(), kind: "fault", node, data });

  app.get("/faults", (c) => {
    const clocks: Record<string, unknown> = {};
    for (const id of cluster.nodes) clocks[id] = cluster.clock(id);
    return c.json({ ...net.state(), clocks });
  });

  app.post("/faults/partition", async (c) => {
    const body = await objectBody(c, ["groups"]);
    const groups = nodeGroups(cluster.nodes, body.groups);
    const id = net.partition(groups);
    return created(c, id, "partition", { groups });
  });

  app.post("/faults/isolate", async (c) => {
    const body = await objectBody(c, ["node"]);
    const node = knownNode(cluster.nodes, body.node, "node");
    return created(c, net.isolate(node), "isolate", { node });
  });

  app.post("/faults/cut", async (c) => {
    const body = await objectBody(c, ["from", "to"]);
    const from = knownNode(cluster.nodes, body.from, "from");
    const to = knownNode(cluster.nodes, body.to, "to");
    if (from === to) throw badRequest("to", "a cut needs two different nodes");
    return created(c, net.cut(from, to), "cut", { from, to });
  });

  app.post("/faults/link", async (c) => {
    const body = await objectBody(c, ["from", "to", ...LINK_FIELDS]);
    const from = body.from === undefined || body.from === "*"
      ? "*"
      : knownNode(cluster.nodes, body.from, "from");
    const to = body.to === undefined || body.to === "*"
      ? "*"
      : knownNode(cluster.nodes, body.to, "to");
    const faults = linkFaults(body);
    const id = net.addRule(from, to, faults);
    return created(c, id, "link", { from, to, ...faults });
  });

  app.post("/faults/clock", async (c) => {
    const body = await objectBody(c, ["node", "skewMs", "drift"]);
    const node = knownNode(cluster.nodes, body.node, "node");
    const skew = optionalNumber(body, "skewMs");
    const drift = optionalNumber(body, "drift");
    if (skew === undefined && drift === undefined) {
      throw badRequest("body", "give skewMs, drift or both");
    }
    if (skew !== undefined && Math.abs(skew) > MAX_SKEW_MS) {
      throw badRequest("skewMs", `skewMs must be within ±${MAX_SKEW_MS} (a day)`);
    }
    if (drift !== undefined && !(drift > -1 && drift <= 10)) {
      throw badRequest("drift", "drift must be above -1 and at most 10 (a rate error)");
    }
    const change: { skew?: number; drift?: number } = {};
    if (skew !== undefined) change.skew = skew;
    if (drift !== undefined) change.drift = drift;
    cluster.setClock(node, change);
    return c.json({ node, ...cluster.clock(node) });
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

  function created(
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

/** Groups of known nodes, none listed twice. */
function nodeGroups(nodes: readonly NodeId[], value: unknown): NodeId[][] {
  const shape = 'groups must be an array of node-id arrays, e.g. [["n1","n2"],["n3"]]';
  if (!Array.isArray(value) || value.length === 0) throw badRequest("groups", shape);
  const seen = new Set<NodeId>();
  return value.map((g) => {
    if (!Array.isArray(g) || g.length === 0) throw badRequest("groups", shape);
    return g.map((n) => {
      const id = knownNode(nodes, n, "groups");
      if (seen.has(id)) throw badRequest("groups", `node ${id} is in more than one group`);
      seen.add(id);
      return id;
    });
  });
}

/** The fault fields of a link body, checked. */
function linkFaults(body: Record<string, unknown>): LinkFaults {
  const out: Record<string, unknown> = {};
  for (const k of LINK_FIELDS) {
    const v = body[k];
    if (v === undefined) continue;
    if (k === "delay") {
      out.delay = delayOf(v);
    } else {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw badRequest(k, `${k} must be a number`);
      }
      out[k] = v;
    }
  }
  if (Object.keys(out).length === 0) {
    throw badRequest("body", `give at least one of ${LINK_FIELDS.join(", ")}`);
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
