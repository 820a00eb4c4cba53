/**
 * A correct g-counter node on Maelstrom's `seq-kv` service: each node writes its own
 * running total under its own id (acknowledging an add only once the write is done), and
 * a read sums every node's total.
 *
 * @module
 */

import { runNode } from "./maelstrom_node.ts";

await runNode((node) => {
  let mine = 0;
  return {
    add: async (m) => {
      mine += Number(m.body.delta);
      await node.rpc("seq-kv", { type: "write", key: node.id, value: mine });
      node.reply(m, { type: "add_ok" });
    },
    read: async (m) => {
      const totals = await Promise.all(
        node.ids.map((id) => node.rpc("seq-kv", { type: "read", key: id })),
      );
      const value = totals.reduce(
        (sum, r) => sum + (r.body.type === "read_ok" ? Number(r.body.value) : 0),
        0,
      );
      node.reply(m, { type: "read_ok", value });
    },
  };
});
