/**
 * The entry module of a node's Web Worker (started by `worker_cluster.ts`; not meant to
 * be imported). It waits for an `init` message, starts a {@link NodeRuntime} and hands
 * it every later message; messages that arrive while the node is still starting (its
 * protocol module loading, its file store opening) are queued and handled in order.
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

import { NodeRuntime, oneLine } from "./worker/node_runtime.ts";
import { StorageCorruptedError } from "./storage/file_store.ts";
import type { FromWorker, InitMessage, ToWorker } from "./worker_protocol.ts";

/** The parts of the Worker global scope this entry uses. */
interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = globalThis as unknown as WorkerScope;
const post = (m: FromWorker): void => scope.postMessage(m);

let runtime: NodeRuntime | null = null;
let failed = false;
let queued: ToWorker[] = [];

scope.onmessage = (e: MessageEvent<ToWorker>): void => {
  const m = e.data;
  if (m.type === "init") {
    void start(m);
  } else if (runtime === null && !failed) {
    queued.push(m);
  } else {
    handle(m);
  }
};

function handle(m: ToWorker): void {
  if (m.type === "close") {
    void close();
  } else if (runtime !== null) {
    runtime.handle(m);
  }
}

async function start(init: InitMessage): Promise<void> {
  try {
    runtime = await NodeRuntime.start(init, post);
  } catch (e) {
    failed = true;
    post(
      e instanceof StorageCorruptedError
        ? { type: "failed", error: oneLine(e), storageCorrupted: true }
        : { type: "failed", error: oneLine(e) },
    );
  }
  const backlog = queued;
  queued = [];
  for (const m of backlog) handle(m);
}

async function close(): Promise<void> {
  try {
    await runtime?.close();
  } finally {
    runtime = null;
    post({ type: "closed" });
  }
}
