/**
 * A test fixture: on a `tell` request a node writes a counter and tells its first peer
 * the new value (a message whose meaning rests on the write), then replies.
 *
 * @module
 */

import type { Protocol } from "../../../protocols/node.ts";

/**
 * The protocol: `tell` writes `told` and sends `{ type: "told", n }` to the first peer.
 *
 * @example
 * ```ts
 * import { tellProtocol } from "./tell_protocol.ts";
 * tellProtocol.name; // "tell"
 * ```
 */
export const tellProtocol: Protocol<{ type: "told"; n: number }, "tell"> = {
  name: "tell",
  description: "writes, then tells a peer (test fixture)",
  tickMs: 50,
  create(ctx) {
    return {
      tick() {},
      message() {},
      request(req) {
        const n = ((ctx.storage.get("told") as number | undefined) ?? 0) + 1;
        ctx.storage.set("told", n);
        ctx.send(ctx.peers[0]!, { type: "told", n });
        ctx.reply(req.id, { type: "ok", value: n });
      },
      status: () => ({ role: "teller" }),
    };
  },
};
