/**
 * A tiny protocol for the live Byzantine tests, loaded into Workers by module URL: every
 * tick each node tells every peer the truth, `{ type: "say", seq, term: 0, lie: false }`
 * (seq counts up), and counts what it hears from each peer — truths, lies (the generic
 * lie raises `term` and turns `lie` true) and repeats (a seq not above the last one heard
 * from that peer: a replayed message) — in its status, so a test can tell from outside
 * what the router did to a Byzantine node's messages.
 *
 * @module
 */

import type { Protocol } from "../../../protocols/node.ts";

/**
 * The one message of the chatter protocol.
 *
 * @example
 * ```ts
 * import type { Say } from "./chatter_protocol.ts";
 * const m: Say = { type: "say", seq: 1, term: 0, lie: false };
 * ```
 */
export interface Say {
  readonly type: "say";
  readonly seq: number;
  readonly term: number;
  readonly lie: boolean;
}

/**
 * What a node heard from one peer.
 *
 * @example
 * ```ts
 * import type { Heard } from "./chatter_protocol.ts";
 * const h: Heard = { truths: 3, lies: 0, repeats: 0, last: 3 };
 * ```
 */
export interface Heard {
  truths: number;
  lies: number;
  repeats: number;
  last: number;
}

/**
 * The chatter protocol.
 *
 * @example
 * ```ts
 * import { chatterProtocol } from "./chatter_protocol.ts";
 * chatterProtocol.name; // "chatter"
 * ```
 */
export const chatterProtocol: Protocol<Say, never> = {
  name: "chatter",
  description: "every node tells every peer the truth each tick (test fixture)",
  tickMs: 25,
  create(ctx) {
    let seq = 0;
    const heard: Record<string, Heard> = {};
    for (const p of ctx.peers) heard[p] = { truths: 0, lies: 0, repeats: 0, last: 0 };
    return {
      tick() {
        seq++;
        for (const p of ctx.peers) ctx.send(p, { type: "say", seq, term: 0, lie: false });
      },
      message(from, m) {
        const h = heard[from] ??= { truths: 0, lies: 0, repeats: 0, last: 0 };
        if (m.term === 0 && m.lie === false) h.truths++;
        else h.lies++;
        if (m.seq <= h.last) h.repeats++;
        else h.last = m.seq;
      },
      request(req) {
        ctx.reply(req.id, { type: "ok", value: seq });
      },
      status: () => ({ role: "chatter", seq, heard: structuredClone(heard) }),
    };
  },
};
