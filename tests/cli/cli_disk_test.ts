import assert from "node:assert/strict";
import { helpText } from "../../cli/main.ts";
import { withRaftApi } from "../support/raft_api_cluster.ts";
import { assertUsageErrors, cliOver, type CliRun } from "./fake_cli.ts";

/** The CLI against the API of a real 3-node raft-kv cluster (with a temp --data-dir or not). */
function withCli(dataDir: boolean, fn: (cli: CliRun) => Promise<void>): Promise<void> {
  return withRaftApi({ dataDir, seed: 3 }, (api) => fn(cliOver(api)));
}

Deno.test("cli disk: set with a probability, arm once, list, clear (English and Japanese)", async () => {
  await withCli(true, async (cli) => {
    let r = await cli("disk", "n2", "--fault", "bit-flip", "--probability", "0.1");
    assert.deepEqual(r, { code: 0, out: ["n2: disk bit-flip p=0.1"], err: [] });
    r = await cli("disk", "n3", "--fault=torn-write", "--json");
    assert.deepEqual(JSON.parse(r.out[0]!).once, ["torn-write"]);
    r = await cli("faults");
    assert.ok(r.out.some((l) => l.startsWith("n2: disk bit-flip p=0.1")), r.out.join("\n"));
    r = await cli("status");
    assert.ok(r.out.some((l) => l.startsWith("n2: disk bit-flip p=0.1")), r.out.join("\n"));
    r = await cli("--lang", "ja", "disk", "n2", "--fault", "none");
    assert.equal(r.code, 0);
    assert.match(r.out[0]!, /^n2: ストレージ障害なし/);
    r = await cli("disk", "n9", "--fault", "none");
    assert.equal(r.code, 1);
    assert.equal(r.err.length, 1, r.err.join("\n"));
    assert.match(r.err[0]!, /n9/);
  });
});

Deno.test("cli disk: a cluster without --data-dir refuses in one line, exit 1", async () => {
  await withCli(false, async (cli) => {
    const r = await cli("disk", "n1", "--fault", "fsync-error");
    assert.equal(r.code, 1);
    assert.equal(r.err.length, 1, r.err.join("\n"));
    assert.match(r.err[0]!, /--data-dir/);
    assert.deepEqual(r.out, []);
  });
});

Deno.test("cli disk: bad arguments are one line and exit 2, sending nothing", async () => {
  await assertUsageErrors([
    [["disk", "n2"], /disk needs --fault/],
    [["disk", "n2", "--fault", "melt"], /--fault must be one of fsync-error, .*'melt'/],
    [["disk", "n2", "--fault", "bit-flip", "--probability", "2"], /--probability must be/],
    [["disk", "n2", "--fault", "bit-flip", "--probability", "x"], /--probability must be/],
    [["disk", "n2", "--fault", "none", "--probability", "0.5"], /takes no --probability/],
    [["disk", "--fault", "none"], /./],
  ]);
  assert.match(helpText(), /disk NODE +a storage fault/);
  assert.match(helpText("disk"), /--fault KIND/);
});
