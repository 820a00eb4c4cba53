/**
 * The `register` protocol, a control for the checker: one node (the owner, `n1` unless
 * the `owner` option says otherwise) holds all the data; every other node forwards
 * requests to it and relays the answer. A single copy, synced before every reply, is
 * linearizable by construction — it is also unavailable whenever the owner is
 * unreachable, which is the CP side of CAP at its simplest.
 *
 * @module
 */

import { isKvOp, isNat, isReply } from "../message_schema.ts";
import type { KvOp } from "../kv.ts";
import type { NodeContext, NodeId, Protocol, ProtocolNode, Reply } from "../node.ts";
import { byNodeIndex } from "../node_order.ts";
import { applyKvOp, validateKvOp } from "../kv_store.ts";
import { fail } from "../reply.ts";
import { KV_OPERATIONS } from "../operations.ts";

/**
 * Messages between a forwarding node and the owner.
 *
 * @example
 * ```ts
 * import type { RegisterMessage } from "./register.ts";
 * const m: RegisterMessage = { type: "forward", rid: 7, op: { f: "read", key: "x" } };
 * ```
 */
export type RegisterMessage =
  | { readonly type: "forward"; readonly rid: number; readonly op: KvOp }
  | { readonly type: "result"; readonly rid: number; readonly reply: Reply };

function createNode(ctx: NodeContext<RegisterMessage>): ProtocolNode<RegisterMessage, KvOp> {
  const owner = String(ctx.options.owner ?? [ctx.id, ...ctx.peers].sort(byNodeIndex)[0]);
  const isOwner = owner === ctx.id;
  const data = new Map<string, unknown>();
  // Requests already applied (by global request id), so a duplicated forward is not
  // applied twice: a late duplicate write would otherwise overwrite newer values.
  const applied = new Map<number, Reply>();
  if (isOwner) {
    for (const k of ctx.storage.keys("kv/")) data.set(k.slice(3), ctx.storage.get(k));
    for (const k of ctx.storage.keys("applied/")) {
      applied.set(Number(k.slice(8)), ctx.storage.get(k) as Reply);
    }
  }
  const waiting = new Set<number>();

  const apply = (rid: number, op: KvOp): Reply => {
    const done = applied.get(rid);
    if (done !== undefined) return done;
    const reply = applyKvOp(data, op);
    if (reply.type === "ok" && op.f !== "read") {
      if (op.f === "delete") ctx.storage.delete("kv/" + op.key);
      else ctx.storage.set("kv/" + op.key, data.get(op.key));
    }
    if (op.f !== "read") {
      applied.set(rid, reply);
      ctx.storage.set("applied/" + rid, reply);
    }
    return reply;
  };

  return {
    tick() {},
    message(from: NodeId, m: RegisterMessage) {
      if (m.type === "forward" && isOwner) {
        ctx.send(from, { type: "result", rid: m.rid, reply: apply(m.rid, m.op) });
      } else if (m.type === "result" && waiting.delete(m.rid)) {
        ctx.reply(m.rid, m.reply);
      }
    },
    request(req) {
      const bad = validateKvOp(req.op);
      if (bad !== null) return ctx.reply(req.id, fail("malformed-request", bad));
      if (isOwner) return ctx.reply(req.id, apply(req.id, req.op));
      waiting.add(req.id);
      ctx.send(owner, { type: "forward", rid: req.id, op: req.op });
    },
    status: () => ({ role: isOwner ? "owner" : "forwarder", owner, keys: data.size }),
    // Only the owner holds data; the others have nothing to converge.
    dump: isOwner ? () => Object.fromEntries(data) : undefined,
  };
}

/**
 * The single-owner register: linearizable, the checker's positive control.
 *
 * @example
 * ```ts
 * import { register } from "./register.ts";
 * register.name; // "register"
 * ```
 */
export const register: Protocol<RegisterMessage, KvOp> = {
  name: "register",
  operations: KV_OPERATIONS,
  description: "one node owns all data; others forward to it (linearizable control)",
  tickMs: 50,
  events: [],
  messages: {
    forward: (m) => isNat(m.rid) && isKvOp(m.op),
    result: (m) => isNat(m.rid) && isReply(m.reply),
  },
  create: createNode,
};
