/**
 * Network, clock, Byzantine and storage faults: `partition`, `isolate`, `cut`, `link`,
 * `skew`, `byzantine`, `disk`, `heal`, and `faults` (list) / `unfault ID` (remove one).
 *
 * @module
 */

import { parseNode, parseNodeList, parseNumber, parseSkew, UsageError } from "../args.ts";
import { BYZANTINE_MODES } from "../../nodes/faults/byzantine.ts";
import { DISK_FAULT_KINDS } from "../../protocols/storage.ts";
import { translator } from "../../i18n/catalogue.ts";
import { CLI_JA } from "../ja.ts";
import type { Command, CommandContext } from "../command.ts";

/** The CLI's words in the language it was asked for (English when none was). */
const words = (ctx: CommandContext) => ctx.t ?? translator("en", CLI_JA);

function created(ctx: CommandContext, body: Record<string, unknown>, text: string): void {
  ctx.io.out(ctx.json ? JSON.stringify(body) : `fault #${body.id}: ${text}`);
}

/**
 * `partition n1,n2 n3,n4,n5`.
 *
 * @example
 * ```sh
 * deno task cli partition n1,n2 n3,n4,n5
 * ```
 */
export const partition: Command = {
  name: "partition",
  args: "GROUP GROUP…",
  summary: "split the nodes into groups (GROUP: n1,n2); unlisted nodes form one more",
  arity: [1, 64],
  async run(ctx, groups) {
    const body = await ctx.client.json({
      method: "POST",
      path: "/faults/partition",
      body: { groups: groups.map(parseNodeList) },
    });
    created(ctx, body, `partition ${body.description}`);
  },
};

/**
 * `isolate NODE`.
 *
 * @example
 * ```sh
 * deno task cli isolate n1
 * ```
 */
export const isolate: Command = {
  name: "isolate",
  args: "NODE",
  summary: "cut one node off from all others",
  arity: [1, 1],
  async run(ctx, [node]) {
    const body = await ctx.client.json({
      method: "POST",
      path: "/faults/isolate",
      body: { node: parseNode(node!, "NODE") },
    });
    created(ctx, body, `isolate ${body.node}`);
  },
};

/**
 * `cut FROM TO`.
 *
 * @example
 * ```sh
 * deno task cli cut n1 n2
 * ```
 */
export const cut: Command = {
  name: "cut",
  args: "FROM TO",
  summary: "cut one direction: messages FROM -> TO are lost (TO -> FROM still arrive)",
  arity: [2, 2],
  async run(ctx, [from, to]) {
    const body = await ctx.client.json({
      method: "POST",
      path: "/faults/cut",
      body: { from: parseNode(from!, "FROM"), to: parseNode(to!, "TO") },
    });
    created(ctx, body, `cut ${body.from} -> ${body.to}`);
  },
};

const PROBABILITY = (help: string) => ({ type: "string", arg: "P", help }) as const;

/**
 * `link FROM TO --drop 0.2 --delay 50ms±10ms …`.
 *
 * @example
 * ```sh
 * deno task cli link n1 '*' --drop 0.2 --delay 50ms±10ms
 * ```
 */
export const link: Command = {
  name: "link",
  args: "FROM TO",
  summary: "loss, delay, duplication, reordering… on FROM -> TO (* for any node)",
  options: {
    drop: PROBABILITY("probability a message is lost"),
    delay: { type: "string", arg: "D", help: "50ms, 20..80ms, exp:30ms or 50ms±10ms" },
    duplicate: PROBABILITY("probability a message arrives twice"),
    reorder: PROBABILITY("probability a message leaves FIFO order"),
    tamper: PROBABILITY("probability a message body is altered"),
    "queue-limit": { type: "string", arg: "N", help: "messages in flight before tail drop" },
    bandwidth: { type: "string", arg: "N", help: "messages per second" },
  },
  arity: [2, 2],
  async run(ctx, [from, to]) {
    const v = ctx.values;
    const faults: Record<string, unknown> = {};
    for (const k of ["drop", "duplicate", "reorder", "tamper"] as const) {
      if (typeof v[k] === "string") faults[k] = parseNumber(v[k], `--${k}`, 0, 1);
    }
    if (typeof v.delay === "string") faults.delay = v.delay;
    if (typeof v["queue-limit"] === "string") {
      faults.queueLimit = parseNumber(v["queue-limit"], "--queue-limit", 1);
    }
    if (typeof v.bandwidth === "string") {
      faults.bandwidth = parseNumber(v.bandwidth, "--bandwidth", Number.MIN_VALUE);
    }
    if (Object.keys(faults).length === 0) {
      throw new UsageError(
        "link needs at least one of --drop, --delay, --duplicate, --reorder, --tamper, " +
          "--queue-limit, --bandwidth",
      );
    }
    const body = await ctx.client.json({
      method: "POST",
      path: "/faults/link",
      body: { from: parseNode(from!, "FROM"), to: parseNode(to!, "TO"), ...faults },
    });
    created(ctx, body, `link ${from} -> ${to} ${JSON.stringify(faults)}`);
  },
};

/**
 * `skew NODE +200ms [--drift 0.01]`.
 *
 * @example
 * ```sh
 * deno task cli skew n3 +200ms --drift 0.01
 * ```
 */
export const skew: Command = {
  name: "skew",
  args: "NODE [SKEW]",
  summary: "set a node's clock offset (+200ms, -50ms, 1s) and/or --drift (0.01 = 1% fast)",
  options: { drift: { type: "string", arg: "R", help: "clock rate error, e.g. 0.01" } },
  arity: [1, 2],
  async run(ctx, [node, raw]) {
    const change: Record<string, unknown> = { node: parseNode(node!, "NODE") };
    if (raw !== undefined) change.skewMs = parseSkew(raw);
    if (typeof ctx.values.drift === "string") {
      change.drift = parseNumber(ctx.values.drift, "--drift", -0.99, 10);
    }
    if (raw === undefined && change.drift === undefined) {
      throw new UsageError("skew needs a SKEW, --drift, or both");
    }
    const body = await ctx.client.json({ method: "POST", path: "/faults/clock", body: change });
    if (ctx.json) return ctx.io.out(JSON.stringify(body));
    ctx.io.out(`${body.node}: skew ${Math.round(body.skewMs as number)}ms, drift ${body.drift}`);
  },
};

/** What `byzantine --mode` takes: a Byzantine mode, or `honest` / `none` to end it. */
const BYZANTINE_CHOICES = [...BYZANTINE_MODES, "honest", "none"] as const;

/**
 * `byzantine NODE --mode equivocate|lie|silent|replay|honest`.
 *
 * @example
 * ```sh
 * deno task cli byzantine n2 --mode equivocate
 * deno task cli byzantine n2 --mode honest
 * ```
 */
export const byzantine: Command = {
  name: "byzantine",
  args: "NODE",
  summary:
    "make a node lie (--mode equivocate, lie, silent, replay) or honest again (--mode honest)",
  details: "equivocate: lies to the peers with an even number, the truth to the others; " +
    "lie: every message forged (votes granted, terms raised); silent: nothing to the " +
    "even-numbered peers; replay: old messages again now and then; honest (or none): " +
    "correct again.",
  options: {
    mode: { type: "string", arg: "MODE", help: "equivocate, lie, silent, replay, or honest" },
  },
  arity: [1, 1],
  async run(ctx, [node]) {
    const raw = ctx.values.mode;
    if (typeof raw !== "string") {
      throw new UsageError(`byzantine needs --mode (${BYZANTINE_CHOICES.join(", ")})`);
    }
    if (!(BYZANTINE_CHOICES as readonly string[]).includes(raw)) {
      throw new UsageError(`--mode must be one of ${BYZANTINE_CHOICES.join(", ")}, got '${raw}'`);
    }
    const mode = raw === "none" ? "honest" : raw;
    const body = await ctx.client.json({
      method: "POST",
      path: "/faults/byzantine",
      body: { node: parseNode(node!, "NODE"), mode },
    });
    if (ctx.json) return ctx.io.out(JSON.stringify(body));
    ctx.io.out(
      body.mode === "honest"
        ? words(ctx)`${body.node}: honest again`
        : words(ctx)`${body.node}: Byzantine (${body.mode})`,
    );
  },
};

/** What `disk --fault` takes: a storage fault kind, or `none` to clear them all. */
const DISK_CHOICES = [...DISK_FAULT_KINDS, "none"] as const;

/** The storage faults of one node as the API shows them (`disk` of a node view). */
interface DiskView {
  readonly faults: Readonly<Record<string, number>>;
  readonly once: readonly string[];
  readonly injected: Readonly<Record<string, number>>;
}

/**
 * One line for a node's storage faults, e.g. `n2: disk bit-flip p=0.1, fsync-error once;
 * injected bit-flip 3`.
 *
 * @example
 * ```ts
 * import { diskLine } from "./faults.ts";
 * diskLine("n2", { faults: { "bit-flip": 0.1 }, once: ["fsync-error"], injected: {} });
 * // "n2: disk bit-flip p=0.1, fsync-error once"
 * ```
 */
export function diskLine(node: string, d: DiskView, t = translator("en", CLI_JA)): string {
  const set = [
    ...Object.entries(d.faults).map(([k, p]) => `${k} p=${p}`),
    ...d.once.map((k) => t`${k} once`),
  ];
  const injected = Object.entries(d.injected).map(([k, n]) => `${k} ${n}`);
  const head = set.length === 0
    ? t`${node}: no storage faults`
    : t`${node}: disk ${set.join(", ")}`;
  return injected.length === 0 ? head : t`${head}; injected ${injected.join(", ")}`;
}

/**
 * `disk NODE --fault KIND [--probability P]`.
 *
 * @example
 * ```sh
 * deno task cli disk n2 --fault fsync-error
 * deno task cli disk n2 --fault bit-flip --probability 0.01
 * deno task cli disk n2 --fault none
 * ```
 */
export const disk: Command = {
  name: "disk",
  args: "NODE",
  summary: "a storage fault on a node's file store (--fault KIND, once or --probability P; " +
    "--fault none clears); needs a cluster with --data-dir",
  details: "fsync-error: a sync fails (EIO) and the node stops; disk-full: an append fails " +
    "(ENOSPC) and the node stops; torn-write: only part of a batch reaches the file and the " +
    "node stops, its restart cuts the torn tail; bit-flip: a bit of a synced record changes; " +
    "misdirected-write: a batch lands on an earlier record (both found by checksum at the " +
    "next start: the node stays down as corrupted); read-error: a read fails (EIO) and the " +
    "node stops. Without --probability the fault happens once, at its next chance.",
  options: {
    fault: {
      type: "string",
      arg: "KIND",
      help: "fsync-error, disk-full, torn-write, bit-flip, misdirected-write, read-error or none",
    },
    probability: PROBABILITY("probability per chance (each append, sync or read)"),
  },
  arity: [1, 1],
  async run(ctx, [node]) {
    const raw = ctx.values.fault;
    if (typeof raw !== "string") {
      throw new UsageError(`disk needs --fault (${DISK_CHOICES.join(", ")})`);
    }
    if (!(DISK_CHOICES as readonly string[]).includes(raw)) {
      throw new UsageError(`--fault must be one of ${DISK_CHOICES.join(", ")}, got '${raw}'`);
    }
    const body: Record<string, unknown> = { node: parseNode(node!, "NODE"), fault: raw };
    if (typeof ctx.values.probability === "string") {
      if (raw === "none") throw new UsageError("--fault none takes no --probability");
      body.probability = parseNumber(ctx.values.probability, "--probability", 0, 1);
    }
    const answer = await ctx.client.json({ method: "POST", path: "/faults/disk", body });
    if (ctx.json) return ctx.io.out(JSON.stringify(answer));
    ctx.io.out(diskLine(answer.node as string, answer as unknown as DiskView, words(ctx)));
  },
};

/**
 * `heal`.
 *
 * @example
 * ```sh
 * deno task cli heal
 * ```
 */
export const heal: Command = {
  name: "heal",
  args: "",
  summary: "remove every partition, cut and link fault",
  arity: [0, 0],
  async run(ctx) {
    const body = await ctx.client.json({ method: "POST", path: "/faults/heal" });
    ctx.io.out(ctx.json ? JSON.stringify(body) : words(ctx)`healed: the network is reliable again`);
  },
};

/**
 * `faults`.
 *
 * @example
 * ```sh
 * deno task cli faults
 * ```
 */
export const faults: Command = {
  name: "faults",
  args: "",
  summary: "list active faults and clocks",
  arity: [0, 0],
  async run(ctx) {
    const body = await ctx.client.json({ method: "GET", path: "/faults" });
    if (ctx.json) return ctx.io.out(JSON.stringify(body));
    const blocks = body.blocks as { id: number; kind: string; description: string }[];
    const rules = body.rules as { id: number; from: string; to: string }[];
    for (const b of blocks) ctx.io.out(`#${b.id} ${b.kind} ${b.description}`);
    for (const r of rules) {
      const { id, from, to, ...rest } = r;
      ctx.io.out(`#${id} link ${from} -> ${to} ${JSON.stringify(rest)}`);
    }
    if (blocks.length === 0 && rules.length === 0) ctx.io.out(words(ctx)`no network faults`);
    const liars = (body.byzantine ?? {}) as Record<string, string>;
    for (const [id, mode] of Object.entries(liars)) {
      ctx.io.out(words(ctx)`${id}: Byzantine (${mode})`);
    }
    for (const [id, d] of Object.entries((body.disk ?? {}) as Record<string, DiskView>)) {
      ctx.io.out(diskLine(id, d, words(ctx)));
    }
    for (
      const [id, c] of Object.entries(
        body.clocks as Record<string, { skewMs: number; drift: number }>,
      )
    ) {
      if (Math.abs(c.skewMs) >= 0.5 || c.drift !== 0) {
        ctx.io.out(`clock ${id}: skew ${Math.round(c.skewMs)}ms, drift ${c.drift}`);
      }
    }
  },
};

/**
 * `unfault ID`.
 *
 * @example
 * ```sh
 * deno task cli unfault 3
 * ```
 */
export const unfault: Command = {
  name: "unfault",
  args: "ID",
  summary: "remove one fault by its id (see 'faults')",
  arity: [1, 1],
  async run(ctx, [id]) {
    if (!/^\d+$/.test(id!)) throw new UsageError(`ID must be a fault number, got '${id}'`);
    const body = await ctx.client.json({ method: "DELETE", path: `/faults/${id}` });
    ctx.io.out(ctx.json ? JSON.stringify(body) : words(ctx)`removed fault #${id}`);
  },
};
