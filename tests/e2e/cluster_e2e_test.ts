/**
 * End to end: the real `deno task cluster` process (`main.ts`) on an ephemeral loopback
 * port, driven over HTTP and with the CLI — partitions and crashes of the leader, with
 * every acknowledged write read back afterwards and the API's history checked for
 * linearizability; and a whole-process restart from the same `--data-dir`.
 */

import assert from "node:assert/strict";
import { startMain } from "./main_process.ts";
import { protocolNames } from "../../protocols/registry.ts";
import { notYet, waitFor } from "../support/deadline.ts";
import { assertLinearizable, cli, keys, leaderOf, readBack, writeAll } from "./cluster_client.ts";

const PROTOCOL = protocolNames().includes("raft-kv") ? "raft-kv" : "register";

Deno.test(`e2e (${PROTOCOL}): partition the leader away, a new one is elected, nothing acknowledged is lost`, async () => {
  const server = await startMain(
    "--port",
    "0",
    "--protocol",
    PROTOCOL,
    "--nodes",
    "5",
    "--seed",
    "11",
  );
  try {
    const url = server.url;
    const first = await waitFor("a leader", () => leaderOf(url));
    const acked = new Map<string, unknown>();
    await writeAll(url, keys("a", 100), acked);
    assert.equal(acked.size, 100, "every write before the partition is acknowledged");

    // The old leader and one follower on the minority side.
    const nodes = ["n1", "n2", "n3", "n4", "n5"];
    const buddy = nodes.find((n) => n !== first.leader)!;
    const majority = nodes.filter((n) => n !== first.leader && n !== buddy);
    const out = await cli(url, "partition", `${first.leader},${buddy}`, majority.join(","));
    assert.match(out[0]!, /^fault #\d+: partition /);

    const second = await waitFor("a new leader in the majority", async () => {
      const l = await leaderOf(url);
      return l !== null && majority.includes(l.leader) && l.term > first.term ? l : null;
    });
    console.log(
      `  leader ${first.leader} (term ${first.term}) -> ${second.leader} (term ${second.term})`,
    );
    for (const node of [first.leader, buddy]) {
      await waitFor(`${node} on the minority side answers 503`, async () => {
        const res = await fetch(`${url}/api/v1/kv/a0?node=${node}`);
        await res.body?.cancel();
        return res.status === 503 || notYet(res.status);
      });
    }

    await writeAll(url, keys("b", 50), acked);
    assert.equal(acked.size, 150, "the majority keeps accepting writes");
    await cli(url, "heal");
    await waitFor("the old leader follows again", async () => {
      const res = await fetch(`${url}/api/v1/nodes/${first.leader}`);
      const n = await res.json();
      return (n.role === "follower" && n.term >= second.term) || notYet(n);
    });
    await readBack(url, acked);
    const n = await assertLinearizable(url);
    console.log(`  ${acked.size} writes read back; history of ${n} events is linearizable`);
  } finally {
    assert.equal(await server.stop(), 0, "stops cleanly on SIGINT");
  }
});

Deno.test(`e2e (${PROTOCOL}): crash the leader under --data-dir, then restart the whole process`, async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab-e2e-" });
  try {
    const args = ["--port", "0", "--protocol", PROTOCOL, "--nodes", "5", "--data-dir", dir];
    const acked = new Map<string, unknown>();
    let server = await startMain(...args, "--seed", "3");
    try {
      const url = server.url;
      const first = await waitFor("a leader", () => leaderOf(url));
      await writeAll(url, keys("c", 100), acked);
      assert.equal(acked.size, 100);

      assert.deepEqual(await cli(url, "crash", first.leader), [`${first.leader}: crashed`]);
      const second = await waitFor("a new leader", async () => {
        const l = await leaderOf(url);
        return l !== null && l.leader !== first.leader ? l : null;
      });
      console.log(`  crashed ${first.leader}; ${second.leader} leads (term ${second.term})`);
      await writeAll(url, keys("d", 50), acked);
      assert.equal(acked.size, 150);
      await cli(url, "restart", first.leader);
      await readBack(url, acked);
      await assertLinearizable(url);
    } finally {
      assert.equal(await server.stop(), 0);
    }
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(files, ["n1.log", "n2.log", "n3.log", "n4.log", "n5.log"]);

    server = await startMain(...args, "--seed", "4");
    try {
      await waitFor("a leader after the restart", () => leaderOf(server.url));
      await readBack(server.url, acked);
      console.log(`  after a whole restart from ${dir}: all ${acked.size} writes are there`);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
