/**
 * End to end with nodes as OS processes (`deno task cluster --processes`): the leader's
 * process is killed with a real `kill -9` from outside, a new leader takes writes, the
 * killed node restarts as a new process from its `--data-dir` files, a partition made
 * with the CLI moves the leadership again, and every acknowledged write reads back from
 * a linearizable history. No node process outlives the cluster.
 */

import assert from "node:assert/strict";
import { startMain } from "./main_process.ts";
import { notYet, waitFor } from "../support/deadline.ts";
import { assertLinearizable, cli, keys, leaderOf, readBack, writeAll } from "./cluster_client.ts";

interface NodeRow {
  id: string;
  up: boolean;
  role: string | null;
  pid?: number;
}

async function nodes(url: string): Promise<NodeRow[]> {
  return (await (await fetch(`${url}/api/v1/cluster`)).json()).nodes;
}

/** The state letter of a process (R, S, T = stopped, …), read by `cat` (/proc needs -A). */
async function processState(pid: number): Promise<string> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/stat`] }).output();
  return /^\d+ \(.*\) (\S)/.exec(new TextDecoder().decode(out.stdout))?.[1] ?? "?";
}

/** Whether a process exists: SIGCONT changes nothing for a running one (/proc needs -A). */
function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

Deno.test("e2e --processes: kill -9 of the leader's process, restart from disk, partition, nothing lost", async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab-proc-" });
  const ids = ["n1", "n2", "n3"];
  const pids = new Set<number>();
  const server = await startMain(
    ...["--port", "0", "--protocol", "raft-kv", "--nodes", "3", "--seed", "5"],
    ...["--processes", "--data-dir", dir],
  );
  try {
    const url = server.url;
    assert.match(server.output(), /as OS processes/);
    const rows = await nodes(url);
    for (const n of rows) {
      assert.ok(
        typeof n.pid === "number" && alive(n.pid),
        `${n.id} runs as a process (pid ${n.pid})`,
      );
      pids.add(n.pid);
    }
    assert.equal(pids.size, 3, "one process per node");

    const first = await waitFor("a leader", () => leaderOf(url));
    const acked = new Map<string, unknown>();
    await writeAll(url, keys("a", 40), acked);

    const victim = rows.find((n) => n.id === first.leader)!.pid!;
    Deno.kill(victim, "SIGKILL");
    await waitFor(`${first.leader} is seen crashed after kill -9`, async () => {
      const n = (await nodes(url)).find((x) => x.id === first.leader)!;
      return (!n.up && n.pid === undefined) || notYet(n);
    });
    const second = await waitFor("a new leader", async () => {
      const l = await leaderOf(url);
      return l !== null && l.leader !== first.leader ? l : null;
    });
    console.log(`  kill -9 ${victim} (${first.leader}); ${second.leader} leads`);
    await writeAll(url, keys("b", 30), acked);

    await cli(url, "restart", first.leader);
    const back = (await nodes(url)).find((x) => x.id === first.leader)!;
    assert.ok(back.up && back.pid !== undefined && back.pid !== victim, "a new process");
    pids.add(back.pid);

    const others = ids.filter((id) => id !== second.leader);
    const out = await cli(url, "partition", second.leader, others.join(","));
    assert.match(out[0]!, /^fault #\d+: partition /);
    const third = await waitFor("a leader on the majority side", async () => {
      const l = await leaderOf(url);
      return l !== null && others.includes(l.leader) && l.term > second.term ? l : null;
    });
    console.log(`  partitioned ${second.leader} away; ${third.leader} leads`);
    await writeAll(url, keys("c", 30), acked);
    await cli(url, "heal");

    // Pause is a real SIGSTOP: the process is frozen, the API still shows the node.
    const frozen = (await nodes(url)).find((x) => x.id !== third.leader)!;
    await cli(url, "pause", frozen.id);
    assert.equal(await processState(frozen.pid!), "T", `${frozen.id} is stopped`);
    const shown = (await nodes(url)).find((x) => x.id === frozen.id)!;
    assert.ok(shown.up, "a frozen node is still up, and answered for");
    await writeAll(url, keys("d", 20), acked);
    await cli(url, "resume", frozen.id);
    await waitFor(`${frozen.id} runs again`, async () => {
      const st = await processState(frozen.pid!);
      return st !== "T" || notYet(st);
    });
    await readBack(url, acked);
    const events = await assertLinearizable(url);
    console.log(`  ${acked.size} writes read back; history of ${events} events linearizable`);
  } finally {
    assert.equal(await server.stop(), 0, "stops cleanly on SIGINT");
    await Deno.remove(dir, { recursive: true });
  }
  await waitFor("no node process outlives the cluster", () => {
    const left = [...pids].filter(alive);
    return left.length === 0 || notYet(left);
  });
});
