/**
 * Raft under storage faults in the simulator: a node whose sync fails acknowledges
 * nothing, and distlab's voting rule — a node whose disk returns a record that does not
 * verify stops, loudly, and stays down: it never votes, so it can never help elect a
 * leader that lacks the entries it lost.
 */
import assert from "node:assert/strict";
import type { Reply } from "../../protocols/node.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import { ask, checkOneLeader, nApplied, one, raftSim } from "./sim_helpers.ts";

function crashReasons(events: readonly TraceEvent[], node: string): string[] {
  return events.filter((e) => e.kind === "crash" && e.node === node && e.reason !== undefined)
    .map((e) => String(e.reason));
}

Deno.test("sim: a leader whose fsync fails stops, loudly, and acknowledges nothing", () => {
  const r = raftSim(3, 31);
  const events: TraceEvent[] = [];
  r.sim.onTrace((e) => events.push(e));
  one(r, "a", 1, 3);
  const leader = checkOneLeader(r);
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

Deno.test("sim: a node whose log was damaged stays down and never votes; the rest go on", () => {
  const r = raftSim(3, 33);
  const events: TraceEvent[] = [];
  r.sim.onTrace((e) => events.push(e));
  one(r, "a", 1, 3);
  const leader = checkOneLeader(r);
  const [damaged, other] = r.sim.nodes.filter((n) => n !== leader) as [string, string];
  // Bits flip in its synced records while it runs; its cache hides that until a reboot.
  r.sim.setDiskFaults(damaged, { "bit-flip": 1 });
  for (let i = 0; i < 5; i++) one(r, `k${i}`, i, 3);
  r.sim.setDiskFaults(damaged, null);
  r.sim.crash(damaged);
  r.sim.restart(damaged);
  assert.equal(r.sim.isUp(damaged), false, "recovered from records that do not verify");
  assert.ok(r.sim.stopped.some((s) => s.node === damaged && s.kind === "bit-flip"));
  assert.match(crashReasons(events, damaged).at(-1) ?? "", /checksum/);
  // Without it, the other follower cannot become leader: its vote is never given.
  r.sim.crash(leader);
  r.sim.runFor(5000);
  r.sim.restart(damaged); // every restart finds the same damage
  r.sim.runFor(2000);
  assert.equal(r.sim.isUp(damaged), false);
  assert.notEqual(r.sim.status(other).role, "leader");
  // With the old leader back, a majority of intact disks elects and commits.
  r.sim.restart(leader);
  one(r, "after", 9, 2);
  assert.equal(r.sim.failures.length, 0);
});
