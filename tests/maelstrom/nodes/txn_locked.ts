/**
 * A correct transactional node in TypeScript for txn-rw-register and txn-list-append,
 * on Maelstrom's `lin-kv` service with one key per database key: a transaction reads
 * every key it touches, applies its micro-ops to copies, and writes back each key it
 * changed — all while holding a lock on the whole database, itself a cas on the key
 * `lock` from `null` to the transaction's id (retried until it succeeds). Holding the
 * lock, nothing else reads or changes the keys, so every transaction takes effect whole,
 * inside its own call: strict-serializable, from any node.
 *
 * @module
 */

import { type Msg, runNode } from "./maelstrom_node.ts";

type Mop = [string, unknown, unknown];

await runNode((node) => {
  let next = 0;
  const kv = (body: Record<string, unknown>) => node.rpc("lin-kv", body);
  const lock = async (owner: string) => {
    for (;;) {
      const r = await kv({
        type: "cas",
        key: "lock",
        from: null,
        to: owner,
        create_if_not_exists: true,
      });
      if (r.body.type === "cas_ok") return; // else someone holds it: ask again
    }
  };
  return {
    txn: async (m: Msg) => {
      const owner = `${node.id}/${next++}`;
      await lock(owner);
      try {
        const mops = m.body.txn as Mop[];
        const state = new Map<string, unknown>();
        for (const [, k] of mops) {
          const key = JSON.stringify(k);
          if (state.has(key)) continue;
          const r = await kv({ type: "read", key });
          state.set(key, r.body.type === "read_ok" ? r.body.value : null);
        }
        const written = new Set<string>();
        const done: Mop[] = mops.map(([f, k, v]) => {
          const key = JSON.stringify(k);
          if (f === "r") return [f, k, state.get(key) ?? null];
          const old = state.get(key);
          state.set(key, f === "w" ? v : [...(Array.isArray(old) ? old : []), v]);
          written.add(key);
          return [f, k, v];
        });
        for (const key of written) {
          await kv({ type: "write", key, value: state.get(key) });
        }
        node.reply(m, { type: "txn_ok", txn: done });
      } finally {
        await kv({ type: "write", key: "lock", value: null });
      }
    },
  };
});
