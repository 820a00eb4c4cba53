/**
 * `put`, `get`, `del`, `cas`: the key-value store. Values on the command line are JSON
 * when they parse as JSON, else strings (`put k 42` stores a number, `put k hello` a
 * string). Each operation carries the CLI's client id and a sequence number, kept across
 * retries of a 503. On quorum-kv, `--r`, `--w`, `--consistency ONE|QUORUM|ALL` set the
 * quorum, a read with concurrent siblings prints them with their context, and a write's
 * `--context` (that JSON) supersedes them.
 *
 * @module
 */

import { parseNode, parseValue, UsageError } from "../args.ts";
import type { Command, CommandContext } from "../command.ts";
import { show } from "../format.ts";

const NODE_OPTION = {
  node: { type: "string", arg: "N", help: "ask this node only (do not follow the leader)" },
} as const;

const QUORUM_OPTIONS = {
  r: { type: "string", arg: "R", help: "quorum-kv: replies a read waits for" },
  w: { type: "string", arg: "W", help: "quorum-kv: acknowledgements a write waits for" },
} as const;

const WRITE_OPTIONS = {
  ...NODE_OPTION,
  ...QUORUM_OPTIONS,
  consistency: { type: "string", arg: "C", help: "quorum-kv: ONE, QUORUM or ALL" },
  context: {
    type: "string",
    arg: "JSON",
    help: "quorum-kv: the context a read printed; the write supersedes its siblings",
  },
} as const;

const READ_LEVELS = ["linearizable", "lease", "stale", "ONE", "QUORUM", "ALL"];

function keyPath(key: string, ctx: CommandContext, extra: Record<string, string> = {}): string {
  if (key === "") throw new UsageError("a key must not be empty");
  const q = new URLSearchParams(extra);
  const node = ctx.values.node;
  if (typeof node === "string") q.set("node", parseNode(node, "--node"));
  for (const name of ["r", "w"]) {
    const v = ctx.values[name];
    if (v === undefined) continue;
    if (typeof v !== "string" || !/^[1-9]\d{0,3}$/.test(v)) {
      throw new UsageError(`--${name} must be a whole number from 1 to N, got '${v}'`);
    }
    q.set(name, v);
  }
  const c = ctx.values.consistency;
  if (typeof c === "string") {
    const level = READ_LEVELS.find((l) => l.toLowerCase() === c.toLowerCase());
    if (level === undefined) {
      throw new UsageError(
        `--consistency must be linearizable, lease or stale (raft-kv), or ONE, QUORUM or ALL ` +
          `(quorum-kv); got '${c}'`,
      );
    }
    q.set("consistency", level);
  }
  const context = ctx.values.context;
  if (typeof context === "string") {
    const v = parseValue(context);
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      throw new UsageError(`--context must be a JSON object such as {"n1":2}, got '${context}'`);
    }
    q.set("context", JSON.stringify(v));
  }
  const qs = q.toString();
  return `/kv/${encodeURIComponent(key)}${qs ? "?" + qs : ""}`;
}

/** A write's answer, with a quorum write's clock and acknowledgements when present. */
function writtenText(body: Record<string, unknown>, head: string): string {
  const acks = Array.isArray(body.acks) ? `, acks ${body.acks.join(",")}` : "";
  const clock = body.clock !== undefined ? `, clock ${show(body.clock)}` : "";
  return `${head}  (node ${body.node}${acks}${clock})`;
}

function report(ctx: CommandContext, body: Record<string, unknown>, text: string): void {
  ctx.io.out(ctx.json ? JSON.stringify(body) : text);
}

/**
 * `put KEY VALUE`.
 *
 * @example
 * ```sh
 * deno task cli put greeting '"hello"'
 * ```
 */
export const put: Command = {
  name: "put",
  args: "KEY VALUE",
  summary: "write a value (JSON if it parses, else a string)",
  options: WRITE_OPTIONS,
  arity: [2, 2],
  async run(ctx, [key, raw]) {
    const value = parseValue(raw!);
    if (value === null) throw new UsageError("null is no value: use 'del KEY'");
    const body = await ctx.client.json({
      method: "PUT",
      path: keyPath(key!, ctx),
      body: value,
      session: true,
    });
    report(ctx, body, writtenText(body, `${key} = ${show(body.value)}`));
  },
};

/**
 * `get KEY`.
 *
 * @example
 * ```sh
 * deno task cli get greeting --consistency stale
 * ```
 */
export const get: Command = {
  name: "get",
  args: "KEY",
  summary: "read a value",
  options: {
    ...NODE_OPTION,
    r: QUORUM_OPTIONS.r,
    consistency: {
      type: "string",
      arg: "C",
      help: "linearizable (default), lease or stale; quorum-kv: ONE, QUORUM or ALL",
    },
  },
  arity: [1, 1],
  async run(ctx, [key]) {
    const body = await ctx.client.json({
      method: "GET",
      path: keyPath(key!, ctx),
      session: true,
    });
    if (Array.isArray(body.siblings)) {
      return report(
        ctx,
        body,
        `${body.siblings.length} siblings: ${body.siblings.map(show).join(" | ")}  ` +
          `(context ${show(body.context)}; put with --context to resolve)`,
      );
    }
    report(ctx, body, show(body.value));
  },
};

/**
 * `del KEY`.
 *
 * @example
 * ```sh
 * deno task cli del greeting
 * ```
 */
export const del: Command = {
  name: "del",
  args: "KEY",
  summary: "delete a key",
  options: WRITE_OPTIONS,
  arity: [1, 1],
  async run(ctx, [key]) {
    const body = await ctx.client.json({
      method: "DELETE",
      path: keyPath(key!, ctx),
      session: true,
    });
    report(ctx, body, writtenText(body, `deleted ${key}`));
  },
};

/**
 * `cas KEY EXPECTED NEW`.
 *
 * @example
 * ```sh
 * deno task cli cas counter 1 2
 * ```
 */
export const cas: Command = {
  name: "cas",
  args: "KEY EXPECTED NEW",
  summary: "compare and set: write NEW only if the value is EXPECTED (null: no value)",
  options: WRITE_OPTIONS,
  arity: [3, 3],
  async run(ctx, [key, expected, next]) {
    const body = await ctx.client.json({
      method: "POST",
      path: keyPath(key!, ctx).replace(/(\?|$)/, "/cas$1"),
      body: { expected: parseValue(expected!), value: parseValue(next!) },
      session: true,
    });
    report(ctx, body, writtenText(body, `${key} = ${show(body.value)}`));
  },
};
