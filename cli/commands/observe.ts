/**
 * Watching: `watch` follows the event stream until Ctrl-C (coloured by kind on a
 * terminal); `history` prints the API's client history as JSON Lines.
 *
 * @module
 */

import type { Command, CommandContext } from "../command.ts";
import { translator } from "../../i18n/catalogue.ts";
import { CLI_JA } from "../ja.ts";
import { colour } from "../format.ts";
import { readSse } from "../../client/sse.ts";

/** The CLI's words in the language it was asked for (English when none was). */
const words = (ctx: CommandContext) => ctx.t ?? translator("en", CLI_JA);

/**
 * One line for an event: time, kind, node, peer and data.
 *
 * @example
 * ```ts
 * import { eventLine } from "./observe.ts";
 * eventLine({ time: 1234.5, kind: "role", node: "n2", data: { role: "leader", term: 3 } }, false);
 * // "   1.235s  role       n2  {\"role\":\"leader\",\"term\":3}"
 * ```
 */
export function eventLine(e: Record<string, unknown>, on: boolean): string {
  const t = typeof e.time === "number" ? `${(e.time / 1000).toFixed(3)}s` : "";
  const kind = String(e.kind ?? "");
  const who = e.peer === undefined
    ? String(e.node ?? "")
    : `${e.node} ${e.kind === "send" ? "->" : "<-"} ${e.peer}`;
  const detail = e.data ?? e.body;
  const extra = [
    detail === undefined ? "" : JSON.stringify(detail),
    e.reason === undefined ? "" : `(${e.reason})`,
  ].filter((s) => s !== "").join(" ");
  return colour(kind, `${t.padStart(9)}  ${kind.padEnd(9)}  ${who}  ${extra}`.trimEnd(), on);
}

/**
 * `watch [--kind a,b] [--node n1]`.
 *
 * @example
 * ```sh
 * deno task cli watch --kind election,role --node n1
 * ```
 */
export const watch: Command = {
  name: "watch",
  args: "",
  summary: "follow the cluster's events until Ctrl-C",
  details: "Without --kind: every event but per-message ones; --kind send,deliver,drop (or all)\n" +
    "adds those.",
  options: {
    kind: {
      type: "string",
      arg: "K,K",
      help: "only these kinds (election, role, commit, crash, …)",
    },
    node: { type: "string", arg: "N,N", help: "only these nodes" },
  },
  arity: [0, 0],
  async run(ctx) {
    const q = new URLSearchParams();
    if (typeof ctx.values.kind === "string") q.set("kind", ctx.values.kind);
    if (typeof ctx.values.node === "string") q.set("node", ctx.values.node);
    const qs = q.toString();
    const res = await ctx.client.send(
      { method: "GET", path: `/events${qs ? "?" + qs : ""}` },
      ctx.io.interrupt,
    );
    if (!ctx.json) {
      ctx.io.out(words(ctx)`watching ${ctx.client.base}/api/v1/events (Ctrl-C stops)`);
    }
    try {
      for await (const m of readSse(res.body!)) {
        if (ctx.json) ctx.io.out(m.data);
        else ctx.io.out(eventLine(JSON.parse(m.data), ctx.io.color));
      }
    } catch (e) {
      if (!ctx.io.interrupt.aborted) throw e;
    }
  },
};

/**
 * `history`.
 *
 * @example
 * ```sh
 * deno task cli history > history.jsonl
 * ```
 */
export const history: Command = {
  name: "history",
  args: "",
  summary: "the client history of every KV request (JSON Lines; --json: an array)",
  arity: [0, 0],
  async run(ctx) {
    const res = await ctx.client.send({ method: "GET", path: "/history" });
    const lines = (await res.text()).split("\n").filter((l) => l !== "");
    if (ctx.json) return ctx.io.out(`[${lines.join(",")}]`);
    for (const l of lines) ctx.io.out(l);
  },
};
