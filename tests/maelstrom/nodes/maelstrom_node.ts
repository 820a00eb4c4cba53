/**
 * A small Maelstrom node library for the TypeScript test nodes: handlers by message
 * type and RPCs that resolve with the reply, over stdin/stdout.
 *
 * @module
 */

/**
 * A message on the wire.
 *
 * @example
 * ```ts
 * import type { Msg } from "./maelstrom_node.ts";
 * const m: Msg = { src: "c1", dest: "n0", body: { type: "read", msg_id: 1 } };
 * ```
 */
export interface Msg {
  src: string;
  dest: string;
  body: { type: string; msg_id?: number; in_reply_to?: number; [k: string]: unknown };
}

/**
 * A node: its id, the cluster, and ways to answer and to ask.
 *
 * @example
 * ```ts ignore
 * import { runNode } from "./maelstrom_node.ts";
 * runNode((node) => ({ echo: (m) => node.reply(m, { type: "echo_ok", echo: m.body.echo }) }));
 * ```
 */
export interface NodeApi {
  id: string;
  ids: string[];
  send(dest: string, body: Record<string, unknown>): number;
  reply(req: Msg, body: Record<string, unknown>): void;
  rpc(dest: string, body: Record<string, unknown>): Promise<Msg>;
}

/**
 * Runs a node whose handlers `make` returns (by message type) until stdin closes.
 *
 * @example
 * ```ts ignore
 * import { runNode } from "./maelstrom_node.ts";
 * await runNode(() => ({}));
 * ```
 */
export async function runNode(
  make: (node: NodeApi) => Record<string, (m: Msg) => void | Promise<void>>,
): Promise<void> {
  const enc = new TextEncoder();
  let nextId = 0;
  const waiting = new Map<number, (m: Msg) => void>();
  const node: NodeApi = {
    id: "",
    ids: [],
    send(dest, body) {
      const msgId = ++nextId;
      const line = JSON.stringify({ src: node.id, dest, body: { ...body, msg_id: msgId } });
      Deno.stdout.writeSync(enc.encode(line + "\n"));
      return msgId;
    },
    reply(req, body) {
      node.send(req.src, { ...body, in_reply_to: req.body.msg_id });
    },
    rpc(dest, body) {
      return new Promise((resolve) => waiting.set(node.send(dest, body), resolve));
    },
  };
  const handlers = make(node);
  const dec = new TextDecoder();
  let rest = "";
  for await (const chunk of Deno.stdin.readable) {
    rest += dec.decode(chunk, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop()!;
    for (const line of lines) {
      if (line.trim() === "") continue;
      const m = JSON.parse(line) as Msg;
      if (m.body.type === "init") {
        node.id = String(m.body.node_id);
        node.ids = m.body.node_ids as string[];
        node.reply(m, { type: "init_ok" });
        continue;
      }
      const cb = m.body.in_reply_to === undefined ? undefined : waiting.get(m.body.in_reply_to);
      if (cb !== undefined) {
        waiting.delete(m.body.in_reply_to!);
        cb(m);
        continue;
      }
      const h = handlers[m.body.type];
      if (h !== undefined) void h(m);
      else node.reply(m, { type: "error", code: 10, text: `not supported: ${m.body.type}` });
    }
  }
}
