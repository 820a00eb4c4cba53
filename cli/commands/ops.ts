/**
 * Protocol operations beyond key-value: `op` sends any operation as JSON (a 2PC
 * `order`, a Paxos `propose`, a bus `produce`, …); `mode` and `failover` drive
 * primary-backup; `ring` shows quorum-kv's consistent-hash ring and where a key lives.
 *
 * @module
 */

import { parseNode, UsageError } from "../args.ts";
import { type Tr, translator } from "../../i18n/catalogue.ts";
import { CLI_JA } from "../ja.ts";
import type { Command, CommandContext } from "../command.ts";
import { show, table } from "../format.ts";
import { RingSchema, type RingShape } from "../../http/api_schemas.ts";

const REPLICATION_MODES = ["sync", "async", "semi-sync"] as const;

/** Sends `op` (to `--node` when given) and returns the server's answer. */
async function sendOp(
  ctx: CommandContext,
  op: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const node = ctx.values.node;
  const path = typeof node === "string" ? `/nodes/${parseNode(node, "--node")}/ops` : "/ops";
  return await ctx.client.json({ method: "POST", path, body: { op } });
}

/**
 * The operation typed on the command line: a JSON object with a string `f`.
 *
 * @example
 * ```ts
 * import { parseOp } from "./ops.ts";
 * parseOp('{"f":"propose","value":"x"}'); // { f: "propose", value: "x" }
 * ```
 */
export function parseOp(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`OP must be JSON such as '{"f":"propose","value":1}', got '${text}'`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new UsageError(`OP must be a JSON object with a string f, got '${text}'`);
  }
  if (typeof (v as Record<string, unknown>).f !== "string") {
    throw new UsageError(`OP needs "f", the operation's name, e.g. {"f":"order",…}`);
  }
  return v as Record<string, unknown>;
}

/**
 * `op JSON [--node N]`.
 *
 * @example
 * ```sh
 * deno task cli op '{"f":"order","id":"o1","item":"item-1","qty":1,"amount":5}'
 * ```
 */
export const op: Command = {
  name: "op",
  args: "JSON",
  summary: "run a protocol operation (2pc order, propose, produce, set-mode, …)",
  details: "Without --node it goes to the leader, primary or coordinator, following hints. " +
    "A refusal (an aborted order) exits 1 with the reason.",
  options: { node: { type: "string", arg: "N", help: "send to this node only" } },
  arity: [1, 1],
  async run(ctx, [text]) {
    const body = await sendOp(ctx, parseOp(text!));
    ctx.io.out(
      ctx.json ? JSON.stringify(body) : `${body.f} ok at ${body.node}: ${show(body.value)}`,
    );
  },
};

/**
 * `mode sync|async|semi-sync`.
 *
 * @example
 * ```sh
 * deno task cli mode semi-sync
 * ```
 */
export const mode: Command = {
  name: "mode",
  args: "sync|async|semi-sync",
  summary: "primary-backup: change the replication mode at the primary",
  options: { node: { type: "string", arg: "N", help: "send to this node only" } },
  arity: [1, 1],
  async run(ctx, [m]) {
    if (!(REPLICATION_MODES as readonly string[]).includes(m!)) {
      throw new UsageError(`mode must be sync, async or semi-sync, got '${m}'`);
    }
    const body = await sendOp(ctx, { f: "set-mode", mode: m });
    if (ctx.json) return ctx.io.out(JSON.stringify(body));
    const v = (body.value ?? {}) as Record<string, unknown>;
    ctx.io.out(`mode ${v.mode ?? m} (was ${v.was ?? "?"}) at primary ${body.node}`);
  },
};

/**
 * `failover [--to N]`.
 *
 * @example
 * ```sh
 * deno task cli failover --to n3
 * ```
 */
export const failover: Command = {
  name: "failover",
  args: "",
  summary: "primary-backup: hand the primary role over (to --to, else the most up-to-date)",
  options: {
    to: { type: "string", arg: "N", help: "the backup to promote" },
    node: { type: "string", arg: "N", help: "send to this node only (the primary)" },
  },
  arity: [0, 0],
  async run(ctx) {
    const to = ctx.values.to;
    const o: Record<string, unknown> = { f: "failover" };
    if (typeof to === "string") o.to = parseNode(to, "--to");
    const body = await sendOp(ctx, o);
    if (ctx.json) return ctx.io.out(JSON.stringify(body));
    const v = (body.value ?? {}) as Record<string, unknown>;
    ctx.io.out(`primary: ${body.node} -> ${v.primary ?? "?"}`);
  },
};

const dash = (v: unknown) => v === null || v === undefined ? "-" : String(v);

type Version = NonNullable<RingShape["key"]>["holders"][number]["versions"][number];

/** One version as `"red"@{n1:2,n2:1}` (a tombstone: `deleted@…`). */
function versionText(v: Version): string {
  const clock = Object.entries(v.clock).map(([n, c]) => `${n}:${c}`).join(",");
  const value = v.deleted ? "deleted" : "value" in v ? show(v.value) : `<${v.valueBytes} bytes>`;
  return `${value}@{${clock}}`;
}

/**
 * The lines `ring` prints for a `GET /ring` body.
 *
 * @example
 * ```ts
 * import { ringLines } from "./ops.ts";
 * ringLines({
 *   source: "n1", epoch: 0, members: ["n1"], converged: true, n: 3, r: 2, w: 2, vnodes: 64,
 *   nodes: [{ id: "n1", up: true, member: true, tokens: 64, share: 1, keys: 0, hints: 0, epoch: 0 }],
 * })[0]; // "ring epoch 0 (as n1 sees it), N=3 R=2 W=2, 64 tokens per node"
 * ```
 */
export function ringLines(body: RingShape, t: Tr = translator("en", CLI_JA)): string[] {
  const out = [
    t`ring epoch ${body.epoch} (as ${body.source} sees it), N=${body.n} R=${dash(body.r)} W=${
      dash(body.w)
    }, ${body.vnodes} tokens per node`,
  ];
  if (body.converged === false) {
    out.push(t`membership still spreading: nodes differ on the epoch`);
  }
  const rows: string[][] = [
    ["NODE", "STATE", "TOKENS", "SHARE", "KEYS", "HINTS", "EPOCH"].map(t.text),
  ];
  for (const n of body.nodes) {
    rows.push([
      n.id,
      !n.up ? t`crashed` : n.member ? t`up` : t`up (not a member)`,
      String(n.tokens),
      `${(n.share * 100).toFixed(1)}%`,
      dash(n.keys),
      dash(n.hints),
      dash(n.epoch),
    ]);
  }
  out.push(...table(rows));
  const key = body.key;
  if (key === undefined) return out;
  out.push(
    "",
    t`key ${show(key.key)}: hash ${key.hash} -> token ${key.token.token} of ${key.token.node}`,
    t`preference list: ${key.preferenceList.join(", ")}`,
  );
  const held: string[][] = [["NODE", "REPLICA", "VERSIONS", "HINTS"].map(t.text)];
  for (const h of key.holders) {
    const hints = Object.entries(h.hints).map(([owner, vs]) =>
      `for ${owner}: ${vs.map(versionText).join(" | ")}`
    );
    held.push([
      h.node,
      h.rank === null ? "no" : h.rank === 0 ? "owner" : `#${h.rank + 1}`,
      !h.known ? (h.up ? "?" : "? (down)") : h.versions.map(versionText).join(" | ") || "-",
      hints.join("; ") || "-",
    ]);
  }
  out.push(...table(held));
  return out;
}

/**
 * `ring [--key K]`.
 *
 * @example
 * ```sh
 * deno task cli ring --key cart
 * ```
 */
export const ring: Command = {
  name: "ring",
  args: "",
  summary: "quorum-kv: the hash ring's tokens and shares; --key: where a key lives",
  options: { key: { type: "string", arg: "K", help: "show this key's replicas and versions" } },
  arity: [0, 0],
  async run(ctx) {
    const key = ctx.values.key;
    if (key === "") throw new UsageError("--key must not be empty");
    const qs = typeof key === "string" ? `?key=${encodeURIComponent(key)}` : "";
    const body = await ctx.client.parsed({ method: "GET", path: `/ring${qs}` }, RingSchema);
    if (ctx.json) return ctx.io.out(JSON.stringify(body));
    for (const line of ringLines(body, ctx.t)) ctx.io.out(line);
  },
};
