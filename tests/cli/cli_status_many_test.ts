import assert from "node:assert/strict";
import { statusLines } from "../../cli/commands/cluster.ts";
import { withFakeCli } from "./fake_cli.ts";
import type { NodeRow } from "../../client/status_columns.ts";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

function row(id: string, o: Partial<NodeRow> = {}): NodeRow {
  return {
    id,
    up: true,
    paused: false,
    role: id === "n1" ? "leader" : "follower",
    term: 7,
    commitIndex: 1234,
    leader: "n1",
    lastSeenMs: 12,
    suspectedBy: [],
    breaker: "closed",
    ...o,
  };
}

Deno.test("cli status at 64 nodes: a count line, then one short line per node", () => {
  const nodes = ids(64).map((id) =>
    id === "n57"
      ? row(id, { up: false, role: null, suspectedBy: ids(64).filter((x) => x !== "n57") })
      : id === "n9"
      ? row(id, { paused: true })
      : row(id)
  );
  const lines = statusLines({
    protocol: "raft-kv",
    leader: "n1",
    term: 7,
    nodes,
    network: { rules: [], blocks: [] },
  });
  assert.equal(lines[0], "protocol raft-kv, leader n1 (term 7)");
  assert.equal(lines[1], "64 nodes: 62 up, 1 paused, 1 crashed · 1 leader, 62 follower");
  assert.match(lines[2]!, /^NODE\s+STATE\s+ROLE/);
  const table = lines.slice(3, 3 + 64);
  assert.deepEqual(table.map((l) => l.split(/\s+/)[0]), ids(64), "every node, in order");
  assert.equal(lines.length, 3 + 64, "nothing else: no faults");
  // Readable: every line fits a terminal, the 63 suspecting nodes are counted, not listed.
  for (const l of lines) assert.ok(l.length <= 100, `${l.length} characters: ${l}`);
  const n57 = table[56]!;
  assert.match(
    n57,
    /^n57\s+crashed\s+-\s+7\s+1234\s+n1\s+12ms\s+n1,n2,n3,n4,n5,n6,…\+57\s+closed$/,
  );
});

Deno.test("cli status at 5 nodes: unchanged (no count line, cells in full)", () => {
  const nodes = ids(5).map((id) =>
    id === "n5" ? row(id, { suspectedBy: ["n1", "n2", "n3", "n4"] }) : row(id)
  );
  const lines = statusLines({
    protocol: "raft-kv",
    leader: "n1",
    term: 7,
    nodes,
    network: { rules: [], blocks: [] },
  });
  assert.equal(lines.length, 1 + 1 + 5);
  assert.match(lines[6]!, /n1,n2,n3,n4/);
});

Deno.test("cli status --json at 64 nodes prints the API's answer as it is", async () => {
  await withFakeCli({ protocol: "raft-kv", nodes: ids(64) }, async (cli) => {
    const text = await cli("status");
    assert.equal(text.code, 0);
    assert.match(text.out[1]!, /^64 nodes: 64 up/);
    assert.equal(text.out.filter((l) => /^n\d+\s/.test(l)).length, 64);
    const json = await cli("status", "--json");
    assert.equal(json.code, 0);
    assert.equal(json.out.length, 1);
    const body = JSON.parse(json.out[0]!);
    assert.equal(body.nodes.length, 64);
    assert.ok(!("counts" in body), "the JSON is the API's, nothing added");
  });
});
