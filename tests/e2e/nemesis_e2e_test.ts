/**
 * End to end: `deno task cluster --nemesis partition,kill --seed 7` changes faults live
 * while a client writes; afterwards every acknowledged write reads back, the API's
 * history is linearizable, and the faults applied were exactly the schedule `deno task
 * sim` prints for the same seed and duration.
 */

import assert from "node:assert/strict";
import { startMain } from "./main_process.ts";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { parseHistory } from "../../history/jsonl.ts";
import { checkLinearizability } from "../../checker/linearizability.ts";
import { modelByName } from "../../checker/models.ts";
import { notYet, waitFor } from "../support/deadline.ts";

const SECONDS = 20;

async function simSchedule(): Promise<unknown[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../sim.ts", import.meta.url).pathname,
      "--protocol",
      "raft-kv",
      "--nodes",
      "5",
      "--seed",
      "7",
      "--duration",
      `${SECONDS}s`,
      "--nemesis",
      "partition,kill",
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout)).schedule;
}

Deno.test(`e2e: a seeded nemesis runs live for ${SECONDS} s; nothing acknowledged is lost and the faults match the simulator's`, async () => {
  const expected = await simSchedule();
  assert.ok(expected.length >= 4, `a schedule with faults: ${expected.length} steps`);
  const server = await startMain(
    "--port",
    "0",
    "--seed",
    "7",
    "--nemesis",
    "partition,kill",
    "--nemesis-for",
    `${SECONDS}s`,
  );
  // The steps it applied, as it prints them: `nemesis +1.2s {…step…}`.
  const applied = () =>
    server.output().split("\n").filter((l) => /^nemesis \+/.test(l)).map((l) =>
      JSON.parse(l.slice(l.indexOf("{")))
    );
  try {
    const url = server.url;
    // A client writes all along; a write answered 200 is acknowledged. A write whose
    // outcome is unknown (504, or no answer) after the last acknowledged one may also have
    // taken effect, so it too is a value the key may hold.
    const acked = new Map<string, number>();
    const mayHold = new Map<string, number[]>();
    const until = performance.now() + SECONDS * 1000;
    let i = 0;
    while (performance.now() < until) {
      const key = `k${i % 20}`;
      const res = await fetch(`${url}/api/v1/kv/${key}`, {
        method: "PUT",
        body: String(i),
        headers: { "x-client-id": "writer" },
      }).catch(() => null);
      if (res !== null) await res.body?.cancel();
      if (res?.status === 200) {
        acked.set(key, i);
        mayHold.set(key, [i]);
      } else if (res === null || res.status === 504) {
        mayHold.get(key)?.push(i);
      }
      i++;
    }
    await waitFor(
      "every step of the schedule was applied",
      () => applied().length >= expected.length || notYet(`${applied().length} steps`),
    );
    assert.deepEqual(applied(), expected, "the live cluster got the simulator's schedule");
    await waitFor(
      "the nemesis healed everything",
      () => /nemesis: done; everything healed/.test(server.output()) || notYet(false),
    );

    // Healed: every key reads back its last acknowledged value, or a later write whose
    // outcome was unknown — never an older value, never a refused write.
    for (const [key, value] of acked) {
      const got = await waitFor(`${key} reads back`, async () => {
        const res = await fetch(`${url}/api/v1/kv/${key}`);
        return res.status === 200 ? (await res.json()).value : notYet(res.status);
      });
      const allowed = mayHold.get(key)!;
      assert.ok(
        allowed.includes(got),
        `${key} holds ${got}: neither its last acknowledged value ${value} nor a later ` +
          `write of unknown outcome (${allowed.slice(1).join(", ") || "none"})`,
      );
    }
    console.log(`  ${i} writes, ${acked.size} keys acknowledged, ${expected.length} fault steps`);

    const io = memoryIo({ env: { DISTLAB_URL: url } });
    assert.equal(await runCli(["history"], io), 0, io.stderr.join(" "));
    const history = parseHistory(io.stdout.join("\n"));
    const verdict = checkLinearizability(history, modelByName("kv"));
    assert.equal(verdict.verdict, "linearizable", JSON.stringify(verdict).slice(0, 400));
  } finally {
    assert.equal(await server.stop(), 0, "stops cleanly");
  }
});
