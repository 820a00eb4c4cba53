/**
 * A node in an OS process of its own, behind the same surface as a Web Worker
 * (`postMessage`, `onmessage`, `onerror`, `terminate`), so the Worker cluster runs
 * process nodes with no other change: `deno task cluster --processes`. Pause is a real
 * `SIGSTOP` and resume a `SIGCONT` ({@link NodeWorker.signal}). The child is
 * `deno run nodes/process_node.ts`; messages cross its stdin and stdout as frames.
 * `terminate()` is a real `SIGKILL`, and a child that dies by any other means (a
 * `kill -9` from a shell, an out-of-memory kill) is reported through `onerror`, so the
 * cluster marks the node crashed and a restart starts a new process.
 *
 * @module
 */

import type { FromWorker, ToWorker } from "../worker_protocol.ts";
import { type StreamChannel, streamChannel } from "./stream_channel.ts";

/** What the cluster uses of a node's host: a Web Worker, or a {@link spawnProcessNode}. */
export interface NodeWorker {
  /** Messages from the node. */
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null;
  /** The node's host failed (an uncaught error, or the process died). */
  onerror: ((e: ErrorEvent) => void) | null;
  /** A message from the node could not be decoded. */
  onmessageerror: ((e: MessageEvent) => void) | null;
  /** Sends a message to the node. */
  postMessage(message: ToWorker): void;
  /** Stops the node at once (a process: `SIGKILL`). */
  terminate(): void;
  /**
   * Sends the host an OS signal (a process only: `SIGSTOP` to freeze it, `SIGCONT` to
   * let it go on). A Worker has none: its pause is a message.
   */
  signal?(sig: Deno.Signal): void;
}

/** A node process: a {@link NodeWorker} with the operating system's process id. */
export interface ProcessNode extends NodeWorker {
  /** The child's process id (for `kill -9` from outside). */
  readonly pid: number;
}

const ENTRY = new URL("../process_node.ts", import.meta.url);
const CONFIG = new URL("../../deno.json", import.meta.url);

/**
 * Starts one node process. The child gets the permissions a node needs (read and write
 * its data directory, read its protocol module, the environment) and nothing else.
 *
 * @example
 * ```ts ignore
 * import { spawnProcessNode } from "./process_worker.ts";
 * const node = spawnProcessNode("n1");
 * node.onmessage = (e) => console.log(e.data);
 * node.terminate();
 * ```
 */
export function spawnProcessNode(name: string): ProcessNode {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      `--config=${CONFIG.pathname}`,
      ENTRY.pathname,
      name,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let ended = false;
  const node: ProcessNode = {
    pid: child.pid,
    onmessage: null,
    onerror: null,
    onmessageerror: null,
    postMessage: (m) => channel.send(m),
    signal(sig: Deno.Signal): void {
      if (ended) return;
      try {
        child.kill(sig);
      } catch {
        // gone: its end is reported by the status watcher
      }
    },
    terminate(): void {
      if (ended) return;
      ended = true;
      channel.close();
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    },
  };
  const died = (why: string): void => {
    if (ended) return;
    ended = true;
    channel.close();
    node.onerror?.(new ErrorEvent("error", { message: why }));
  };
  const channel: StreamChannel<ToWorker> = streamChannel<FromWorker, ToWorker>(
    child.stdout,
    child.stdin,
    (m) => node.onmessage?.(new MessageEvent("message", { data: m })),
    (e) => {
      if (e !== undefined) {
        died(`node process ${name} (pid ${child.pid}) sent bad data: ${e.message}`);
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  );
  child.status.then((s) => {
    const how = s.signal !== null ? `was killed by ${s.signal}` : `exited with code ${s.code}`;
    died(`node process ${name} (pid ${child.pid}) ${how}`);
  });
  return node;
}
