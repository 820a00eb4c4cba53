/**
 * What a node's host does with the messages of the control side, wherever the node runs:
 * in a Web Worker (`worker_node.ts`) or in an OS process of its own (`process_node.ts`).
 * It waits for an `init` message, starts a {@link NodeRuntime} and hands it every later
 * message; messages that arrive while the node is still starting (its protocol module
 * loading, its file store opening) are queued and handled in order.
 *
 * @module
 */

import { NodeRuntime, oneLine } from "./worker/node_runtime.ts";
import { StorageCorruptedError } from "./storage/file_store.ts";
import { StorageFault } from "../protocols/storage.ts";
import type { FromWorker, InitMessage, ToWorker } from "./worker_protocol.ts";

/**
 * Serves one node: returns the function to call with each message from the control
 * side; answers go to `post`.
 *
 * @example
 * ```ts
 * import { serveNode } from "./node_entry.ts";
 * const answers: unknown[] = [];
 * const onMessage = serveNode((m) => answers.push(m));
 * onMessage({ type: "pause" }); // queued until an init arrives
 * answers.length; // 0
 * ```
 */
export function serveNode(post: (m: FromWorker) => void): (m: ToWorker) => void {
  let runtime: NodeRuntime | null = null;
  let failed = false;
  let queued: ToWorker[] = [];

  const close = async (): Promise<void> => {
    try {
      await runtime?.close();
    } finally {
      runtime = null;
      post({ type: "closed" });
    }
  };
  const kill = async (): Promise<void> => {
    try {
      await runtime?.kill();
    } finally {
      runtime = null;
      post({ type: "closed" });
    }
  };
  const handle = (m: ToWorker): void => {
    if (m.type === "close") void close();
    else if (m.type === "kill") void kill();
    else if (runtime !== null) runtime.handle(m);
  };
  const start = async (init: InitMessage): Promise<void> => {
    try {
      runtime = await NodeRuntime.start(init, post);
    } catch (e) {
      failed = true;
      post(
        e instanceof StorageCorruptedError
          ? { type: "failed", error: oneLine(e), storageCorrupted: true }
          : e instanceof StorageFault
          ? { type: "failed", error: oneLine(e), storageFault: e.kind }
          : { type: "failed", error: oneLine(e) },
      );
    }
    const backlog = queued;
    queued = [];
    for (const m of backlog) handle(m);
  };
  return (m: ToWorker): void => {
    if (m.type === "init") void start(m);
    else if (runtime === null && !failed) queued.push(m);
    else handle(m);
  };
}
