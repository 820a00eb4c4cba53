import assert from "node:assert/strict";
import { DEFAULT_RAFT_OPTIONS, parseRaftOptions, raftKv } from "../../protocols/raft/mod.ts";
import type { Protocol } from "../../protocols/node.ts";
import type { KvOp } from "../../protocols/kv.ts";
import type { RaftAdminOp, RaftMessage } from "../../protocols/raft/mod.ts";

Deno.test("options default as documented; wrong types and unknown names are refused", () => {
  assert.deepEqual(parseRaftOptions({}), DEFAULT_RAFT_OPTIONS);
  const o = parseRaftOptions({ readMode: "lease", members: ["n1", "n2"] });
  assert.equal(o.heartbeatMs, 50);
  assert.equal(o.readMode, "lease");
  assert.deepEqual(o.members, ["n1", "n2"]);
  assert.throws(() => parseRaftOptions({ heartbeatMs: "fast" }), /heartbeatMs must be a number/);
  assert.throws(() => parseRaftOptions({ readMode: "fuzzy" }), /readMode must be one of/);
  assert.throws(() => parseRaftOptions({ preVote: "yes" }), /preVote must be true or false/);
  assert.throws(() => parseRaftOptions({ heartbeat: 50 }), /unknown raft-kv option 'heartbeat'/);
  assert.throws(() => parseRaftOptions({ members: "n1" }), /members must be a list/);
});

Deno.test("options that cannot work are refused", () => {
  assert.throws(() => parseRaftOptions({ electionMinMs: 40 }), /electionMinMs/);
  assert.throws(() => parseRaftOptions({ electionMaxMs: 100 }), /electionMaxMs/);
  assert.throws(() => parseRaftOptions({ clockDriftBound: 1 }), /clockDriftBound/);
  assert.throws(
    () => parseRaftOptions({ electionSpreadPerVoterMs: -1 }),
    /electionSpreadPerVoterMs must not be negative/,
  );
  assert.equal(parseRaftOptions({ electionBackoff: 50 }).electionBackoff, 10); // 2^10 at most
});

Deno.test("raftKv is the raft-kv protocol ticked every 10 ms", () => {
  const p: Protocol<RaftMessage, KvOp | RaftAdminOp> = raftKv;
  assert.equal(p.name, "raft-kv");
  assert.equal(p.tickMs, 10);
  assert.ok(p.description.length > 0);
});
