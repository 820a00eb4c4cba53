/**
 * `deno task cli <command>`: drive a running cluster through its HTTP API — read its
 * state, use its key-value store, inject faults, watch its events. `deno task cli help`
 * lists the commands; the commands themselves live in `cli/`.
 *
 * @example
 * ```sh
 * deno task cli put greeting '"hello"'
 * deno task cli partition n1,n2 n3,n4,n5
 * deno task cli watch --kind election,role
 * ```
 *
 * @module
 */

import { denoIo } from "./cli/io.ts";
import { runCli } from "./cli/main.ts";

if (import.meta.main) {
  const io = denoIo();
  let code: number;
  try {
    code = await runCli(Deno.args, io);
  } catch (e) {
    io.err(`error: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
    code = 1;
  } finally {
    io.dispose();
  }
  Deno.exit(code);
}
