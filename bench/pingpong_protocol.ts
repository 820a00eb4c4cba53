/**
 * A throughput protocol for `router_bench.ts`: a fixed number of messages bounce
 * between `n1` and `n2` forever. On its first tick `n1` sends `window` pings to `n2`;
 * every node answers every message it gets with one back to the sender. So exactly
 * `window` messages are in flight at any time and the message rate is the runtime's.
 *
 * Option: `window` (default 256).
 *
 * @module
 */

import type { Protocol } from "../protocols/node.ts";
import { isNat } from "../protocols/message_schema.ts";

/**
 * The one message: a ball with a number.
 *
 * @example
 * ```ts
 * import type { Ball } from "./pingpong_protocol.ts";
 * const b: Ball = { type: "ball", seq: 3 };
 * ```
 */
export interface Ball {
  readonly type: "ball";
  readonly seq: number;
}

/**
 * The ping-pong protocol.
 *
 * @example
 * ```ts
 * import { pingPong } from "./pingpong_protocol.ts";
 * pingPong.name; // "pingpong"
 * ```
 */
export const pingPong: Protocol<Ball> = {
  name: "pingpong",
  description: "messages bounce between n1 and n2 (benchmark)",
  tickMs: 50,
  // Checked at the boundary like any protocol's, so the router's figure includes it.
  messages: { ball: (m) => isNat(m.seq) },
  create(ctx) {
    const window = typeof ctx.options.window === "number" ? ctx.options.window : 256;
    let served = false;
    let received = 0;
    return {
      tick() {
        if (served || ctx.id !== "n1" || ctx.peers[0] === undefined) return;
        served = true;
        for (let i = 0; i < window; i++) ctx.send(ctx.peers[0], { type: "ball", seq: i });
      },
      message(from, ball) {
        received++;
        ctx.send(from, ball);
      },
      request(req) {
        ctx.reply(req.id, { type: "ok", value: received });
      },
      status: () => ({ role: "player", received }),
    };
  },
};
