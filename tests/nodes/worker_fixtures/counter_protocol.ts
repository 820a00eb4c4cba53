/**
 * A tiny protocol for the Worker cluster tests, loaded into Workers by module URL: a
 * durable counter. Ops: `"inc"` (adds one, durably), `"get"`, `"now"` (the node's
 * clock), `"hang"` (never answers), `"boom"` (throws: the node fails).
 *
 * @module
 */

import type { Protocol } from "../../../protocols/node.ts";

/**
 * Operations of the counter protocol.
 *
 * @example
 * ```ts
 * import type { CounterOp } from "./counter_protocol.ts";
 * const op: CounterOp = "inc";
 * ```
 */
export type CounterOp = "inc" | "get" | "now" | "hang" | "boom";

/**
 * The counter protocol.
 *
 * @example
 * ```ts
 * import { counterProtocol } from "./counter_protocol.ts";
 * counterProtocol.name; // "counter"
 * ```
 */
export const counterProtocol: Protocol<never, CounterOp> = {
  name: "counter",
  description: "a durable counter (test fixture)",
  tickMs: 50,
  create(ctx) {
    const read = (): number => (ctx.storage.get("count") as number | undefined) ?? 0;
    return {
      tick() {},
      message() {},
      request(req) {
        switch (req.op) {
          case "inc": {
            const n = read() + 1;
            ctx.storage.set("count", n);
            ctx.storage.set(`log/${String(n).padStart(4, "0")}`, req.client);
            return ctx.reply(req.id, { type: "ok", value: n });
          }
          case "get":
            return ctx.reply(req.id, { type: "ok", value: read() });
          case "now":
            return ctx.reply(req.id, { type: "ok", value: ctx.now() });
          case "hang":
            return;
          case "boom":
            throw new Error("boom requested");
        }
      },
      status: () => ({ role: "counter", count: read(), log: ctx.storage.keys("log/").length }),
    };
  },
};
