/**
 * A correct lin-kv node: every request is passed to Maelstrom's `lin-kv` service and its
 * answer (value or error) passed back, so every node serves one linearizable store.
 *
 * @module
 */

import { type Msg, runNode } from "./maelstrom_node.ts";

await runNode((node) => {
  const forward = async (m: Msg) => {
    const { msg_id: _, ...request } = m.body;
    const answer = await node.rpc("lin-kv", request);
    const { msg_id: _m, in_reply_to: _r, ...reply } = answer.body;
    node.reply(m, reply);
  };
  return { read: forward, write: forward, cas: forward };
});
