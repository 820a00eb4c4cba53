/**
 * `deno task maelstrom test -w WORKLOAD --bin PROGRAM …`: runs any program that speaks
 * Maelstrom's protocol as the nodes of a cluster, under distlab's fault model, with
 * Maelstrom's workloads and checkers. Exit 0 valid, 1 invalid, 2 bad input.
 *
 * @module
 */

import { parseTestArgs, USAGE } from "./maelstrom/args.ts";
import { runTest } from "./maelstrom/run.ts";

/**
 * Runs the command line `args`; resolves with the exit code.
 *
 * @example
 * ```ts ignore
 * import { main } from "./maelstrom.ts";
 * await main(["test", "-w", "echo", "--bin", "./echo.py", "--time-limit", "3"]); // 0
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseTestArgs(args);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    console.error(USAGE);
    return 2;
  }
  const r = await runTest(options, (line) => console.log(line));
  return r.exitCode;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
