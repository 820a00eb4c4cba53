/**
 * Leader election in the simulator: the classic lab cases, named after the paper.
 */
import assert from "node:assert/strict";
import {
  checkNoLeader,
  checkOneLeader,
  checkTerms,
  connect,
  disconnect,
  raftSim,
} from "./sim_helpers.ts";

Deno.test("sim: a leader is elected, and with no failures it stays leader and the term stays put", () => {
  const r = raftSim(3, 1);
  const leader = checkOneLeader(r);
  const term = checkTerms(r);
  assert.ok(term >= 1);
  r.sim.runFor(2000);
  assert.equal(checkTerms(r), term, "no election without failure");
  assert.equal(checkOneLeader(r), leader);
});

Deno.test("sim: when the leader fails, a new one is elected; a lone survivor elects no one", () => {
  const r = raftSim(3, 2);
  const leader1 = checkOneLeader(r);
  disconnect(r, leader1);
  const leader2 = checkOneLeader(r);
  assert.notEqual(leader2, leader1);
  connect(r, leader1); // the old leader rejoins: must not disturb the new one
  const leader3 = checkOneLeader(r);
  disconnect(r, leader3);
  disconnect(r, r.sim.nodes.find((n) => n !== leader3 && !r.cut.has(n))!);
  r.sim.runFor(2000);
  checkNoLeader(r); // no quorum
  const back = [...r.cut.keys()][0];
  connect(r, back);
  checkOneLeader(r);
  connect(r, [...r.cut.keys()][0]);
  checkOneLeader(r);
});

Deno.test("sim: with 7 servers and random disconnects of 3, each majority elects one leader", () => {
  const r = raftSim(7, 3);
  checkOneLeader(r);
  for (let iter = 0; iter < 10; iter++) {
    const out: string[] = [];
    while (out.length < 3) {
      const n = r.sim.nodes[r.sim.rng.int(7)]!;
      if (!out.includes(n)) out.push(n);
    }
    for (const n of out) disconnect(r, n);
    checkOneLeader(r);
    for (const n of out) connect(r, n);
  }
  checkOneLeader(r);
  assert.deepEqual(r.inv.violations, []);
});

Deno.test("sim: an election costs few messages, and an idle leader sends one heartbeat per follower per interval", () => {
  const r = raftSim(3, 4);
  r.sim.runUntil(() => r.sim.nodes.some((n) => r.sim.status(n).commitIndex === 1), 2000);
  // PreVote (4) + RequestVote (4) + the no-op append and commit (≤ 8): well under 30.
  assert.ok(r.sim.stats.sent <= 20, `an election cost ${r.sim.stats.sent} messages`);
  const leader = checkOneLeader(r);
  const perFollower = new Map<string, number>();
  r.sim.onTrace((e) => {
    if (e.kind === "send" && e.node === leader) {
      perFollower.set(e.peer!, (perFollower.get(e.peer!) ?? 0) + 1);
    }
  });
  r.sim.runFor(1000);
  for (const n of r.sim.nodes.filter((x) => x !== leader)) {
    const sent = perFollower.get(n) ?? 0;
    assert.ok(sent <= 1000 / 50 + 1, `${sent} messages to ${n} in an idle second (interval 50 ms)`);
  }
});

Deno.test("sim: with a 333 ms heartbeat an idle second costs at most 3 heartbeats per follower", () => {
  const r = raftSim(3, 5, { heartbeatMs: 333, electionMinMs: 1000, electionMaxMs: 2000 });
  const leader = checkOneLeader(r);
  r.sim.runFor(1000);
  let sent = 0;
  r.sim.onTrace((e) => {
    if (e.kind === "send" && e.node === leader) sent++;
  });
  r.sim.runFor(1000);
  assert.ok(sent <= 3 * 2, `${sent} messages to 2 followers in an idle second`);
});

Deno.test("sim: PreVote keeps a partitioned follower's term, and its return does not depose the leader", () => {
  const r = raftSim(5, 6);
  const leader = checkOneLeader(r);
  const term = checkTerms(r);
  const f = r.sim.nodes.find((n) => n !== leader)!;
  disconnect(r, f);
  r.sim.runFor(5000);
  assert.equal(r.sim.status(f).term, term);
  connect(r, f);
  r.sim.runFor(1000);
  assert.equal(checkOneLeader(r), leader);
  assert.equal(checkTerms(r), term);
});

Deno.test("sim: CheckQuorum makes a leader cut off from its majority step down", () => {
  const r = raftSim(5, 7);
  const leader = checkOneLeader(r);
  disconnect(r, leader);
  r.sim.runFor(400); // electionMinMs (150) + a heartbeat or two
  assert.equal(r.sim.status(leader).role, "follower");
  const other = checkOneLeader(r);
  assert.notEqual(other, leader);
});

Deno.test("sim: leadership transfer hands over in about one round trip", () => {
  const r = raftSim(3, 8);
  const leader = checkOneLeader(r);
  const target = r.sim.nodes.find((n) => n !== leader)!;
  let reply;
  const t0 = r.sim.now();
  r.sim.request(leader, { f: "transfer", node: target }, 1, (x) => reply = x);
  r.sim.runUntil(() => r.sim.status(target).role === "leader", 1000);
  assert.equal(r.sim.status(target).role, "leader");
  assert.ok(r.sim.now() - t0 < 50, `took ${r.sim.now() - t0} ms`);
  assert.deepEqual(reply, { type: "ok", value: { leader: target } });
});

Deno.test("sim: the election window widens per voter, so 40 timers fire further apart than with 3", () => {
  const spread = { electionSpreadPerVoterMs: 20 };
  const small = raftSim(3, 4, spread);
  assert.deepEqual(small.sim.status("n1").electionTimeoutMs, [150, 300]); // 3 × 20 < 150
  const big = raftSim(40, 4, spread);
  assert.deepEqual(big.sim.status("n1").electionTimeoutMs, [150, 950]); // 150 + 40 × 20
  const due = big.sim.nodes.map((n) => Number(big.sim.status(n).electionDueInMs));
  assert.ok(due.every((d) => d >= 150 && d < 950), due.join(","));
  // Drawn over the whole window: some timer fires in its last third.
  assert.ok(due.some((d) => d > 700), due.join(","));
  checkOneLeader(big);
  assert.deepEqual(big.inv.violations, []);
});

Deno.test("sim: a node whose campaigns find no leader doubles its window, up to electionBackoff times, and hearing a leader restores it", () => {
  const r = raftSim(3, 5, { electionBackoff: 2 });
  const leader = checkOneLeader(r);
  const f = r.sim.nodes.find((n) => n !== leader)!;
  assert.deepEqual(r.sim.status(f).electionTimeoutMs, [150, 300]);
  disconnect(r, f);
  r.sim.runFor(400); // one campaign at most: the window has doubled once
  assert.ok(r.sim.status(f).role !== "leader");
  const once = r.sim.status(f).electionTimeoutMs as number[];
  assert.ok(once[1] === 450 || once[1] === 750, String(once));
  r.sim.runFor(5000); // many campaigns: capped at 2 doublings
  assert.deepEqual(r.sim.status(f).electionTimeoutMs, [150, 750]);
  connect(r, f);
  assert.ok(r.sim.runUntil(() => r.sim.status(f).leader !== null, 2000));
  assert.deepEqual(r.sim.status(f).electionTimeoutMs, [150, 300]);
  assert.deepEqual(r.inv.violations, []);
});
