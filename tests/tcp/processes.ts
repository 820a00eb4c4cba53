/**
 * What the TCP end-to-end tests need to run distlab's processes on loopback: spawn an
 * entry script with its stderr collected, pick a free port, kill what was started.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** The loopback address the tests listen on. */
export const HOST = "127.0.0.1";

/**
 * A started process and what it printed on stderr so far.
 *
 * @example
 * ```ts ignore
 * const p: Proc = spawnScript("node.ts", ["--help"]);
 * ```
 */
export interface Proc {
  readonly child: Deno.ChildProcess;
  /** Everything it printed on stderr so far. */
  readonly err: () => string;
}

/**
 * Starts `deno run -A --quiet ROOT/script args…` (stdin and stdout closed).
 *
 * @example
 * ```ts ignore
 * const control = spawnScript("main.ts", ["--external", "n1,n2,n3", "--port", "0"]);
 * ```
 */
export function spawnScript(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Proc {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", new URL(script, ROOT).pathname, ...args],
    cwd: ROOT.pathname,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  void (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) text += dec.decode(chunk, { stream: true });
  })();
  return { child, err: () => text };
}

/**
 * A port free on {@link HOST} a moment ago (another process may take it in between).
 *
 * @example
 * ```ts ignore
 * const port = freePort();
 * ```
 */
export function freePort(): number {
  const l = Deno.listen({ hostname: HOST, port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}
