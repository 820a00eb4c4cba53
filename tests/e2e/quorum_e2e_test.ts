/**
 * End to end: `deno task cluster --protocol quorum-kv` (the real `main.ts` process) driven
 * with the CLI only — concurrent writes on both sides of a partition come back as
 * siblings, a write with their context resolves them, and `ring` / `status` show the
 * ring and the replicas.
 */

import assert from "node:assert/strict";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { startMain } from "./main_process.ts";

Deno.test("e2e (quorum-kv): siblings from a partition, resolved with their context, seen in ring and status", async () => {
  const server = await startMain(
    "--port",
    "0",
    "--protocol",
    "quorum-kv",
    "--nodes",
    "3",
    "--seed",
    "5",
    "--option",
    "pingMs=20",
    "--option",
    "detector=fixed",
    "--option",
    "suspectMs=1000",
    "--option",
    "timeoutMs=5000",
  );
  const cli = async (...argv: string[]): Promise<string[]> => {
    const io = memoryIo({ env: { DISTLAB_URL: server.url } });
    const code = await runCli(argv, io);
    assert.equal(code, 0, `cli ${argv.join(" ")}: ${io.stderr.join(" ")}`);
    return io.stdout;
  };
  try {
    let out = await cli("status");
    assert.equal(out[0], "protocol quorum-kv, leaderless, N=3 R=2 W=2");
    await cli("partition", "n1", "n2,n3");
    await cli("put", "cart", "milk", "--node", "n1", "--w", "1");
    await cli("put", "cart", "eggs", "--node", "n2", "--w", "1");
    await cli("heal");
    // The CLI retries the 503 of a read made while n1 still suspects its peers.
    out = await cli("get", "cart", "--node", "n1", "--consistency", "ALL");
    assert.equal(
      out[0],
      '2 siblings: "eggs" | "milk"  (context {"n1":1,"n2":1}; put with --context to resolve)',
    );
    out = await cli("ring", "--key", "cart");
    assert.match(out[0]!, /^ring epoch 0 \(as n\d sees it\), N=3 R=2 W=2, 64 tokens per node$/);
    assert.ok(out.some((l) => /^preference list: n\d, n\d, n\d$/.test(l)), out.join("\n"));
    out = await cli("put", "cart", '["eggs","milk"]', "--context", '{"n1":1,"n2":1}', "--w", "3");
    assert.match(out[0]!, /^cart = \["eggs","milk"\] {2}\(node n\d, acks n\d,n\d,n\d, clock /);
    out = await cli("get", "cart", "--consistency", "ALL");
    assert.deepEqual(out, ['["eggs","milk"]']);
    out = await cli("status");
    assert.match(out[1]!, /^NODE\s+STATE\s+ROLE\s+EPOCH\s+KEYS\s+SIBLINGS\s+HINTS\s+SUSPECTS/);
  } finally {
    assert.equal(await server.stop(), 0, "the cluster stops cleanly");
  }
});
