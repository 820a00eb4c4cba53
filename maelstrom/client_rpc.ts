/**
 * Maelstrom's clients' side of its RPC protocol: a request gets a fresh `msg_id` per
 * client, and the node's reply is matched by `in_reply_to`. No reply in time is `null`
 * — an unknown outcome, never a failure.
 *
 * @module
 */

import type { Body, Message } from "./wire.ts";

/**
 * Requests from clients, and the replies that come back.
 *
 * @example
 * ```ts
 * import { createRpc } from "./client_rpc.ts";
 * const rpc = createRpc((src, dest, body) => rpc.deliver({ src: dest, dest: src, body: { type: "echo_ok", in_reply_to: body.msg_id } }));
 * const reply = await rpc.call("c1", "n0", { type: "echo", echo: 1 }, 1000); // { type: "echo_ok", in_reply_to: 1 }
 * ```
 */
export interface Rpc {
  /** Sends `body` (a `msg_id` is added) and resolves with the reply, or null after `timeoutMs`. */
  call(
    client: string,
    node: string,
    body: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<Body | null>;
  /** A message a node sent to a client; replies to nothing pending are ignored. */
  deliver(m: Message): void;
  /** Requests still waiting. */
  readonly pending: number;
  /** Resolves every waiting request with null (the run is over). */
  cancelAll(): void;
}

/**
 * An RPC layer over `send`.
 *
 * @example
 * ```ts
 * import { createRpc } from "./client_rpc.ts";
 * const rpc = createRpc(() => {}); // nobody answers
 * await rpc.call("c1", "n0", { type: "read" }, 1); // null
 * ```
 */
export function createRpc(send: (src: string, dest: string, body: Body) => void): Rpc {
  const ids = new Map<string, number>();
  const waiting = new Map<
    string,
    { done: (b: Body | null) => void; timer: ReturnType<typeof setTimeout> }
  >();
  return {
    call(client, node, body, timeoutMs) {
      const msgId = (ids.get(client) ?? 0) + 1;
      ids.set(client, msgId);
      const key = `${client}:${msgId}`;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          resolve(null);
        }, timeoutMs);
        waiting.set(key, { done: resolve, timer });
        send(client, node, { ...body, type: String(body.type), msg_id: msgId });
      });
    },
    deliver(m) {
      const key = `${m.dest}:${m.body.in_reply_to}`;
      const w = waiting.get(key);
      if (w === undefined) return;
      waiting.delete(key);
      clearTimeout(w.timer);
      w.done(m.body);
    },
    get pending() {
      return waiting.size;
    },
    cancelAll() {
      for (const w of waiting.values()) {
        clearTimeout(w.timer);
        w.done(null);
      }
      waiting.clear();
    },
  };
}
