/**
 * The entry of a node's OS process (started by `process/process_worker.ts`; not meant
 * to be imported): frames on stdin go to {@link serveNode}, its answers to stdout. The
 * process ends when its stdin does (the cluster is gone), so no node outlives it.
 *
 * @example
 * ```ts ignore
 * // deno run --allow-read --allow-write --allow-env nodes/process_node.ts n1
 * ```
 *
 * @module
 */

import { serveNode } from "./node_entry.ts";
import { streamChannel } from "./process/stream_channel.ts";
import type { FromWorker, ToWorker } from "./worker_protocol.ts";

// stdout carries frames: a protocol's stray console.log must not corrupt them.
console.log = console.info = console.debug = console.error;

const channel = streamChannel<ToWorker, FromWorker>(
  Deno.stdin.readable,
  Deno.stdout.writable,
  (m) => onMessage(m),
  (e) => {
    if (e !== undefined) console.error(`node ${Deno.args[0] ?? "?"}: ${e.message}`);
    Deno.exit(e === undefined ? 0 : 1);
  },
);
const onMessage = serveNode((m) => channel.send(m));
