/**
 * Starts the real `deno task cluster` (`main.ts`) as a child process for end-to-end
 * tests, waits until it prints its API URL, and stops it with SIGINT.
 *
 * @module
 */

import assert from "node:assert/strict";
import { deadlineMs, within } from "../support/deadline.ts";
import { startClusterProcess } from "../../torture/cluster_process.ts";

/** A running `main.ts`. */
export interface Server {
  readonly url: string;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** SIGINT (or `signal`), then the exit code (the process must stop cleanly). */
  stop(signal?: Deno.Signal): Promise<number>;
}

/**
 * Spawns `main.ts` with `args` and resolves once it has printed its API URL.
 *
 * @example
 * ```ts ignore
 * const server = await startMain("--port", "0", "--nodes", "3");
 * await server.stop(); // 0
 * ```
 */
export async function startMain(...args: string[]): Promise<Server> {
  const started = performance.now();
  let p;
  try {
    p = await startClusterProcess(args, { deadlineMs: deadlineMs("long"), stderr: "inherit" });
  } catch (e) {
    assert.fail(`main.ts did not print its API URL: ${(e as Error).message}`);
  }
  console.log(`  cluster up in ${Math.round(performance.now() - started)} ms at ${p.url}`);
  let stopped = false;
  const { child } = p;
  return {
    url: p.url,
    output: p.output,
    async stop(signal: Deno.Signal = "SIGINT") {
      if (stopped) return (await child.status).code;
      stopped = true;
      child.kill(signal);
      const drain = async () => {
        await p.drained;
        return (await child.status).code;
      };
      try {
        return await within("main.ts stops after SIGINT", drain(), "short");
      } catch (e) {
        child.kill("SIGKILL");
        await child.status;
        throw e;
      }
    },
  };
}
