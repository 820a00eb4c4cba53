/**
 * The CLI run against an in-process API over a fake cluster (no network, no retries), for
 * CLI tests that check both what was printed and what reached the cluster.
 *
 * @module
 */

import assert from "node:assert/strict";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import type { Api } from "../../http/app.ts";
import { fakeApi, type FakeCluster } from "../http/fake_cluster.ts";

/**
 * One CLI run: its exit code and the lines it printed.
 *
 * @example
 * ```ts ignore
 * import type { CliRun } from "./fake_cli.ts";
 * const status = (cli: CliRun) => cli("status");
 * ```
 */
export type CliRun = (
  ...argv: string[]
) => Promise<{ code: number; out: string[]; err: string[] }>;

/**
 * Runs `fn` with a CLI wired to an API over a new fake cluster; returns the fake.
 *
 * @example
 * ```ts ignore
 * import { withFakeCli } from "./fake_cli.ts";
 * await withFakeCli({ protocol: "raft-kv" }, async (cli, fake) => {
 *   await cli("crash", "n2");
 * });
 * ```
 */
export async function withFakeCli(
  o: { protocol?: string; nodes?: string[] },
  fn: (cli: CliRun, fake: FakeCluster) => Promise<void>,
): Promise<FakeCluster> {
  const { fake, api } = fakeApi(o);
  try {
    await fn(cliOver(api), fake);
  } finally {
    api.close();
  }
  return fake;
}

/**
 * The CLI wired to `api` in process (no network, no retries).
 *
 * @example
 * ```ts ignore
 * import { cliOver } from "./fake_cli.ts";
 * const r = await cliOver(api)("status");
 * ```
 */
export function cliOver(api: Api): CliRun {
  const fetchApi: typeof fetch = (input, init) =>
    Promise.resolve(api.app.request(String(input), init));
  return async (...argv) => {
    const io = memoryIo({ env: { DISTLAB_URL: "http://127.0.0.1:9" }, fetch: fetchApi });
    const code = await runCli([...argv, "--retries", "0"], io);
    return { code, out: io.stdout, err: io.stderr };
  };
}

/** A fetch that must not be called: argument errors never reach the server. */
const noFetch: typeof fetch = () => Promise.reject(new Error("fetch must not be called"));

/**
 * Asserts that each command line is a usage error: exit 2, one line on stderr matching its
 * pattern, nothing printed, nothing sent.
 *
 * @example
 * ```ts ignore
 * import { assertUsageErrors } from "./fake_cli.ts";
 * await assertUsageErrors([[["disk", "n2"], /disk needs --fault/]]);
 * ```
 */
export async function assertUsageErrors(
  cases: readonly (readonly [readonly string[], RegExp])[],
): Promise<void> {
  for (const [argv, message] of cases) {
    const io = memoryIo({ env: { DISTLAB_URL: "http://127.0.0.1:9" }, fetch: noFetch });
    assert.equal(await runCli([...argv], io), 2, argv.join(" "));
    assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
    assert.match(io.stderr[0]!, message);
    assert.deepEqual(io.stdout, []);
  }
}
