/**
 * A Worker that hosts a group of nodes, so that a cluster of hundreds of nodes runs on
 * a few threads. Each node is served as in a Worker of its own ({@link serveDirectNode}:
 * its runtime, its storage, the fault model on its sending side), and its messages to
 * any peer — in this Worker or another — take the same path: the sender's fault model,
 * then, on the port to the peer's Worker, one `postMessage` per destination Worker for
 * everything its nodes send in one task (a loopback channel for a peer in this one, so
 * that a message is copied and arrives in a task of its own, as between Workers): a
 * campaign to 255 peers in 16 Workers is 16 posts, not 255. The main thread talks to each node through
 * envelopes that name it and its incarnation (`gen`); a crash stops one node (`kill`),
 * not the Worker.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import type { FromWorker, ToWorker, WireDelivery } from "../worker_protocol.ts";
import { type DirectNode, serveDirectNode } from "./direct_node.ts";

/**
 * Main → a group's Worker.
 *
 * - `group` (first): this Worker's group number and every node's group;
 * - `group-port`: the port to another group's Worker;
 * - `group-map`: a node joined `group` (or, null, left the cluster);
 * - `group-up`: a node runs (again), or is down: what is sent to it is dropped;
 * - `hosted`: a message for one of its nodes, `gen` naming the incarnation.
 *
 * @example
 * ```ts
 * import type { ToGroup } from "./node_group.ts";
 * const m: ToGroup = { type: "group-up", node: "n3", up: false };
 * ```
 */
export type ToGroup =
  | {
    readonly type: "group";
    readonly index: number;
    readonly groups: Readonly<Record<NodeId, number>>;
    readonly down: readonly NodeId[];
  }
  | { readonly type: "group-port"; readonly group: number; readonly port: MessagePort }
  | { readonly type: "group-map"; readonly node: NodeId; readonly group: number | null }
  | { readonly type: "group-up"; readonly node: NodeId; readonly up: boolean }
  | { readonly type: "hosted"; readonly node: NodeId; readonly gen: number; readonly m: ToWorker };

/**
 * A group's Worker → main: a message of one hosted node's incarnation.
 *
 * @example
 * ```ts
 * import type { FromGroup } from "./node_group.ts";
 * const m: FromGroup = { type: "from", node: "n2", gen: 4, m: { type: "closed" } };
 * ```
 */
export interface FromGroup {
  readonly type: "from";
  readonly node: NodeId;
  readonly gen: number;
  readonly m: FromWorker;
}

/** What travels between nodes: a batch for one of the receiving Worker's nodes. */
interface PeerBatch {
  readonly to: NodeId;
  readonly batch: WireDelivery[];
}

/**
 * Serves a group of nodes: returns the function to call with each {@link ToGroup}.
 *
 * @example
 * ```ts
 * import { serveGroup } from "./node_group.ts";
 * const out: unknown[] = [];
 * const onMessage = serveGroup((m) => out.push(m));
 * onMessage({ type: "group", index: 0, groups: { n1: 0 }, down: [] });
 * onMessage({ type: "group-up", node: "n1", up: false });
 * out.length; // 0
 * ```
 */
export function serveGroup(post: (m: FromGroup) => void): (m: ToGroup) => void {
  let index = -1;
  const groupOf = new Map<NodeId, number>();
  const ports = new Map<number, MessagePort>();
  const down = new Set<NodeId>();
  const hosted = new Map<NodeId, { readonly gen: number; readonly node: DirectNode }>();
  /** Incarnations being killed, by node: a restart waits for its storage to close. */
  const dying = new Map<NodeId, Promise<void>>();
  const ending = new Map<string, () => void>();
  const loop = new MessageChannel();

  const dispatch = (e: MessageEvent<PeerBatch[]>): void => {
    for (const { to, batch } of e.data) {
      hosted.get(to)?.node.arrive(batch); // not here: it went down on the way
    }
  };
  loop.port2.onmessage = dispatch;
  /** Batches for each destination Worker's port, posted together at the end of the task. */
  const outgoing = new Map<MessagePort, PeerBatch[]>();
  let flushQueued = false;
  const flush = (): void => {
    flushQueued = false;
    for (const [port, batches] of outgoing) port.postMessage(batches);
    outgoing.clear();
  };
  const route = (to: NodeId, batch: WireDelivery[]): boolean => {
    if (down.has(to)) return false;
    const g = groupOf.get(to);
    const port = g === index ? loop.port1 : g === undefined ? undefined : ports.get(g);
    if (port === undefined) return false;
    const batches = outgoing.get(port);
    if (batches === undefined) outgoing.set(port, [{ to, batch }]);
    else batches.push({ to, batch });
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flush); // after every node's sends of this task (their own microtasks)
    }
    return true;
  };
  const start = (id: NodeId, gen: number, init: ToWorker): void => {
    const node = serveDirectNode((m) => {
      if (m.type === "closed") {
        if (hosted.get(id)?.gen === gen) hosted.delete(id);
        ending.get(`${id}#${gen}`)?.();
      }
      post({ type: "from", node: id, gen, m });
    }, route);
    hosted.set(id, { gen, node });
    const before = dying.get(id);
    if (before === undefined) return node.handle(init);
    // Its last incarnation still closes its file: the new one opens it after.
    void before.then(() => node.handle(init));
  };
  const kill = (id: NodeId, gen: number): void => {
    const h = hosted.get(id);
    if (h === undefined || h.gen !== gen) return;
    hosted.delete(id); // nothing more reaches it
    const key = `${id}#${gen}`;
    const done = new Promise<void>((resolve) => ending.set(key, resolve)).then(() => {
      ending.delete(key);
      if (dying.get(id) === done) dying.delete(id);
    });
    dying.set(id, done);
    h.node.handle({ type: "kill" });
  };

  return (m: ToGroup): void => {
    switch (m.type) {
      case "group":
        index = m.index;
        for (const [node, g] of Object.entries(m.groups)) groupOf.set(node, g);
        for (const node of m.down) down.add(node);
        return;
      case "group-port":
        ports.set(m.group, m.port);
        m.port.onmessage = dispatch;
        return;
      case "group-map":
        if (m.group === null) groupOf.delete(m.node);
        else groupOf.set(m.node, m.group);
        return;
      case "group-up":
        if (m.up) down.delete(m.node);
        else down.add(m.node);
        return;
      case "hosted": {
        if (m.m.type === "init") return start(m.node, m.gen, m.m);
        if (m.m.type === "kill") return kill(m.node, m.gen);
        const h = hosted.get(m.node);
        if (h !== undefined && h.gen === m.gen) h.node.handle(m.m);
        return;
      }
    }
  };
}
