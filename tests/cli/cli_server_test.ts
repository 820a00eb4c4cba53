import assert from "node:assert/strict";
import { createApi } from "../../http/app.ts";
import { startCluster } from "../../nodes/worker_cluster.ts";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { deadlineMs, notYet, waitFor as poll } from "../support/deadline.ts";

/** A real raft-kv cluster behind a real server on an ephemeral loopback port. */
async function withServer(fn: (url: string) => Promise<void>): Promise<void> {
  const cluster = await startCluster({ protocol: "raft-kv", nodes: 3, seed: 5 });
  const api = createApi(cluster, { gateway: { timeoutMs: deadlineMs("short") } });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, api.fetch);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    api.close();
    await server.shutdown();
    await cluster.close();
  }
}

async function cli(url: string, ...argv: string[]) {
  const io = memoryIo({ env: { DISTLAB_URL: url } });
  const code = await runCli(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

async function waitFor(what: string, cond: () => Promise<boolean>): Promise<void> {
  await poll(what, async () => (await cond()) || notYet(false));
}

/** The leader the CLI names, once there is one. */
function leaderOf(url: string): Promise<string> {
  return poll("the CLI names a leader", async () => {
    const r = await cli(url, "leader", "--json");
    return r.code === 0 ? JSON.parse(r.out[0]!).leader as string : notYet(r.err);
  });
}

Deno.test("the CLI drives a real cluster: KV, faults, nodes, leadership, members, history", async () => {
  await withServer(async (url) => {
    await leaderOf(url);

    let r = await cli(url, "put", "greeting", "hello");
    assert.deepEqual([r.code, r.err], [0, []]);
    assert.match(r.out[0]!, /^greeting = "hello" {2}\(node n\d\)$/);
    r = await cli(url, "put", "n", "41");
    r = await cli(url, "cas", "n", "41", "42");
    assert.match(r.out[0]!, /^n = 42 /);
    r = await cli(url, "get", "n", "--json");
    assert.equal(JSON.parse(r.out[0]!).value, 42);
    r = await cli(url, "cas", "n", "41", "43");
    assert.equal(r.code, 1);
    assert.match(r.err.join("\n"), /^error: CAS mismatch: node n\d: cas mismatch$/);
    r = await cli(url, "del", "greeting");
    assert.match(r.out[0]!, /^deleted greeting/);
    r = await cli(url, "get", "greeting");
    assert.equal(r.code, 1);
    assert.match(r.err[0]!, /^error: Unknown key: key 'greeting' has no value$/);

    r = await cli(url, "partition", "n1", "n2,n3");
    assert.deepEqual(r.out, ["fault #1: partition n1 | n2,n3"]);
    r = await cli(url, "link", "n2", "*", "--drop", "0.1", "--delay", "5ms±1ms");
    assert.match(r.out[0]!, /^fault #2: link n2 -> \* \{"drop":0\.1,"delay":"5ms±1ms"\}$/);
    r = await cli(url, "skew", "n3", "+200ms", "--drift", "0.01");
    assert.deepEqual(r.out, ["n3: skew 200ms, drift 0.01"]);
    r = await cli(url, "cut", "n1", "n3");
    r = await cli(url, "isolate", "n2");
    r = await cli(url, "faults");
    assert.equal(r.out.length, 5, r.out.join("\n"));
    r = await cli(url, "unfault", "4");
    assert.deepEqual(r.out, ["removed fault #4"]);
    r = await cli(url, "status");
    assert.match(r.out[0]!, /^protocol raft-kv, /);
    assert.match(
      r.out[1]!,
      /^NODE\s+STATE\s+ROLE\s+TERM\s+COMMIT\s+LEADER\s+SEEN\s+SUSPECTED-BY\s+BREAKER$/,
    );
    assert.ok(r.out.includes("fault #1: partition n1 | n2,n3"));
    r = await cli(url, "heal");
    assert.deepEqual(r.out, ["healed: the network is reliable again"]);

    r = await cli(url, "pause", "n3");
    assert.match(r.out[0]!, /^n3: paused, role /);
    r = await cli(url, "resume", "n3");
    r = await cli(url, "crash", "n3");
    assert.deepEqual(r.out, ["n3: crashed"]);
    r = await cli(url, "restart", "n3");
    assert.match(r.out[0]!, /^n3: up, role /);

    const leader = await leaderOf(url);
    const to = ["n1", "n2", "n3"].find((n) => n !== leader)!;
    await waitFor("a transfer", async () => (await cli(url, "transfer", to)).code === 0);
    await waitFor(
      `${to} leads`,
      async () => (await cli(url, "leader")).out[0]?.startsWith(to) ?? false,
    );

    r = await cli(url, "members", "add", "n4");
    assert.deepEqual([r.code, r.out], [0, ["added n4; members: n1,n2,n3,n4"]], r.err.join());
    r = await cli(url, "members", "remove", "n4");
    assert.deepEqual(r.out, ["removed n4; members: n1,n2,n3"]);

    r = await cli(url, "history");
    const h = r.out.map((l) => JSON.parse(l));
    assert.ok(h.length >= 12 && h.every((e) => typeof e.process === "number"));
    r = await cli(url, "history", "--json");
    assert.equal(JSON.parse(r.out[0]!).length, h.length);
    r = await cli(url, "crash", "n9");
    assert.deepEqual([r.code, r.err], [1, [
      "error: Unknown node: unknown node 'n9' (nodes: n1, n2, n3)",
    ]]);
  });
});

Deno.test("cli watch follows events until interrupted; an unknown kind is refused at once", async () => {
  await withServer(async (url) => {
    const bad = await cli(url, "watch", "--kind", "nonsense");
    assert.equal(bad.code, 1);
    assert.match(bad.err[0]!, /no event of kind 'nonsense' comes from raft-kv/);
    const stop = new AbortController();
    const io = memoryIo({ env: { DISTLAB_URL: url }, interrupt: stop.signal });
    const watching = runCli(["watch", "--kind", "crash,restart,fault"], io);
    await waitFor("watching", () => Promise.resolve(io.stdout.length > 0));
    await cli(url, "crash", "n2");
    await cli(url, "restart", "n2");
    await cli(url, "isolate", "n1");
    await waitFor("three events", () => Promise.resolve(io.stdout.length >= 4));
    stop.abort();
    assert.equal(await watching, 0);
    assert.match(io.stdout[0]!, /^watching http:\/\/127\.0\.0\.1:\d+\/api\/v1\/events/);
    assert.deepEqual(io.stdout.slice(1, 4).map((l) => l.trim().split(/\s+/).slice(1, 3)), [
      ["crash", "n2"],
      ["restart", "n2"],
      ["fault", "*"],
    ]);
  });
});

Deno.test("cli.ts as a process: exit codes 0, 1 and 2", async () => {
  const cliPath = new URL("../../cli.ts", import.meta.url).pathname;
  await withServer(async (url) => {
    const run = async (...args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-net", "--allow-env", "--allow-read", cliPath, ...args, "--url", url],
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: out.code,
        out: new TextDecoder().decode(out.stdout),
        err: new TextDecoder().decode(out.stderr),
      };
    };
    let r = await run("status", "--json");
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).protocol, "raft-kv");
    r = await run("restart", "n7");
    assert.deepEqual([r.code, r.err.trim().split("\n").length], [1, 1]);
    assert.match(r.err, /^error: Unknown node/);
    r = await run("frobnicate");
    assert.equal(r.code, 2);
    assert.equal(r.err.trim(), "error: unknown command 'frobnicate' (see 'deno task cli help')");
  });
});
