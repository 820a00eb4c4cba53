/**
 * Runs `maelstrom test` in-process for the tests: a fresh store in a temporary folder,
 * the printed lines collected, and a deadline on the whole run.
 *
 * @module
 */

import { parseTestArgs } from "../../maelstrom/args.ts";
import { type RunOutcome, runTest } from "../../maelstrom/run.ts";
import { deadlineMs, within } from "../support/deadline.ts";

/** The test nodes' folder. */
export const NODES: string = new URL("./nodes/", import.meta.url).pathname;

/**
 * A test node written in TypeScript, as a `--bin` command.
 *
 * @example
 * ```ts
 * import { tsNode } from "./harness.ts";
 * tsNode("g_counter.ts").endsWith("g_counter.ts"); // true
 * ```
 */
export function tsNode(file: string): string {
  return `${Deno.execPath()} run --quiet ${NODES}${file}`;
}

/**
 * A run's outcome and what it printed.
 *
 * @example
 * ```ts
 * import type { Run } from "./harness.ts";
 * const show = (r: Run) => r.lines.join("\n");
 * ```
 */
export interface Run extends RunOutcome {
  readonly lines: string[];
}

/**
 * Runs `maelstrom test ARGS` with its store in a temporary folder (removed afterwards
 * unless the run was unexpected — pass `keep`), within the `long` deadline.
 *
 * @example
 * ```ts ignore
 * import { maelstrom } from "./harness.ts";
 * const r = await maelstrom(["-w", "echo", "--bin", "./echo.py", "--time-limit", "1"]);
 * ```
 */
export async function maelstrom(args: readonly string[]): Promise<Run> {
  const store = await Deno.makeTempDir({ prefix: "distlab-maelstrom-" });
  const lines: string[] = [];
  try {
    const o = parseTestArgs([
      "test",
      "--store",
      store,
      "--init-timeout",
      String(deadlineMs("short") / 1000),
      ...args,
    ]);
    const r = await within(
      `maelstrom test ${args.join(" ")}`,
      runTest(o, (l) => lines.push(l)),
      "long",
    );
    if (r.dir !== null && r.exitCode !== 2) {
      // Every run leaves its files: check they are there before they go.
      for (const f of ["history.jsonl", "messages.jsonl", "results.json"]) {
        await Deno.stat(`${r.dir}/${f}`);
      }
    }
    return { ...r, lines };
  } finally {
    await Deno.remove(store, { recursive: true });
  }
}

/**
 * The printed lines, for an assertion's message.
 *
 * @example
 * ```ts
 * import { shown } from "./harness.ts";
 * shown({ lines: ["a", "b"] }); // "a\nb"
 * ```
 */
export function shown(r: { lines: readonly string[] }): string {
  return r.lines.join("\n");
}

/**
 * `deno task maelstrom ARGS` as a command: the task's permissions, run from the
 * project's folder, its output piped.
 *
 * @example
 * ```ts
 * import { maelstromCommand } from "./harness.ts";
 * const cmd = maelstromCommand(["test", "-w", "echo", "--bin", "./echo.py"]); // cmd.output() runs it
 * ```
 */
export function maelstromCommand(args: readonly string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      "--allow-net",
      "maelstrom.ts",
      ...args,
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  });
}
