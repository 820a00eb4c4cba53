/**
 * The CLI's protocol commands against real Worker clusters behind a real server:
 * primary-backup's `mode` and `failover` with the `status` columns that show them, and a
 * 2PC order through `op`.
 */

import assert from "node:assert/strict";
import { createApi } from "../../http/app.ts";
import { startCluster } from "../../nodes/worker_cluster.ts";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { deadlineMs, notYet, waitFor } from "../support/deadline.ts";

async function withServer(
  o: Parameters<typeof startCluster>[0],
  fn: (
    cli: (...argv: string[]) => Promise<{ code: number; out: string[]; err: string[] }>,
  ) => Promise<void>,
): Promise<void> {
  const cluster = await startCluster(o);
  const api = createApi(cluster, { gateway: { timeoutMs: deadlineMs("short") } });
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

Deno.test("CLI on real primary-backup: mode and failover, seen in the status columns", async () => {
  await withServer({ protocol: "primary-backup", nodes: 3, seed: 31 }, async (cli) => {
    // The primary is whichever node the status names (n1 unless a busy machine made the
    // backups fail over before the test looked).
    const primaryNow = () =>
      waitFor("the CLI names a primary", async () => {
        const r = await cli("leader", "--json");
        const body = r.code === 0 ? JSON.parse(r.out[0]!) : null;
        return typeof body?.leader === "string"
          ? { node: body.leader as string, epoch: body.term as number }
          : notYet([r.out, r.err]);
      });
    const first = await primaryNow();
    await waitFor("the put is acknowledged", async () => {
      const r = await cli("put", "x", "1");
      return r.code === 0 || notYet(r.err);
    });
    let r = await cli("mode", "async", "--node", first.node);
    assert.deepEqual([r.code, r.err], [0, []]);
    assert.match(
      r.out[0]!,
      new RegExp(`^mode async \\(was (sync|semi-sync)\\) at primary ${first.node}$`),
    );
    r = await cli("status");
    assert.equal(r.out[0], `protocol primary-backup, primary ${first.node} (epoch ${first.epoch})`);
    assert.match(r.out[1]!, /^NODE\s+STATE\s+ROLE\s+EPOCH\s+MODE\s+SEQ\s+LAG\s+SUSPECTS\s+SEEN/);
    const row = r.out.find((l) => l.startsWith(`${first.node} `))!;
    assert.match(row, /^n\d\s+up\s+primary\s+\d+\s+async\s+1\s+n\d=\d+\/\d+ms,n\d=\d+\/\d+ms/);

    const to = ["n1", "n2", "n3"].find((n) => n !== first.node)!;
    r = await cli("failover", "--to", to);
    assert.deepEqual([r.code, r.out, r.err], [0, [`primary: ${first.node} -> ${to}`], []]);
    await waitFor(`${to} is the primary everywhere`, async () => {
      const s = await cli("status");
      return s.out[0] === `protocol primary-backup, primary ${to} (epoch ${first.epoch + 1})` ||
        notYet(s.out[0]);
    });
    r = await cli("get", "x");
    assert.deepEqual(r.out, ["1"], "the new primary has the write");
    r = await cli("mode", "sync", "--node", first.node, "--retries", "0");
    assert.equal(r.code, 1, `${first.node} is no longer the primary`);
    assert.match(
      r.err[0]!,
      new RegExp(`^error: No leader: node ${first.node}: not the primary`),
    );
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
    assert.match(r.err[0]!, /^error: Aborted: node n1: aborted: /);
    r = await cli("status");
    assert.equal(r.out[0], "protocol 2pc, coordinator n1");
    assert.match(r.out[1]!, /^NODE\s+STATE\s+ROLE\s+LOCKS\s+IN-DOUBT\s+BLOCKED\s+VOTING/);
    assert.match(r.out[3]!, /^n2\s+up\s+inventory\s+-\s+-\s+-\s+-\s+1\s+1/);
  });
});
