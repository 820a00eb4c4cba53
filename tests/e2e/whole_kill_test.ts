/**
 * `kill -9` of the whole `deno task cluster --data-dir` process under a concurrent write
 * load, then a restart from the same directory: every acknowledged write is read back
 * (#20). Snapshots every 20 entries put kills inside log compactions, and a follower
 * restarted just before the kill is catching up by snapshot installation.
 */

import assert from "node:assert/strict";
import { killRound } from "../../torture/live_kill.ts";
import { deadlineMs } from "../support/deadline.ts";

Deno.test("kill -9 of the cluster process under load loses no acknowledged write (3 kill points)", async () => {
  for (const seed of [1, 2, 3]) {
    const dir = await Deno.makeTempDir({ prefix: "distlab-kill-" });
    try {
      const r = await killRound({ seed, dataDir: dir, deadlineMs: deadlineMs("long") });
      console.log(
        `  seed ${seed}: killed at ${r.killedAtMs} ms after ${r.acknowledged} acknowledged ` +
          `writes (${r.unknown} unknown), leader again in ${r.recoveryMs} ms`,
      );
      assert.ok(r.acknowledged >= 60, `only ${r.acknowledged} writes before the kill`);
      assert.deepEqual(r.lost, [], `seed ${seed}: acknowledged writes lost`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("the kill check catches lost writes: a restart from an empty directory loses them all", async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab-kill-" });
  const empty = await Deno.makeTempDir({ prefix: "distlab-kill-empty-" });
  try {
    const r = await killRound({
      seed: 4,
      dataDir: dir,
      restartFrom: empty,
      deadlineMs: deadlineMs("long"),
    });
    assert.ok(r.lost.length >= 8, `only ${r.lost.length} losses reported`);
    assert.match(r.lost[0]!, /read nothing, acknowledged \d+/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(empty, { recursive: true });
  }
});
