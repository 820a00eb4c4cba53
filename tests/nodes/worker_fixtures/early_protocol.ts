/**
 * A tiny protocol for the contract's one exception (`beforeSync`), loaded into a node
 * runtime by module URL: on a request it writes a record, sends `early` to its first
 * peer before the sync, `late` after it, answers, and asks for `synced` with the
 * record's number; on `synced(mark)` it sends `synced` with the mark.
 *
 * @module
 */

import type { Protocol } from "../../../protocols/node.ts";

/**
 * A message of the early protocol.
 *
 * @example
 * ```ts
 * import type { EarlyMessage } from "./early_protocol.ts";
 * const m: EarlyMessage = { type: "early", n: 1 };
 * ```
 */
export interface EarlyMessage {
  readonly type: "early" | "late" | "synced";
  readonly n: number;
}

/**
 * The early protocol.
 *
 * @example
 * ```ts
 * import { earlyProtocol } from "./early_protocol.ts";
 * earlyProtocol.name; // "early"
 * ```
 */
export const earlyProtocol: Protocol<EarlyMessage, "write"> = {
  name: "early",
  description: "sends one message before its sync and one after (test fixture)",
  tickMs: 50,
  create(ctx) {
    let n = (ctx.storage.get("n") as number | undefined) ?? 0;
    const peer = ctx.peers[0]!;
    return {
      tick() {},
      message() {},
      request(req) {
        n++;
        ctx.storage.set("n", n);
        ctx.send(peer, { type: "late", n });
        ctx.send(peer, { type: "early", n }, { beforeSync: true });
        ctx.whenSynced(n);
        ctx.reply(req.id, { type: "ok", value: n });
      },
      synced(mark) {
        ctx.send(peer, { type: "synced", n: mark });
      },
      status: () => ({ role: "early", n }),
    };
  },
};
