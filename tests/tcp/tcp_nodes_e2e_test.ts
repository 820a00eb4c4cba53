/**
 * End to end on loopback with nodes that run on their own: a control process
 * (`deno task cluster --external n1,n2,n3`) and three `deno task node` processes of
 * raft-kv that talk to each other over TCP. Writes go through the API; a second process
 * claiming a taken id is refused; a partition made with the CLI is applied by the senders
 * (their drops are counted at control) and moves the leadership; a crash through the API
 * ends the leader's process (exit 137), a new process from its data dir rejoins after a
 * restart through the CLI; so does one after a real `kill -9` of a follower's process; every acknowledged write reads back and the history is
 * linearizable. Every process is stopped at the end.
 */

import assert from "node:assert/strict";
import { notYet, waitFor, within } from "../support/deadline.ts";
import {
  assertLinearizable,
  cli,
  keys,
  leaderOf,
  readBack,
  writeAll,
} from "../e2e/cluster_client.ts";
import { freePort, HOST, type Proc, spawnScript } from "./processes.ts";

function kill(p: Proc): void {
  try {
    p.child.kill("SIGKILL");
  } catch {
    // already gone
  }
}

interface NodeRow {
  id: string;
  up: boolean;
  pid?: number;
}

Deno.test("tcp nodes: control + 3 deno task node processes — writes, id collision, partition at the senders, crash and restart, linearizable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab-tcp-" });
  const ids = ["n1", "n2", "n3"];
  const ports = new Map(ids.map((id) => [id, freePort()]));
  const procs: Proc[] = [];
  const control = spawnScript("main.ts", [
    ...["--port", "0", "--protocol", "raft-kv", "--seed", "5", "--external", ids.join(",")],
  ]);
  procs.push(control);
  try {
    const url = await waitFor("control says where nodes connect", () => {
      const m = /to connect to (http:\/\/\S+)/.exec(control.err());
      return m?.[1] ?? notYet(control.err());
    }, { timeout: "long" });
    const startNode = (id: string): Proc => {
      const peers = ids.filter((p) => p !== id).map((p) => `${p}=${HOST}:${ports.get(p)}`);
      const p = spawnScript("node.ts", [
        ...["--id", id, "--listen", `${HOST}:${ports.get(id)}`, "--peers", peers.join(",")],
        ...["--control", url, "--data-dir", `${dir}/${id}`, "--protocol", "raft-kv"],
      ]);
      procs.push(p);
      return p;
    };
    const nodes = new Map(ids.map((id) => [id, startNode(id)]));
    const rows = async (): Promise<NodeRow[]> =>
      (await (await fetch(`${url}/api/v1/cluster`)).json()).nodes;
    await waitFor("the API answers once every node is in", async () => {
      const res = await fetch(`${url}/api/v1/cluster`);
      await res.body?.cancel();
      return res.status === 200 || notYet(res.status);
    }, { timeout: "long" });
    for (const n of await rows()) {
      assert.equal(n.pid, nodes.get(n.id)!.child.pid, `${n.id}'s pid is its process's`);
    }

    // A second process claiming n1 is refused by control, and says why.
    const twin = spawnScript("node.ts", [
      ...["--id", "n1", "--listen", `${HOST}:0`, "--peers", `n2=${HOST}:${ports.get("n2")}`],
      ...["--control", url],
    ]);
    procs.push(twin);
    const twinCode = (await within("the twin exits", twin.child.status, "cluster")).code;
    assert.equal(twinCode, 1, twin.err());
    assert.match(twin.err(), /control refused this node: node id 'n1' collides/);

    const first = await waitFor("a leader", () => leaderOf(url));
    const acked = new Map<string, unknown>();
    await writeAll(url, keys("a", 30), acked);

    // A partition through the CLI: the senders drop, control counts their drops.
    const before = (await (await fetch(`${url}/api/v1/cluster`)).json()).counters;
    const others = ids.filter((id) => id !== first.leader);
    const out = await cli(url, "partition", first.leader, others.join(","));
    assert.match(out[0]!, /^fault #\d+: partition /);
    const second = await waitFor("a leader on the majority side", async () => {
      const l = await leaderOf(url);
      return l !== null && others.includes(l.leader) && l.term > first.term ? l : notYet(l);
    });
    console.log(`  partitioned ${first.leader} away; ${second.leader} leads`);
    await writeAll(url, keys("b", 30), acked);
    const dropped = await waitFor("drops at the senders are reported", async () => {
      const c = (await (await fetch(`${url}/api/v1/cluster`)).json()).counters;
      const link = c.links[`${first.leader}>${second.leader}`];
      return c.dropped > before.dropped && link?.dropped > 0 ? c.dropped : notYet(c);
    });
    await cli(url, "heal");

    // A crash through the API ends the leader's process; a new one rejoins from disk.
    const victim = nodes.get(second.leader)!;
    await cli(url, "crash", second.leader);
    const code = (await within("the crashed node's process ends", victim.child.status)).code;
    assert.equal(code, 137, victim.err());
    const third = await waitFor("a new leader", async () => {
      const l = await leaderOf(url);
      return l !== null && l.leader !== second.leader ? l : notYet(l);
    });
    await writeAll(url, keys("c", 30), acked);
    const again = startNode(second.leader);
    await cli(url, "restart", second.leader);
    await waitFor(`${second.leader} is back, as a new process`, async () => {
      const n = (await rows()).find((r) => r.id === second.leader)!;
      return (n.up && n.pid === again.child.pid) || notYet(n);
    });
    await writeAll(url, keys("d", 20), acked);

    // A real kill -9 from outside: control sees the node down; a new process rejoins.
    const current = new Map(ids.map((id) => [id, id === second.leader ? again : nodes.get(id)!]));
    const lead = await waitFor("a leader", () => leaderOf(url));
    const follower = ids.find((id) => id !== lead.leader)!;
    Deno.kill(current.get(follower)!.child.pid, "SIGKILL");
    await waitFor(`${follower} is seen down after kill -9`, async () => {
      const n = (await rows()).find((r) => r.id === follower)!;
      return !n.up || notYet(n);
    });
    await writeAll(url, keys("e", 20), acked);
    const reborn = startNode(follower);
    current.set(follower, reborn);
    await cli(url, "restart", follower);
    await waitFor(`${follower} is back after kill -9`, async () => {
      const n = (await rows()).find((r) => r.id === follower)!;
      return (n.up && n.pid === reborn.child.pid) || notYet(n);
    });
    await writeAll(url, keys("f", 10), acked);
    await readBack(url, acked);
    const events = await assertLinearizable(url);
    console.log(
      `  ${third.leader} led after the crash; ${acked.size} writes read back; ` +
        `${dropped} drops at the senders; history of ${events} events linearizable`,
    );

    // SIGINT stops control, which closes every node: each exits 0.
    control.child.kill("SIGINT");
    assert.equal((await within("control stops", control.child.status, "cluster")).code, 0);
    for (const id of ids) {
      const p = current.get(id)!;
      const st = await within(`${id} exits after control closed it`, p.child.status, "short");
      assert.equal(st.code, 0, `${id}: ${p.err()}`);
    }
  } catch (e) {
    console.error(`control stderr:\n${control.err()}`);
    throw e;
  } finally {
    for (const p of procs) kill(p);
    await Promise.all(procs.map((p) => p.child.status));
    await Deno.remove(dir, { recursive: true });
  }
});
