/**
 * The CLI run against an in-process API over a fake cluster (no network, no retries), for
 * CLI tests that check both what was printed and what reached the cluster.
 *
 * @module
 */

import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
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
  const fetchFake: typeof fetch = (input, init) =>
    Promise.resolve(api.app.request(String(input), init));
  try {
    await fn(async (...argv) => {
      const io = memoryIo({ env: { DISTLAB_URL: "http://127.0.0.1:9" }, fetch: fetchFake });
      const code = await runCli([...argv, "--retries", "0"], io);
      return { code, out: io.stdout, err: io.stderr };
    }, fake);
  } finally {
    api.close();
  }
  return fake;
}
