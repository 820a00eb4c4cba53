/**
 * Runs one of distlab's entry scripts (`torture.ts`, `sim.ts`, …) as its task does, in a
 * child process, and returns its exit code and output.
 *
 * @module
 */

/** The repository's root, as a path. */
const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * Runs `deno run -A ROOT/script args…` with colours off.
 *
 * @example
 * ```ts ignore
 * const r = await runScript("torture.ts", ["--protocol", "lww", "--seeds", "1"]);
 * r.code; // 1: lww fails
 * ```
 */
export async function runScript(
  script: string,
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ROOT + script, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}
