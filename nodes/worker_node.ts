/**
 * The entry module of a node's Web Worker (started by `worker_cluster.ts`; not meant to
 * be imported). Its first message says what it hosts: one node (an `init`, or a control
 * message before it), whose messages go to {@link serveDirectNode} — which sends the
 * node's messages to its peers itself when the cluster gives it direct links — or a
 * group of nodes (`group`), served by {@link serveGroup}.
 *
 * @example
 * ```ts ignore
 * const worker = new Worker(new URL("./worker_node.ts", import.meta.url), { type: "module" });
 * worker.postMessage({ type: "init", id: "n1", peers: ["n2"], protocol: "heartbeat",
 *   options: {}, seed: 1, clock: { skew: 0, drift: 0, anchor: 0 },
 *   storage: { kind: "memory", entries: [] }, paused: false, tracing: false });
 * ```
 *
 * @module
 */

import { serveDirectNode } from "./worker/direct_node.ts";
import { serveGroup, type ToGroup } from "./worker/node_group.ts";
import type { ToWorker } from "./worker_protocol.ts";

/** The parts of the Worker global scope this entry uses. */
interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker | ToGroup>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (first: MessageEvent<ToWorker | ToGroup>): void => {
  let handle: (m: ToWorker | ToGroup) => void;
  if (first.data.type === "group") {
    handle = serveGroup((m) => scope.postMessage(m)) as (m: ToWorker | ToGroup) => void;
  } else {
    const node = serveDirectNode((m) => scope.postMessage(m));
    handle = (m) => node.handle(m as ToWorker);
  }
  scope.onmessage = (e) => handle(e.data);
  handle(first.data);
};
