/**
 * Log agreement in the simulator: the classic lab cases, named after the paper.
 */
import assert from "node:assert/strict";
import {
  ask,
  checkOneLeader,
  connect,
  disconnect,
  nApplied,
  one,
  raftNode,
  raftSim,
} from "./sim_helpers.ts";

Deno.test("sim: once a command is committed it is applied by every server, in log order", () => {
  const r = raftSim(3, 11);
  checkOneLeader(r);
  for (let i = 1; i <= 3; i++) {
    assert.equal(nApplied(r.sim, `c${i}`, i), 0, "nothing applied before it is submitted");
    one(r, `c${i}`, i, 3);
  }
  const logs = r.sim.nodes.map((n) => JSON.stringify(raftNode(r.sim, n).inspect().entries));
  assert.ok(logs.every((l) => l === logs[0]), "identical logs");
});

Deno.test("sim: a command commits as long as a majority is up; the lagging follower catches up", () => {
  const r = raftSim(3, 12);
  one(r, "c101", 101, 3);
  const leader = checkOneLeader(r);
  const follower = r.sim.nodes.find((n) => n !== leader)!;
  disconnect(r, follower);
  one(r, "c102", 102, 2);
  one(r, "c103", 103, 2);
  r.sim.runFor(1000);
  one(r, "c104", 104, 2);
  connect(r, follower);
  one(r, "c106", 106, 3);
  r.sim.runFor(1000);
  one(r, "c107", 107, 3);
  assert.equal(nApplied(r.sim, "c103", 103), 3);
});

Deno.test("sim: no command commits without a majority, and agreement resumes after reconnection", () => {
  const r = raftSim(5, 13);
  one(r, "c10", 10, 5);
  const leader = checkOneLeader(r);
  const followers = r.sim.nodes.filter((n) => n !== leader);
  for (const f of followers.slice(0, 3)) disconnect(r, f);
  const reply = ask(r.sim, leader, { f: "write", key: "c20", value: 20 }, 2, 2000);
  assert.notEqual(reply?.type, "ok", "acknowledged without a majority");
  assert.equal(nApplied(r.sim, "c20", 20), 0);
  const index = raftNode(r.sim, leader).inspect().entries.at(-1)!.index;
  assert.ok(raftNode(r.sim, leader).inspect().commitIndex < index);
  for (const f of followers.slice(0, 3)) connect(r, f);
  one(r, "c30", 30, 5);
  one(r, "c1000", 1000, 5);
});

Deno.test("sim: concurrent proposals to the leader all commit, each at its own index", () => {
  const r = raftSim(3, 14);
  const leader = checkOneLeader(r);
  const replies: unknown[] = [];
  for (let i = 0; i < 5; i++) {
    r.sim.request(leader, { f: "write", key: `k${i}`, value: i }, 100 + i, (x) => replies.push(x));
  }
  r.sim.runUntil(() => replies.length === 5, 2000);
  assert.equal(replies.filter((x) => (x as { type: string }).type === "ok").length, 5);
  const entries = raftNode(r.sim, leader).inspect().entries.filter((e) => e.data.type === "kv");
  assert.equal(new Set(entries.map((e) => e.index)).size, 5);
});

Deno.test("sim: a partitioned leader rejoins; its uncommitted entries are replaced by the new leader's", () => {
  const r = raftSim(3, 15);
  one(r, "c101", 101, 3);
  const leader1 = checkOneLeader(r);
  disconnect(r, leader1);
  const stale: unknown[] = [];
  for (let i = 102; i <= 104; i++) {
    r.sim.request(leader1, { f: "write", key: `c${i}`, value: i }, 7, (x) => stale.push(x));
  }
  one(r, "c103b", 103, 2);
  const leader2 = checkOneLeader(r);
  disconnect(r, leader2);
  connect(r, leader1);
  one(r, "c104b", 104, 2);
  connect(r, leader2);
  one(r, "c105", 105, 3);
  r.sim.runFor(500);
  for (let i = 102; i <= 104; i++) assert.equal(nApplied(r.sim, `c${i}`, i), 0);
  assert.ok(stale.every((x) => (x as { type: string }).type === "info"), JSON.stringify(stale));
});

Deno.test("sim: the leader backs up quickly over incorrect follower logs (50 entries per phase)", () => {
  const r = raftSim(5, 16);
  one(r, "start", 0, 5);
  const leader1 = checkOneLeader(r);
  const others = r.sim.nodes.filter((n) => n !== leader1);
  // Put leader1 and one follower in a partition; submit 50 commands that cannot commit.
  for (const n of others.slice(1)) disconnect(r, n);
  for (let i = 0; i < 50; i++) r.sim.request(leader1, { f: "write", key: `lost${i}`, value: i }, 3);
  r.sim.runFor(500);
  disconnect(r, leader1);
  disconnect(r, others[0]);
  // The other three elect a leader and commit 50 commands.
  for (const n of others.slice(1)) connect(r, n);
  for (let i = 0; i < 50; i++) one(r, `a${i}`, i, 3);
  // Now another partitioned leader and one follower.
  const leader2 = checkOneLeader(r);
  const other = others.slice(1).find((n) => n !== leader2)!;
  disconnect(r, other);
  for (let i = 0; i < 50; i++) {
    r.sim.request(leader2, { f: "write", key: `lost2_${i}`, value: i }, 4);
  }
  r.sim.runFor(500);
  // Bring back the original leader's group; they must catch up past 50 wrong entries.
  for (const n of r.sim.nodes) disconnect(r, n);
  connect(r, leader1);
  connect(r, others[0]);
  connect(r, other);
  const sentBefore = r.sim.stats.sent;
  for (let i = 0; i < 50; i++) one(r, `b${i}`, i, 3);
  for (const n of r.sim.nodes) connect(r, n);
  one(r, "end", 1, 5);
  assert.ok(r.sim.stats.sent - sentBefore < 5000, `${r.sim.stats.sent - sentBefore} messages`);
  for (let i = 0; i < 50; i++) assert.equal(nApplied(r.sim, `lost${i}`, i), 0);
  assert.equal(nApplied(r.sim, "a49", 49), 5);
});
