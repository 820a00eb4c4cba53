/**
 * The `lww` protocol, the checker's negative control: every node accepts reads and
 * writes locally, stamps each write with its own (possibly skewed) physical clock and
 * node id, and gossips it; a replica keeps the write with the larger stamp
 * (last-write-wins). It is always available and converges once the network heals, but
 * it is not linearizable: reads can be stale, and with skewed clocks a later write can
 * lose to an earlier one and vanish.
 *
 * Options: `gossipMs` (anti-entropy period, default 200).
 *
 * @module
 */

import { isArrayOf, isBool, isNum, isObj, isStr, opt } from "../message_schema.ts";
import type { KvOp } from "../kv.ts";
import { jsonEqual } from "../kv.ts";
import type { NodeContext, NodeId, Protocol, ProtocolNode } from "../node.ts";
import { validateKvOp } from "../kv_store.ts";
import { fail } from "../reply.ts";
import { KV_OPERATIONS } from "../operations.ts";

/**
 * A value with its last-write-wins stamp; `deleted` marks a tombstone.
 *
 * @example
 * ```ts
 * import type { Stamped } from "./lww.ts";
 * const tombstone: Stamped = { value: null, time: 1250, node: "n2", deleted: true };
 * ```
 */
export interface Stamped {
  readonly value: unknown;
  readonly time: number;
  readonly node: NodeId;
  readonly deleted?: boolean;
}

/**
 * Gossip: a batch of stamped values.
 *
 * @example
 * ```ts
 * import type { LwwMessage } from "./lww.ts";
 * const m: LwwMessage = { type: "gossip", entries: [["x", { value: 1, time: 10, node: "n1" }]] };
 * ```
 */
export interface LwwMessage {
  readonly type: "gossip";
  readonly entries: readonly (readonly [string, Stamped])[];
}

/** A gossiped `[key, stamped value]` pair, as the schema checks it. */
function isStampedEntry(e: unknown): boolean {
  if (!Array.isArray(e) || e.length !== 2 || !isStr(e[0])) return false;
  const s = e[1];
  return isObj(s) && isNum(s.time) && isStr(s.node) && opt(s.deleted, isBool);
}

/**
 * Whether stamp `a` wins over stamp `b`: later time, then larger node id.
 *
 * @example
 * ```ts
 * import { wins } from "./lww.ts";
 * wins({ value: 1, time: 5, node: "n1" }, { value: 2, time: 5, node: "n2" }); // false
 * ```
 */
export function wins(a: Stamped, b: Stamped | undefined): boolean {
  if (b === undefined) return true;
  return a.time > b.time || (a.time === b.time && a.node > b.node);
}

function createNode(ctx: NodeContext<LwwMessage>): ProtocolNode<LwwMessage, KvOp> {
  const gossipMs = Number(ctx.options.gossipMs ?? 200);
  const store = new Map<string, Stamped>();
  for (const k of ctx.storage.keys("kv/")) store.set(k.slice(3), ctx.storage.get(k) as Stamped);
  let nextGossip = ctx.now() + ctx.random() * gossipMs;

  const put = (key: string, s: Stamped): boolean => {
    if (!wins(s, store.get(key))) return false;
    store.set(key, s);
    ctx.storage.set("kv/" + key, s);
    return true;
  };
  const broadcast = (entries: (readonly [string, Stamped])[]) => {
    for (const p of ctx.peers) ctx.send(p, { type: "gossip", entries });
  };
  const write = (key: string, value: unknown, deleted: boolean) => {
    const s: Stamped = deleted
      ? { value: null, time: ctx.now(), node: ctx.id, deleted }
      : { value, time: ctx.now(), node: ctx.id };
    put(key, s);
    broadcast([[key, s]]);
  };
  const read = (key: string): unknown => {
    const s = store.get(key);
    return s === undefined || s.deleted ? null : s.value;
  };

  return {
    tick() {
      const now = ctx.now();
      if (now < nextGossip) return;
      nextGossip = now + gossipMs;
      if (store.size > 0) broadcast([...store]); // anti-entropy: push everything
    },
    message(_from, m) {
      if (m.type !== "gossip") return;
      for (const [k, s] of m.entries) put(k, s);
    },
    request(req) {
      const bad = validateKvOp(req.op);
      if (bad !== null) return ctx.reply(req.id, fail("malformed-request", bad));
      const op = req.op;
      switch (op.f) {
        case "read":
          return ctx.reply(req.id, { type: "ok", value: read(op.key) });
        case "write":
          write(op.key, op.value, false);
          return ctx.reply(req.id, { type: "ok" });
        case "delete":
          write(op.key, null, true);
          return ctx.reply(req.id, { type: "ok" });
        case "cas":
          if (!jsonEqual(read(op.key), op.value[0])) {
            return ctx.reply(req.id, fail("precondition-failed", "cas mismatch"));
          }
          write(op.key, op.value[1], false);
          return ctx.reply(req.id, { type: "ok" });
      }
    },
    status: () => ({ role: "replica", keys: store.size }),
    dump() {
      const out: Record<string, unknown> = {};
      for (const [k, s] of store) if (!s.deleted) out[k] = s.value;
      return out;
    },
  };
}

/**
 * Last-write-wins gossip KV: available and convergent, not linearizable.
 *
 * @example
 * ```ts
 * import { lww } from "./lww.ts";
 * lww.name; // "lww"
 * ```
 */
export const lww: Protocol<LwwMessage, KvOp> = {
  name: "lww",
  operations: KV_OPERATIONS,
  description: "every node accepts writes; last-write-wins gossip with skewed clocks (AP control)",
  tickMs: 10,
  events: [],
  messages: { gossip: (m) => isArrayOf(m.entries, isStampedEntry) },
  create: createNode,
};
