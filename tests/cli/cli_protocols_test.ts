/**
 * The CLI's protocol commands against real Worker clusters behind a real server:
 * primary-backup's `mode` and `failover` with the `status` columns that show them, and a
 * 2PC order through `op`.
 */

import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { createApi } from "../../http/app.ts";
import { startCluster } from "../../nodes/worker_cluster.ts";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";

async function withServer(
  o: Parameters<typeof startCluster>[0],
  fn: (
    cli: (...argv: string[]) => Promise<{ code: number; out: string[]; err: string[] }>,
  ) => Promise<void>,
): Promise<void> {
  const cluster = await startCluster(o);
  const api = createApi(cluster, { gateway: { timeoutMs: 2000 } });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, api.fetch);
  const url = `http://127.0.0.1:${server.addr.port}`;
  try {
    await fn(async (...argv) => {
      const io = memoryIo({ env: { DISTLAB_URL: url } });
      const code = await runCli(argv, io);
      return { code, out: io.stdout, err: io.stderr };
    });
  } finally {
    api.close();
    await server.shutdown();
    await cluster.close();
  }
}

async function until(what: string, cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await cond())) {
    if (performance.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await delay(25);
  }
}

Deno.test("CLI on real primary-backup: mode and failover, seen in the status columns", async () => {
  await withServer({ protocol: "primary-backup", nodes: 3, seed: 31 }, async (cli) => {
    await until("a primary", async () => (await cli("leader")).code === 0);
    let r = await cli("put", "x", "1");
    assert.equal(r.code, 0, r.err.join(" "));
    r = await cli("mode", "async");
    assert.deepEqual([r.code, r.err], [0, []]);
    assert.match(r.out[0]!, /^mode async \(was (sync|semi-sync)\) at primary n1$/);
    r = await cli("status");
    assert.equal(r.out[0], "protocol primary-backup, primary n1 (epoch 0)");
    assert.match(r.out[1]!, /^NODE\s+STATE\s+ROLE\s+EPOCH\s+MODE\s+SEQ\s+LAG\s+SUSPECTS\s+SEEN/);
    assert.match(r.out[2]!, /^n1\s+up\s+primary\s+0\s+async\s+1\s+n2=\d+\/\d+ms,n3=\d+\/\d+ms/);

    r = await cli("failover", "--to", "n2");
    assert.deepEqual([r.code, r.out, r.err], [0, ["primary: n1 -> n2"], []]);
    await until("n2 is the primary everywhere", async () => {
      const s = await cli("status");
      return s.out[0] === "protocol primary-backup, primary n2 (epoch 1)";
    });
    r = await cli("get", "x");
    assert.deepEqual(r.out, ["1"], "the new primary has the write");
    r = await cli("mode", "sync", "--node", "n1", "--retries", "0");
    assert.equal(r.code, 1, "n1 is no longer the primary");
    assert.match(r.err[0]!, /^error: Service unavailable: node n1: not the primary/);
  });
});

Deno.test("CLI on real 2pc: op places an order; status shows the participants' ledgers' locks", async () => {
  await withServer({ protocol: "2pc", nodes: 4, seed: 32 }, async (cli) => {
    let r = await cli("op", '{"f":"order","id":"o1","item":"item-2","qty":2,"amount":30}');
    assert.deepEqual([r.code, r.out, r.err], [
      0,
      ['order ok at n1: {"txn":"o1","outcome":"committed"}'],
      [],
    ]);
    r = await cli("op", '{"f":"order","id":"o2","item":"apple","qty":1,"amount":5}');
    assert.equal(r.code, 1);
    assert.match(r.err[0]!, /^error: Refused: node n1: aborted: /);
    r = await cli("status");
    assert.equal(r.out[0], "protocol 2pc, coordinator n1");
    assert.match(r.out[1]!, /^NODE\s+STATE\s+ROLE\s+LOCKS\s+IN-DOUBT\s+BLOCKED\s+VOTING/);
    assert.match(r.out[3]!, /^n2\s+up\s+inventory\s+-\s+-\s+-\s+-\s+1\s+1/);
  });
});
