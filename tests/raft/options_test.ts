import assert from "node:assert/strict";
import { DEFAULT_RAFT_OPTIONS, parseRaftOptions, raftKv } from "../../protocols/raft/mod.ts";
import type { Protocol } from "../../protocols/node.ts";
import type { KvOp } from "../../protocols/kv.ts";
import type { RaftAdminOp, RaftMessage } from "../../protocols/raft/mod.ts";

Deno.test("options default as documented and ignore values of the wrong type", () => {
  assert.deepEqual(parseRaftOptions({}), DEFAULT_RAFT_OPTIONS);
  const o = parseRaftOptions({ heartbeatMs: "fast", readMode: "lease", members: ["n1", "n2"] });
  assert.equal(o.heartbeatMs, 50);
  assert.equal(o.readMode, "lease");
  assert.deepEqual(o.members, ["n1", "n2"]);
  assert.equal(parseRaftOptions({ readMode: "fuzzy" }).readMode, "read-index");
});

Deno.test("options that cannot work are refused", () => {
  assert.throws(() => parseRaftOptions({ electionMinMs: 40 }), /electionMinMs/);
  assert.throws(() => parseRaftOptions({ electionMaxMs: 100 }), /electionMaxMs/);
  assert.throws(() => parseRaftOptions({ clockDriftBound: 1 }), /clockDriftBound/);
});

Deno.test("raftKv is the raft-kv protocol ticked every 10 ms", () => {
  const p: Protocol<RaftMessage, KvOp | RaftAdminOp> = raftKv;
  assert.equal(p.name, "raft-kv");
  assert.equal(p.tickMs, 10);
  assert.ok(p.description.length > 0);
});
