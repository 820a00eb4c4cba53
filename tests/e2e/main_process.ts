/**
 * Starts the real `deno task cluster` (`main.ts`) as a child process for end-to-end
 * tests, waits until it prints its API URL, and stops it with SIGINT.
 *
 * @module
 */

import assert from "node:assert/strict";
import { within } from "../support/deadline.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

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
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-net",
      "--allow-env",
      "--allow-run", // --processes
      MAIN,
      ...args,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const started = performance.now();
  const readBanner = async () => {
    while (!/Ctrl-C/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  };
  try {
    await within("main.ts prints its API URL", readBanner(), "long");
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    assert.fail(`${(e as Error).message}; it printed: ${text}`);
  }
  const api = /API: (\S+)\/api\/v1/.exec(text)?.[1];
  if (api === undefined) {
    child.kill("SIGKILL");
    await child.status;
    assert.fail(`the cluster did not start: ${text}`);
  }
  console.log(`  cluster up in ${Math.round(performance.now() - started)} ms at ${api}`);
  let stopped = false;
  // Keep reading stdout, so a full pipe never blocks it and tests can read what it says.
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  })();
  return {
    url: api,
    output: () => text,
    async stop(signal: Deno.Signal = "SIGINT") {
      if (stopped) return (await child.status).code;
      stopped = true;
      child.kill(signal);
      const drain = async () => {
        await drained;
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
