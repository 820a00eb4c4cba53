/**
 * End to end on loopback with a token, as a cluster across hosts would run: control
 * (`deno task cluster --external n1,n2,n3 --token T`) and three `deno task node` processes
 * given the token in `DISTLAB_TOKEN`, their links authenticated. The API refuses a call
 * without the token; writes with it are acknowledged; a partition made with the CLI
 * (`--token`) moves the leadership; every acknowledged write reads back and the history is
 * linearizable; no process logs a refused handshake. Every process is stopped at the end.
 */

import assert from "node:assert/strict";
import { notYet, waitFor, within } from "../support/deadline.ts";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { parseHistory } from "../../history/jsonl.ts";
import { checkLinearizability } from "../../checker/linearizability.ts";
import { modelByName } from "../../checker/models.ts";
import { freePort, HOST, type Proc, spawnScript } from "./processes.ts";

const TOKEN = "e2e-shared-key-0123";
const AUTH = { authorization: `Bearer ${TOKEN}` };

async function cli(url: string, ...argv: string[]): Promise<string[]> {
  const io = memoryIo({ env: { DISTLAB_URL: url, DISTLAB_TOKEN: TOKEN } });
  const code = await runCli(argv, io);
  assert.equal(code, 0, `cli ${argv.join(" ")}: ${io.stderr.join(" ")}`);
  return io.stdout;
}

async function leaderOf(url: string): Promise<{ leader: string; term: number } | null> {
  const res = await fetch(`${url}/api/v1/leader`, { headers: AUTH });
  const body = await res.json();
  return res.status === 200 ? body : null;
}

async function writeAll(url: string, keys: string[], acked: Map<string, unknown>) {
  await Promise.all(keys.map(async (k) => {
    const value = { k };
    await waitFor(`PUT ${k} is acknowledged`, async () => {
      const res = await fetch(`${url}/api/v1/kv/${k}`, {
        method: "PUT",
        headers: AUTH,
        body: JSON.stringify(value),
      });
      const text = await res.text();
      return res.status === 200 || notYet(`${res.status} ${text}`);
    });
    acked.set(k, value);
  }));
}

const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

Deno.test("tcp nodes with a token: control + 3 node processes — writes, a partition, linearizable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab-tcp-token-" });
  const ids = ["n1", "n2", "n3"];
  const ports = new Map(ids.map((id) => [id, freePort()]));
  const procs: Proc[] = [];
  const control = spawnScript("main.ts", [
    ...["--port", "0", "--protocol", "raft-kv", "--seed", "7", "--external", ids.join(",")],
    ...["--token", TOKEN],
  ]);
  procs.push(control);
  try {
    const url = await waitFor("control says where nodes connect", () => {
      const m = /to connect to (http:\/\/\S+)/.exec(control.err());
      return m?.[1] ?? notYet(control.err());
    }, { timeout: "long" });
    const nodes = ids.map((id) => {
      const peers = ids.filter((p) => p !== id).map((p) => `${p}=${HOST}:${ports.get(p)}`);
      const p = spawnScript("node.ts", [
        ...["--id", id, "--listen", `${HOST}:${ports.get(id)}`, "--peers", peers.join(",")],
        ...["--control", url, "--data-dir", `${dir}/${id}`, "--protocol", "raft-kv"],
      ], { DISTLAB_TOKEN: TOKEN });
      procs.push(p);
      return p;
    });
    await waitFor("the API answers once every node is in", async () => {
      const res = await fetch(`${url}/api/v1/cluster`, { headers: AUTH });
      await res.body?.cancel();
      return res.status === 200 || notYet(res.status);
    }, { timeout: "long" });
    // The API wants the token too.
    const bare = await fetch(`${url}/api/v1/kv/x`, { method: "PUT", body: "1" });
    assert.equal(bare.status, 401);
    await bare.body?.cancel();

    const first = await waitFor("a leader", () => leaderOf(url));
    const acked = new Map<string, unknown>();
    await writeAll(url, keys("a", 20), acked);
    const others = ids.filter((id) => id !== first.leader);
    await cli(url, "partition", first.leader, others.join(","));
    const second = await waitFor("a leader on the majority side", async () => {
      const l = await leaderOf(url);
      return l !== null && others.includes(l.leader) && l.term > first.term ? l : notYet(l);
    });
    await writeAll(url, keys("b", 20), acked);
    await cli(url, "heal");
    await writeAll(url, keys("c", 20), acked);

    for (const [k, v] of acked) {
      const res = await fetch(`${url}/api/v1/kv/${k}`, { headers: AUTH });
      assert.equal(res.status, 200, `read ${k}`);
      assert.deepEqual((await res.json()).value, v, `the acknowledged value of ${k}`);
    }
    const text = await (await fetch(`${url}/api/v1/history`, { headers: AUTH })).text();
    const events = parseHistory(text);
    const result = checkLinearizability(events, modelByName("kv"));
    assert.equal(result.verdict, "linearizable", JSON.stringify(result).slice(0, 500));
    console.log(
      `  ${first.leader} then ${second.leader} led; ${acked.size} writes read back; ` +
        `history of ${events.length} events linearizable`,
    );
    for (const p of nodes) {
      assert.doesNotMatch(p.err(), /token|tcp n\d: refused|refused us/, p.err());
    }

    control.child.kill("SIGINT");
    assert.equal((await within("control stops", control.child.status, "cluster")).code, 0);
    for (const p of nodes) {
      const st = await within("a node exits after control closed it", p.child.status, "short");
      assert.equal(st.code, 0, p.err());
    }
  } catch (e) {
    console.error(`control stderr:\n${control.err()}`);
    throw e;
  } finally {
    for (const p of procs) {
      try {
        p.child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    await Promise.all(procs.map((p) => p.child.status));
    await Deno.remove(dir, { recursive: true });
  }
});
