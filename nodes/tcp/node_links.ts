/**
 * The control process's side of node processes that run on their own (`deno task node`):
 * each connects to the API server's `/v1/node-link` (a WebSocket), names itself, and from
 * then on carries the same messages as a Worker (`ToWorker` / `FromWorker`, serialized
 * as `postMessage` would). {@link NodeLinks.attach} hands the cluster a
 * {@link NodeWorker} for a named node, so the cluster drives it like any other host —
 * except that its messages to peers go straight to them over TCP (`peer_transport.ts`)
 * and come back here only as counts and trace events (a `links` report).
 *
 * A node that connects before the cluster asks for it waits; one that names an id the
 * cluster does not have, or one already connected, is refused with a reason (the node
 * process prints it and exits). A crash (`terminate`) tells the process to exit at once
 * (exit code 137, as a `SIGKILL` would leave it); a restart waits for the node to connect
 * again — a new `deno task node` started from the same data directory.
 *
 * With a token (the cluster's `--token`), a node must present it as
 * `Authorization: Bearer <token>` when it connects, as every API call must; one that does
 * not is refused with a reason, like any other refused node.
 *
 * @module
 */

import { deserialize, serialize } from "node:v8";
import type { NodeId } from "../../protocols/node.ts";
import type { NodeWorker } from "../process/process_worker.ts";
import type { FromWorker, ToWorker } from "../worker_protocol.ts";
import { sameSecret } from "../same_secret.ts";

/** The path node processes connect to on the control process's HTTP server. */
export const NODE_LINK_PATH = "/v1/node-link";

/**
 * What a node process says first, and what control says back (besides `ToWorker`).
 *
 * @example
 * ```ts
 * import type { LinkHello } from "./node_links.ts";
 * const h: LinkHello = { type: "hello", id: "n1", pid: 4242, listen: "127.0.0.1:7001", protocol: "raft-kv" };
 * ```
 */
export interface LinkHello {
  readonly type: "hello";
  readonly id: NodeId;
  readonly pid: number;
  /** Where it listens for its peers. */
  readonly listen: string;
  /** The protocol it was started with (`--protocol`), if any. */
  readonly protocol?: string;
}

/**
 * Control → node, besides every `ToWorker` message.
 *
 * @example
 * ```ts
 * import type { LinkControl } from "./node_links.ts";
 * const m: LinkControl = { type: "reject", reason: "node id 'n1' is already connected" };
 * ```
 */
export type LinkControl =
  | { readonly type: "welcome" }
  | { readonly type: "reject"; readonly reason: string }
  | { readonly type: "kill" };

/** A connected node, attached or waiting to be. */
interface Live {
  readonly socket: WebSocket;
  readonly hello: LinkHello;
  worker: RemoteNode | null;
}

/** A {@link NodeWorker} whose node is a process that connected over the network. */
interface RemoteNode extends NodeWorker {
  pid?: number;
  bind(live: Live): void;
  gone(why: string): void;
}

/**
 * The node processes a cluster waits for.
 *
 * @example
 * ```ts ignore
 * import { NodeLinks } from "./node_links.ts";
 * const links = new NodeLinks(["n1", "n2", "n3"], console.error);
 * Deno.serve((req) => links.handles(req) ? links.accept(req) : new Response("api"));
 * const n1 = links.attach("n1"); // a NodeWorker; messages wait until n1 connects
 * ```
 */
export class NodeLinks {
  readonly #ids: ReadonlySet<NodeId>;
  readonly #log: (line: string) => void;
  readonly #live = new Map<NodeId, Live>();
  readonly #waiting = new Map<NodeId, RemoteNode>();
  readonly #token: string | undefined;
  #closed = false;

  /** `token`: the cluster's; node processes must present it (none: loopback only). */
  constructor(ids: readonly NodeId[], log: (line: string) => void, token?: string) {
    this.#ids = new Set(ids);
    this.#log = log;
    this.#token = token;
  }

  /** Whether `id` is a node this control process waits for. */
  has(id: NodeId): boolean {
    return this.#ids.has(id);
  }

  /** The ids connected now. */
  get connected(): NodeId[] {
    return [...this.#live.keys()];
  }

  /** Whether `req` is a node process connecting. */
  handles(req: Request): boolean {
    return new URL(req.url).pathname === NODE_LINK_PATH;
  }

  /** Accepts a node process's connection (a WebSocket upgrade). */
  accept(req: Request): Response {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response(
        JSON.stringify({
          type: "about:blank",
          title: "Upgrade Required",
          status: 426,
          detail: `${NODE_LINK_PATH} is for node processes (a WebSocket)`,
        }),
        { status: 426, headers: { "content-type": "application/problem+json" } },
      );
    }
    const denied = this.#denied(req);
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.binaryType = "arraybuffer";
    if (denied !== null) {
      // Upgraded only to say why: the node process prints the reason and exits.
      this.#log(`control: refused a node link: ${denied}`);
      // Answered at its hello, when the node is sure to be listening.
      socket.onmessage = () => {
        send(socket, { type: "reject", reason: denied });
        socket.close(1008, "refused");
      };
      socket.onerror = () => {};
      return response;
    }
    let live: Live | null = null;
    socket.onmessage = (e) => {
      let m: LinkHello | FromWorker;
      try {
        m = deserialize(new Uint8Array(e.data as ArrayBuffer)) as LinkHello | FromWorker;
      } catch (err) {
        this.#log(`control: refused a node link: undecodable message (${String(err)})`);
        socket.close(1003, "undecodable");
        return;
      }
      if (live === null) {
        live = this.#hello(socket, m);
        return;
      }
      live.worker?.onmessage?.(new MessageEvent("message", { data: m as FromWorker }));
    };
    socket.onclose = () => {
      if (live === null) return;
      if (this.#live.get(live.hello.id) === live) this.#live.delete(live.hello.id);
      live.worker?.gone(`node process ${live.hello.id} (pid ${live.hello.pid}) disconnected`);
    };
    socket.onerror = () => {};
    return response;
  }

  /**
   * A {@link NodeWorker} for `id`: bound to its process now if it is connected, else as
   * soon as it connects. Messages posted meanwhile wait.
   */
  attach(id: NodeId): NodeWorker {
    const queued: ToWorker[] = [];
    let live: Live | null = null;
    let ended = false;
    const node: RemoteNode = {
      onmessage: null,
      onerror: null,
      onmessageerror: null,
      postMessage(m: ToWorker): void {
        if (ended) return;
        if (live === null) queued.push(m);
        else send(live.socket, m);
      },
      terminate: () => {
        if (ended) return;
        ended = true;
        if (this.#waiting.get(id) === node) this.#waiting.delete(id);
        if (live !== null) {
          send(live.socket, { type: "kill" });
          live.worker = null;
          // Gone now, not when its socket closes: a restart must wait for a new process.
          if (this.#live.get(id) === live) this.#live.delete(id);
          try {
            live.socket.close(1000, "killed");
          } catch {
            // already closed
          }
        }
      },
      bind(l: Live): void {
        live = l;
        l.worker = node;
        node.pid = l.hello.pid;
        for (const m of queued.splice(0)) send(l.socket, m);
      },
      gone(why: string): void {
        if (ended) return;
        ended = true;
        node.onerror?.(new ErrorEvent("error", { message: why }));
      },
    };
    const now = this.#live.get(id);
    if (now !== undefined && now.worker === null) node.bind(now);
    else this.#waiting.set(id, node);
    return node;
  }

  /** Closes every node link (the nodes exit). */
  close(): void {
    this.#closed = true;
    for (const l of this.#live.values()) {
      try {
        l.socket.close(1001, "control is closing");
      } catch {
        // already closed
      }
    }
    this.#live.clear();
    this.#waiting.clear();
  }

  /** Why `req` may not link a node (no token, a wrong one), or null. */
  #denied(req: Request): string | null {
    if (this.#token === undefined) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
    if (m === null) return "this cluster requires a token: start the node with --token";
    return sameSecret(m[1]!, this.#token) ? null : "the node's --token is not the cluster's";
  }

  #hello(socket: WebSocket, m: LinkHello | FromWorker): Live | null {
    const refuse = (reason: string): null => {
      this.#log(`control: refused a node link: ${reason}`);
      send(socket, { type: "reject", reason });
      socket.close(1008, "refused");
      return null;
    };
    if (this.#closed) return refuse("the cluster is closing");
    if (m.type !== "hello" || typeof (m as LinkHello).id !== "string") {
      return refuse("the first message is not a hello");
    }
    const hello = m as LinkHello;
    if (!this.#ids.has(hello.id)) {
      return refuse(
        `node id '${hello.id}' is not in this cluster (nodes: ${[...this.#ids].join(", ")})`,
      );
    }
    const old = this.#live.get(hello.id);
    if (old !== undefined) {
      return refuse(
        `node id '${hello.id}' collides: it is already connected (pid ${old.hello.pid}, ` +
          `listening on ${old.hello.listen})`,
      );
    }
    const live: Live = { socket, hello, worker: null };
    this.#live.set(hello.id, live);
    send(socket, { type: "welcome" });
    this.#log(`control: node ${hello.id} connected (pid ${hello.pid}, peers at ${hello.listen})`);
    const waiting = this.#waiting.get(hello.id);
    if (waiting !== undefined) {
      this.#waiting.delete(hello.id);
      waiting.bind(live);
    }
    return live;
  }
}

function send(socket: WebSocket, m: ToWorker | LinkControl): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(serialize(m));
}
