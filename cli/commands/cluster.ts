/**
 * The cluster and its nodes: `status`, `leader`, `crash`, `restart`, `pause`, `resume`,
 * `timeout`, `transfer`, `members add|remove`.
 *
 * @module
 */

import { parseNode, UsageError } from "../args.ts";
import type { Command, CommandContext } from "../command.ts";
import { compactCell, table } from "../format.ts";
import { type Tr, translator } from "../../i18n/catalogue.ts";
import { CLI_JA } from "../ja.ts";
import { diskLine } from "./faults.ts";
import { type ColumnContext, type NodeRow, statusColumns } from "../../client/status_columns.ts";
import { headline } from "../../client/headline.ts";
import { DEFAULT_DISPLAY, type ProtocolDisplay } from "../../protocols/display.ts";
import type { z } from "@hono/zod-openapi";
import { ClusterSchema, type ClusterShape, MembersSchema } from "../../http/api_schemas.ts";

/** The CLI's words in the language it was asked for (English when none was). */
const words = (ctx: CommandContext) => ctx.t ?? translator("en", CLI_JA);

const dash = (v: unknown) => v === null || v === undefined ? "-" : String(v);

/** The first line's summary: `leader n1 (term 2)`, `coordinator n1`, `leaderless, N=3 R=2 W=2`. */
function headlineLine(display: ProtocolDisplay, body: StatusBody): string {
  const h = headline(display, body.leader ?? null, body.term ?? null, body.nodes);
  if (h.details.length === 0) return h.subject;
  return h.kind === "leader"
    ? `${h.subject} (${h.details.join(" ")})`
    : `${h.subject}, ${h.details.join(" ")}`;
}

/**
 * What `status` reads of a `GET /cluster` answer ({@link ClusterShape}, the API's schema).
 *
 * @example
 * ```ts
 * import type { StatusBody } from "./cluster.ts";
 * const b: StatusBody = {
 *   protocol: "raft-kv", leader: null, term: null, nodes: [], network: { rules: [], blocks: [] },
 * };
 * ```
 */
export type StatusBody =
  & Pick<ClusterShape, "protocol" | "leader" | "term" | "network">
  & Partial<Pick<ClusterShape, "display" | "clocks" | "wallClockMs">>
  & { readonly nodes: readonly NodeRow[] };

/** Past this many nodes `status` is compact: a count line, and long cells shortened. */
const COMPACT_NODES = 16;
/** The widest cell of a compact table (a list keeps its first items and counts the rest). */
const COMPACT_CELL = 24;

/**
 * The lines `status` prints for a `GET /cluster` body: a summary, a table whose columns
 * suit the protocol (see `status_columns.ts`), then the active faults and skewed clocks.
 * Past 16 nodes it stays one short line per node: a second summary counts the nodes by
 * state and role, and a cell longer than 24 characters is shortened (`n2,n3,…+60`; the
 * JSON output keeps everything).
 *
 * @example
 * ```ts
 * import { statusLines } from "./cluster.ts";
 * statusLines({ protocol: "raft-kv", leader: null, term: null, nodes: [], network: { rules: [], blocks: [] } })[0];
 * // "protocol raft-kv, no leader"
 * ```
 */
export function statusLines(body: StatusBody, t: Tr = translator("en", CLI_JA)): string[] {
  const protocol = body.protocol;
  const nodes = body.nodes;
  const display: ProtocolDisplay = body.display ?? DEFAULT_DISPLAY;
  const out = [t`protocol ${protocol}, ${headlineLine(display, body)}`];
  const clocks = body.clocks ?? {};
  const ctx: ColumnContext = {
    wallClockMs: typeof body.wallClockMs === "number" ? body.wallClockMs : null,
    skewMs: (id) => clocks[id]?.skewMs ?? 0,
  };
  const columns = statusColumns(display);
  const compact = nodes.length > COMPACT_NODES;
  if (compact) out.push(countsLine(nodes, t));
  const rows: string[][] = [columns.map((c) => t.text(c.header))];
  for (const n of nodes) {
    const cells = columns.map((c) => c.cell(n, ctx));
    rows.push(compact ? cells.map((c) => compactCell(c, COMPACT_CELL)) : cells);
  }
  out.push(...table(rows));
  for (const n of nodes) {
    const reason = n.status?.reason;
    if (!n.up && typeof reason === "string") out.push(t`${n.id}: down: ${reason}`);
    const disk = (n as { disk?: Parameters<typeof diskLine>[1] }).disk;
    if (disk !== undefined && disk.once.length + Object.keys(disk.faults).length > 0) {
      out.push(diskLine(n.id, disk, t));
    }
  }
  const net = body.network;
  for (const b of net.blocks) out.push(`fault #${b.id}: ${b.kind} ${b.description}`);
  for (const r of net.rules) {
    const { id, from, to, ...faults } = r;
    out.push(`fault #${id}: link ${from} -> ${to} ${JSON.stringify(faults)}`);
  }
  for (const [id, c] of Object.entries(clocks)) {
    if (Math.abs(c.skewMs) >= 0.5 || c.drift !== 0) {
      out.push(`clock ${id}: skew ${Math.round(c.skewMs)}ms, drift ${c.drift}`);
    }
  }
  return out;
}

/** `64 nodes: 62 up, 1 paused, 1 crashed · 1 leader, 61 follower` */
function countsLine(nodes: readonly NodeRow[], t: Tr): string {
  const count = (xs: string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return [...m].map(([k, v]) => `${v} ${k}`).join(", ");
  };
  const states = count(nodes.map((n) => !n.up ? "crashed" : n.paused ? "paused" : "up"));
  const roles = count(nodes.filter((n) => n.up && n.role !== null).map((n) => String(n.role)));
  return t`${nodes.length} nodes: ${states}` + (roles === "" ? "" : ` · ${roles}`);
}

/**
 * `status`.
 *
 * @example
 * ```sh
 * deno task cli status
 * ```
 */
export const status: Command = {
  name: "status",
  args: "",
  summary: "nodes with their protocol's state, suspicion, breakers and active faults",
  details: "Columns suit the protocol: raft role/term/commit/leader; quorum-kv " +
    "epoch/keys/siblings/hints/suspects; primary-backup epoch/mode/seq/lag; 2pc " +
    "locks/in-doubt/blocked/voting. --json prints everything, protocol status included.",
  arity: [0, 0],
  async run(ctx) {
    const body = await ctx.client.parsed({ method: "GET", path: "/cluster" }, ClusterSchema);
    if (ctx.json) return ctx.io.out(JSON.stringify(body));
    for (const line of statusLines(body, ctx.t)) ctx.io.out(line);
  },
};

/**
 * `leader`.
 *
 * @example
 * ```sh
 * deno task cli leader
 * ```
 */
export const leader: Command = {
  name: "leader",
  args: "",
  summary: "the current leader and its term",
  arity: [0, 0],
  async run(ctx) {
    const body = await ctx.client.json({ method: "GET", path: "/leader" });
    ctx.io.out(ctx.json ? JSON.stringify(body) : `${body.leader} (term ${dash(body.term)})`);
  },
};

function nodeAction(name: string, summary: string): Command {
  return {
    name,
    args: "NODE",
    summary,
    arity: [1, 1],
    async run(ctx: CommandContext, [node]) {
      const id = parseNode(node!, "NODE");
      const body = await ctx.client.json({ method: "POST", path: `/nodes/${id}/${name}` });
      if (ctx.json) return ctx.io.out(JSON.stringify(body));
      const t = words(ctx);
      if (!body.up) return ctx.io.out(t`${id}: crashed`);
      const state = body.paused ? t`paused` : t`up`;
      ctx.io.out(t`${id}: ${state}, role ${dash(body.role)}, term ${dash(body.term)}`);
    },
  };
}

/**
 * `crash NODE`.
 *
 * @example
 * ```sh
 * deno task cli crash n2
 * ```
 */
export const crash = nodeAction("crash", "crash a node (volatile state and unsynced writes lost)");
/**
 * `restart NODE`.
 *
 * @example
 * ```sh
 * deno task cli restart n2
 * ```
 */
export const restart = nodeAction("restart", "restart a crashed node from its storage");
/**
 * `pause NODE`.
 *
 * @example
 * ```sh
 * deno task cli pause n3
 * ```
 */
export const pause = nodeAction("pause", "pause a node: alive but processing nothing");
/**
 * `resume NODE`.
 *
 * @example
 * ```sh
 * deno task cli resume n3
 * ```
 */
export const resume = nodeAction("resume", "resume a paused node");
/**
 * `timeout NODE`.
 *
 * @example
 * ```sh
 * deno task cli timeout n4
 * ```
 */
export const timeout = nodeAction("timeout", "fire a node's election timeout now");

/**
 * `transfer NODE`.
 *
 * @example
 * ```sh
 * deno task cli transfer n2
 * ```
 */
export const transfer: Command = {
  name: "transfer",
  args: "NODE",
  summary: "hand leadership to NODE",
  arity: [1, 1],
  async run(ctx, [node]) {
    const to = parseNode(node!, "NODE");
    const body = await ctx.client.json({ method: "POST", path: "/transfer", body: { to } });
    ctx.io.out(ctx.json ? JSON.stringify(body) : `leadership: ${body.from} -> ${body.leader}`);
  },
};

/**
 * `members add NODE` / `members remove NODE`.
 *
 * @example
 * ```sh
 * deno task cli members add n6
 * ```
 */
export const members: Command = {
  name: "members",
  args: "add|remove NODE",
  summary: "add a node to the cluster or remove one",
  arity: [2, 2],
  async run(ctx, [action, node]) {
    const id = parseNode(node!, "NODE");
    let body: z.output<typeof MembersSchema>;
    if (action === "add") {
      body = await ctx.client.parsed(
        { method: "POST", path: "/members", body: { node: id } },
        MembersSchema,
      );
    } else if (action === "remove") {
      body = await ctx.client.parsed({ method: "DELETE", path: `/members/${id}` }, MembersSchema);
    } else {
      throw new UsageError(`members wants 'add' or 'remove', got '${action}'`);
    }
    if (ctx.json) return ctx.io.out(JSON.stringify(body));
    const t = words(ctx);
    ctx.io.out(
      action === "add"
        ? t`added ${id}; members: ${body.members.join(",")}`
        : t`removed ${id}; members: ${body.members.join(",")}`,
    );
  },
};
