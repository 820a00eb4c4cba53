/**
 * `deno task cluster` (`main.ts`) as a child process: started with the permissions the
 * task grants, up once it prints its banner (the API address), its stdout kept read so
 * a full pipe never blocks it. Used by the whole-process kill harness, its benchmark and
 * the end-to-end tests.
 *
 * @module
 */

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** A running cluster process. */
export interface ClusterProcess {
  /** The API's base, e.g. `http://127.0.0.1:41234` (no `/api/v1`). */
  readonly url: string;
  readonly child: Deno.ChildProcess;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Resolves once stdout has closed (the process is gone or closing). */
  readonly drained: Promise<void>;
}

/**
 * Starts `main.ts` with `args`; resolves once it printed its banner, or throws (the
 * child killed) when it exits first or `deadlineMs` passes.
 *
 * @example
 * ```ts ignore
 * import { startClusterProcess } from "./cluster_process.ts";
 * const p = await startClusterProcess(["--port", "0", "--nodes", "3"], { deadlineMs: 60_000 });
 * p.child.kill("SIGINT");
 * ```
 */
export async function startClusterProcess(
  args: readonly string[],
  o: { readonly deadlineMs: number; readonly stderr?: "inherit" | "null" },
): Promise<ClusterProcess> {
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
    stderr: o.stderr ?? "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), o.deadlineMs);
  try {
    while (!/Ctrl-C/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the cluster did not start: ${text.slice(0, 500)}`);
      text += value;
    }
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    throw e;
  } finally {
    clearTimeout(timer);
  }
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  })();
  const url = /API: (\S+)\/api\/v1/.exec(text)?.[1];
  if (url === undefined) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`no API address in: ${text.slice(0, 500)}`);
  }
  return { url, child, output: () => text, drained };
}
