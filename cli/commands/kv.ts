/**
 * `put`, `get`, `del`, `cas`: the key-value store. Values on the command line are JSON
 * when they parse as JSON, else strings (`put k 42` stores a number, `put k hello` a
 * string). Each operation carries the CLI's client id and a sequence number, kept across
 * retries of a 503.
 *
 * @module
 */

import { parseNode, parseValue, UsageError } from "../args.ts";
import type { Command, CommandContext } from "../command.ts";
import { show } from "../format.ts";

const NODE_OPTION = {
  node: { type: "string", arg: "N", help: "ask this node only (do not follow the leader)" },
} as const;

function keyPath(key: string, ctx: CommandContext, extra: Record<string, string> = {}): string {
  if (key === "") throw new UsageError("a key must not be empty");
  const q = new URLSearchParams(extra);
  const node = ctx.values.node;
  if (typeof node === "string") q.set("node", parseNode(node, "--node"));
  const qs = q.toString();
  return `/kv/${encodeURIComponent(key)}${qs ? "?" + qs : ""}`;
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
  options: NODE_OPTION,
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
    report(ctx, body, `${key} = ${show(body.value)}  (node ${body.node})`);
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
    consistency: { type: "string", arg: "C", help: "linearizable (default), lease or stale" },
  },
  arity: [1, 1],
  async run(ctx, [key]) {
    const c = ctx.values.consistency;
    if (c !== undefined && !["linearizable", "lease", "stale"].includes(String(c))) {
      throw new UsageError(`--consistency must be linearizable, lease or stale, got '${c}'`);
    }
    const extra: Record<string, string> = typeof c === "string" ? { consistency: c } : {};
    const body = await ctx.client.json({
      method: "GET",
      path: keyPath(key!, ctx, extra),
      session: true,
    });
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
  options: NODE_OPTION,
  arity: [1, 1],
  async run(ctx, [key]) {
    const body = await ctx.client.json({
      method: "DELETE",
      path: keyPath(key!, ctx),
      session: true,
    });
    report(ctx, body, `deleted ${key}  (node ${body.node})`);
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
  options: NODE_OPTION,
  arity: [3, 3],
  async run(ctx, [key, expected, next]) {
    const body = await ctx.client.json({
      method: "POST",
      path: keyPath(key!, ctx).replace(/(\?|$)/, "/cas$1"),
      body: { expected: parseValue(expected!), value: parseValue(next!) },
      session: true,
    });
    report(ctx, body, `${key} = ${show(body.value)}  (node ${body.node})`);
  },
};
