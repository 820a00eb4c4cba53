/**
 * `deno task node`: one node as an OS process of its own, talking to its peers over TCP
 * and started by a control process (`deno task cluster --external n1,n2,n3`).
 *
 *   deno task node --id n1 --listen 127.0.0.1:7001 \
 *     --peers n2=127.0.0.1:7002,n3=127.0.0.1:7003 --control http://127.0.0.1:8080 \
 *     --data-dir DIR --protocol raft-kv
 *
 * Exit codes: 0 when control closed the node, 1 when it refused it, could not be reached
 * or went away, 2 on bad arguments, 137 when control crashed it.
 *
 * @module
 */

import { NODE_USAGE, parseNodeArgs } from "./args/node_args.ts";
import { UsageError } from "./args/cluster_args.ts";
import { runTcpNode } from "./nodes/tcp/tcp_node.ts";

/**
 * Runs `deno task node` with `argv`; resolves with the exit code.
 *
 * @example
 * ```ts
 * import { main } from "./node.ts";
 * await main(["--id", "n1"]); // 2: --listen is required
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseNodeArgs(argv, (name) => Deno.env.get(name));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`distlab node: ${e.message} (see --help)`);
    return 2;
  }
  if (args.help) {
    console.log(NODE_USAGE);
    return 0;
  }
  // A protocol's stray console.log goes with the node's log lines, to stderr.
  console.log = console.info = console.debug = console.error;
  try {
    return await runTcpNode({ ...args, onKill: () => Deno.exit(137) });
  } catch (e) {
    console.error(`distlab node ${args.id}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
