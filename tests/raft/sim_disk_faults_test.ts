/**
 * Raft under storage faults in the simulator: a node whose sync fails acknowledges
 * nothing, and distlab's voting rule — a node whose log or snapshot does not verify
 * drops them and repairs from the leader, refusing every vote until its log has reached
 * a leader's last index (so it cannot help elect a leader that lacks what it lost); a
 * node whose term and vote do not verify stops, loudly, for good (it could vote twice).
 */
import assert from "node:assert/strict";
import type { Reply } from "../../protocols/node.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import {
  ask,
  checkOneLeader,
  connect,
  disconnect,
  nApplied,
  one,
  raftNode,
  type RaftSim,
  raftSim,
} from "./sim_helpers.ts";
import { HARD_STATE_KEY, logKey } from "../../protocols/raft/durable_state.ts";

function crashReasons(events: readonly TraceEvent[], node: string): string[] {
  return events.filter((e) => e.kind === "crash" && e.node === node && e.reason !== undefined)
    .map((e) => String(e.reason));
}

/** Three nodes with a trace recorder, one write committed everywhere, and the leader. */
function tracedCluster(seed: number): { r: RaftSim; events: TraceEvent[]; leader: string } {
  const r = raftSim(3, seed);
  const events: TraceEvent[] = [];
  r.sim.onTrace((e) => events.push(e));
  one(r, "a", 1, 3);
  return { r, events, leader: checkOneLeader(r) };
}

Deno.test("sim: a leader whose fsync fails stops, loudly, and acknowledges nothing", () => {
  const { r, events, leader } = tracedCluster(31);
  r.sim.setDiskFaults(leader, { "fsync-error": 1 });
  const reply = ask(r.sim, leader, { f: "write", key: "a", value: 2, seq: 1 }, 900, 3000);
  assert.equal(reply, undefined, `a write the leader may have lost was answered: ${reply}`);
  assert.equal(r.sim.isUp(leader), false);
  assert.equal(r.sim.stopped[0]?.node, leader);
  assert.equal(r.sim.stopped[0]?.kind, "fsync-error");
  assert.match(crashReasons(events, leader)[0] ?? "", /fsync failed \(EIO\)/);
  assert.equal(r.sim.failures.length, 0, "a storage fault is not a bug");
});

Deno.test("sim: a follower whose disk is full never acknowledges, so nothing commits", () => {
  const r = raftSim(3, 32);
  one(r, "a", 1, 3);
  const leader = checkOneLeader(r);
  const [f1, f2] = r.sim.nodes.filter((n) => n !== leader);
  r.sim.crash(f2!);
  r.sim.setDiskFaults(f1!, { "disk-full": 1 });
  let reply: Reply | undefined;
  r.sim.request(leader, { f: "write", key: "a", value: 2, seq: 1 }, 901, (x) => reply = x);
  r.sim.runFor(3000);
  assert.notEqual(reply?.type, "ok", "committed without a majority's synced copy");
  assert.equal(nApplied(r.sim, "a", 2), 0);
  assert.ok(r.sim.stopped.some((s) => s.node === f1 && s.kind === "disk-full"));
  // Space freed, the follower back: the cluster goes on.
  r.sim.setDiskFaults(f1!, null);
  r.sim.restart(f1!);
  r.sim.restart(f2!);
  one(r, "b", 3, 3);
});

Deno.test("sim: a node that lost an acknowledged entry refuses its vote until repaired", () => {
  const r = raftSim(3, 33);
  one(r, "a", 1, 3);
  const leader = checkOneLeader(r);
  const [damaged, lagging] = r.sim.nodes.filter((n) => n !== leader) as [string, string];
  // "e" is committed by the leader and `damaged` alone; `lagging` never sees it.
  disconnect(r, lagging);
  one(r, "e", 2, 2);
  const index = raftNode(r.sim, damaged).inspect().entries.at(-1)!.index;
  assert.ok(r.sim.disk(damaged).corrupt(logKey(index)), "the entry of e is on its disk");
  r.sim.crash(damaged); // the damage shows when recovery reads the medium back
  r.sim.crash(leader);
  connect(r, lagging);
  r.sim.restart(damaged);
  assert.equal(r.sim.status(damaged).repairing, true);
  // With its vote, `lagging` (which lacks e) would win and e would be lost.
  r.sim.runFor(5000);
  assert.notEqual(r.sim.status(lagging).role, "leader");
  assert.notEqual(r.sim.status(damaged).role, "leader");
  assert.equal(r.sim.disk(damaged).faultCounts.detected["bit-flip"], 1);
  // The old leader back: it leads, the damaged node catches up from it and votes again.
  r.sim.restart(leader);
  r.sim.runUntil(() => nApplied(r.sim, "e", 2) === 3, 5000);
  assert.equal(nApplied(r.sim, "e", 2), 3);
  assert.equal(r.sim.status(damaged).repairing, undefined);
  assert.deepEqual(r.sim.repaired.map((x) => x.node), [damaged]);
  one(r, "after", 3, 3);
  assert.equal(r.sim.failures.length, 0);
});

Deno.test("sim: a node whose term and vote were damaged stays down, loudly, for good", () => {
  const { r, events, leader } = tracedCluster(34);
  const damaged = r.sim.nodes.find((n) => n !== leader)!;
  assert.ok(r.sim.disk(damaged).corrupt(HARD_STATE_KEY));
  r.sim.crash(damaged);
  for (let i = 0; i < 3; i++) {
    r.sim.restart(damaged); // every restart finds the same damage
    r.sim.runFor(1000);
    assert.equal(r.sim.isUp(damaged), false);
  }
  assert.equal(r.sim.stopped.filter((s) => s.node === damaged).length, 3);
  assert.match(crashReasons(events, damaged).at(-1) ?? "", /raft\/hard: .*checksum/);
  one(r, "b", 2, 2); // the two intact nodes go on
  assert.equal(r.sim.failures.length, 0);
});
