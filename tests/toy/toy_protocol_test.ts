/**
 * A protocol written in a test file, run as `FILE.ts#export` through every front end with
 * no edit anywhere else: `deno task cluster` (the API, `cli status` with the columns the
 * protocol declares, its event kinds), `deno task torture` (its history and invariant),
 * and the dashboard's node panel in a real browser.
 */

import assert from "node:assert/strict";
import { startMain } from "../e2e/main_process.ts";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { serveDashboard, waitFor } from "../dashboard/browser.ts";
import { Chromium } from "../dashboard/chromium.ts";

const FILE = new URL("./toy_kv.ts", import.meta.url).pathname;
const SPEC = `${FILE}#toyKv`;

Deno.test("a toy protocol from a test file runs in deno task cluster: API, cli status columns, events", async () => {
  const server = await startMain("--port", "0", "--nodes", "3", "--protocol", SPEC);
  const cli = async (...argv: string[]) => {
    const io = memoryIo({ env: { DISTLAB_URL: server.url } });
    const code = await runCli(argv, io);
    return { code, out: io.stdout, err: io.stderr };
  };
  try {
    let r = await cli("put", "fruit", "apple");
    assert.deepEqual([r.code, r.out], [0, ['fruit = "apple"  (node n1)']], r.err.join(" "));
    r = await cli("get", "fruit", "--node", "n2", "--retries", "0");
    assert.equal(r.code, 1, "n2 sends clients to the owner");
    assert.match(r.err[0]!, /^error: No leader: node n2: ask n1/);
    r = await cli("status");
    assert.equal(r.out[0], "protocol toy-kv, owner n1 (epoch 1)");
    assert.match(
      r.out[1]!,
      /^NODE\s+STATE\s+ROLE\s+WRITES\s+KEYS\s+SEEN\s+SUSPECTED-BY\s+BREAKER$/,
    );
    assert.match(r.out[2]!, /^n1\s+up\s+owner\s+1\s+fruit\s/);
    assert.match(r.out[3]!, /^n2\s+up\s+replica\s+0\s+-\s/);
    const events = await fetch(`${server.url}/api/v1/events?kind=toy-write`);
    assert.equal(events.status, 200, "its declared event kind is known");
    await events.body?.cancel();
    const bad = await fetch(`${server.url}/api/v1/events?kind=zzz`);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("a toy protocol from a test file runs in deno task torture, its history and invariant checked", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../torture.ts", import.meta.url).pathname,
      "--protocol",
      SPEC,
      "--seeds",
      "3",
      "--nodes",
      "3",
      "--duration",
      "3s",
      "--nemesis",
      "partition,pause,loss",
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.match(text, /protocol\s+toy-kv/);
  assert.match(text, /violations\s+0/);
});

Deno.test({
  name: "a toy protocol from a test file shows its own status in the dashboard's node panel",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const served = await serveDashboard({
      protocol: { module: new URL("./toy_kv.ts", import.meta.url).href, export: "toyKv" },
      nodes: 3,
      seed: 1,
    });
    const browser = await Chromium.launch();
    try {
      const put = await served.api.app.request("/api/v1/kv/fruit", {
        method: "PUT",
        body: '"apple"',
      });
      assert.equal(put.status, 200);
      const page = await browser.newPage(1400, 1000);
      await page.goto(served.url);
      await waitFor(
        "the ring shows the three nodes",
        async () => (await page.count("#ring g.node")) === 3,
      );
      await page.click('#ring g.node[data-id="n1"]');
      const text = await waitFor("the node panel shows n1's own status", async () => {
        const t = (await page.text("#sel-status")) ?? "";
        return /role: owner/.test(t) && /writes: 1/.test(t) ? t : null;
      });
      assert.match(text, /keys: \["fruit"\]/);
      assert.deepEqual(page.errors, [], "the page logged no errors");
    } finally {
      await browser.close();
      await served.close();
    }
  },
});
