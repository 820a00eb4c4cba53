/**
 * A toy protocol written the way a user would, in a test folder: one owner (the first
 * node) holds a key-value store on its durable storage; the others refuse client
 * operations naming the owner. It declares its display (an `owner` headline and its own
 * status columns), its event kinds and an invariant — so that `deno task cluster`,
 * `cli status`, `deno task torture` and the dashboard can run it with nothing else
 * edited.
 *
 * @module
 */

import type { KvOp } from "../../protocols/kv.ts";
import type { Protocol, Reply } from "../../protocols/node.ts";
import { applyKvOp, validateKvOp } from "../../protocols/kv_store.ts";
import { fail } from "../../protocols/reply.ts";

/**
 * The toy protocol.
 *
 * @example
 * ```ts
 * import { toyKv } from "./toy_kv.ts";
 * toyKv.name; // "toy-kv"
 * ```
 */
export const toyKv: Protocol<never, KvOp> = {
  name: "toy-kv",
  description: "one owner holds the data; the others send clients to it (a test fixture)",
  tickMs: 50,
  events: ["toy-write"],
  display: {
    headline: { kind: "leader", noun: "owner", term: "epoch" },
    columns: [
      { header: "ROLE", field: "role" },
      { header: "WRITES", field: "status.writes" },
      { header: "KEYS", field: "status.keys", format: "list" },
    ],
  },
  invariants: () => (nodes) => {
    const owners = [...nodes].filter(([, n]) => n.status().role === "owner");
    return owners.length > 1 ? [`two owners: ${owners.map(([id]) => id).join(", ")}`] : [];
  },
  create(ctx) {
    const owner = [ctx.id, ...ctx.peers].sort()[0]!;
    const data = new Map<string, unknown>();
    for (const k of ctx.storage.keys("kv/")) data.set(k.slice(3), ctx.storage.get(k));
    let writes = Number(ctx.storage.get("writes") ?? 0);
    return {
      tick() {},
      message() {},
      request(req) {
        if (ctx.id !== owner) {
          return ctx.reply(req.id, fail("not-leader", `ask ${owner}`, { leader: owner }));
        }
        const bad = validateKvOp(req.op);
        if (bad !== null) return ctx.reply(req.id, fail("malformed-request", bad));
        const reply: Reply = applyKvOp(data, req.op);
        if (reply.type === "ok" && req.op.f !== "read") {
          if (req.op.f === "delete") ctx.storage.delete("kv/" + req.op.key);
          else ctx.storage.set("kv/" + req.op.key, data.get(req.op.key));
          ctx.storage.set("writes", ++writes);
          ctx.emit("toy-write", { key: req.op.key });
        }
        ctx.reply(req.id, reply);
      },
      status: () => ({
        role: ctx.id === owner ? "owner" : "replica",
        term: 1,
        writes,
        keys: [...data.keys()].sort(),
      }),
      dump: () => Object.fromEntries(data),
      owns: () => ctx.id === owner,
    };
  },
};
