/**
 * What the end-to-end tests do to a running cluster over its API and CLI: write until
 * acknowledged, read every acknowledged value back, find the leader, check the history.
 *
 * @module
 */

import assert from "node:assert/strict";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { parseHistory } from "../../history/jsonl.ts";
import { checkLinearizability } from "../../checker/linearizability.ts";
import { modelByName } from "../../checker/models.ts";
import { notYet, waitFor } from "../support/deadline.ts";

export async function cli(url: string, ...argv: string[]): Promise<string[]> {
  const io = memoryIo({ env: { DISTLAB_URL: url } });
  const code = await runCli(argv, io);
  assert.equal(code, 0, `cli ${argv.join(" ")}: ${io.stderr.join(" ")}`);
  return io.stdout;
}

export async function leaderOf(url: string): Promise<{ leader: string; term: number } | null> {
  const res = await fetch(`${url}/api/v1/leader`);
  const body = await res.json();
  return res.status === 200 ? body : null;
}

/**
 * Writes `keys` (10 at a time), each until it is acknowledged: a PUT of the same value is
 * idempotent, so a 503 (an election under way) or a 504 (a slow machine) is retried.
 */
export async function writeAll(
  url: string,
  keys: string[],
  acked: Map<string, unknown>,
): Promise<void> {
  for (let i = 0; i < keys.length; i += 10) {
    await Promise.all(
      keys.slice(i, i + 10).map(async (k) => {
        const value = { k, at: i };
        await waitFor(`PUT ${k} is acknowledged`, async () => {
          const res = await fetch(`${url}/api/v1/kv/${k}`, {
            method: "PUT",
            body: JSON.stringify(value),
          });
          const text = await res.text();
          return res.status === 200 || notYet(`${res.status} ${text}`);
        });
        acked.set(k, value);
      }),
    );
  }
}

export async function readBack(url: string, acked: Map<string, unknown>): Promise<void> {
  for (const [k, v] of acked) {
    const res = await fetch(`${url}/api/v1/kv/${k}`);
    assert.equal(res.status, 200, `read ${k}`);
    assert.deepEqual((await res.json()).value, v, `the acknowledged value of ${k}`);
  }
}

export async function assertLinearizable(url: string): Promise<number> {
  const text = await (await fetch(`${url}/api/v1/history`)).text();
  const events = parseHistory(text);
  const result = checkLinearizability(events, modelByName("kv"));
  assert.equal(result.verdict, "linearizable", JSON.stringify(result).slice(0, 500));
  return events.length;
}

export const keys = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);
