/**
 * The entry module of a node's Web Worker (started by `worker_cluster.ts`; not meant to
 * be imported): the Worker's messages go to {@link serveDirectNode}, which sends the
 * node's messages to its peers itself when the cluster gives it direct links.
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
import type { FromWorker, ToWorker } from "./worker_protocol.ts";

/** The parts of the Worker global scope this entry uses. */
interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = globalThis as unknown as WorkerScope;
const onMessage = serveDirectNode((m) => scope.postMessage(m));
scope.onmessage = (e: MessageEvent<ToWorker>): void => onMessage(e.data);
