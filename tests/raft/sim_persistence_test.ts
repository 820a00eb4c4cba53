/**
 * Crashes in the simulator: persistence, Figure 8 (reliable and unreliable networks),
 * churn with concurrent clients, snapshots installed across crashes, membership change.
 */
import assert from "node:assert/strict";
import type { Reply } from "../../protocols/node.ts";
import { startKvWorkload } from "../../torture/kv_workload.ts";
import { checkLinearizability } from "../../checker/linearizability.ts";
import { kvModel } from "../../checker/models.ts";
import {
  checkOneLeader,
  connect,
  disconnect,
  nApplied,
  one,
  raftNode,
  raftSim,
  reachable,
} from "./sim_helpers.ts";

Deno.test("sim: a server's term, vote and log survive crashes of every server", () => {
  const r = raftSim(3, 21);
  one(r, "c11", 11, 3);
  for (const n of r.sim.nodes) r.sim.crash(n);
  for (const n of r.sim.nodes) r.sim.restart(n);
  one(r, "c12", 12, 3);
  const leader1 = checkOneLeader(r);
  r.sim.crash(leader1);
  r.sim.restart(leader1);
  one(r, "c13", 13, 3);
  const leader2 = checkOneLeader(r);
  r.sim.crash(leader2);
  one(r, "c14", 14, 2);
  r.sim.restart(leader2);
  r.sim.runUntil(() => nApplied(r.sim, "c14", 14) === 3, 4000);
  const i3 = r.sim.nodes.find((n) => n !== checkOneLeader(r))!;
  r.sim.crash(i3);
  one(r, "c15", 15, 2);
  r.sim.restart(i3);
  one(r, "c16", 16, 3);
  assert.equal(nApplied(r.sim, "c11", 11), 3);
});

Deno.test("sim: committed entries survive random leader crashes (Figure 8)", () => {
  const r = raftSim(5, 22);
  const { sim } = r;
  one(r, "start", 0, 1);
  let up = 5;
  for (let iter = 0; iter < 60; iter++) {
    let leader: string | undefined;
    for (const n of sim.nodes) {
      if (sim.isUp(n) && sim.status(n).role === "leader") {
        sim.request(n, { f: "write", key: `f${iter}`, value: iter }, 9);
        leader = n;
      }
    }
    sim.runFor(sim.rng.next() < 0.1 ? sim.rng.int(500) : sim.rng.int(13));
    if (leader !== undefined && sim.isUp(leader)) {
      sim.crash(leader);
      up--;
    }
    if (up < 3) {
      const down = sim.nodes.filter((n) => !sim.isUp(n));
      sim.restart(down[sim.rng.int(down.length)]!);
      up++;
    }
  }
  for (const n of sim.nodes) sim.restart(n);
  one(r, "end", 1, 5);
  assert.ok(r.inv.maxCommitted > 10);
});

Deno.test("sim: committed entries survive crashes over a lossy, reordering, slow network (Figure 8 unreliable)", () => {
  const r = raftSim(5, 23, {}, {
    drop: 0.1,
    reorder: 0.2,
    duplicate: 0.05,
    delay: { kind: "uniform", min: 1, max: 30 },
  });
  const { sim } = r;
  one(r, "start", 0, 1);
  for (let iter = 0; iter < 200; iter++) {
    if (iter === 100) {
      sim.network.addRule("*", "*", { delay: { kind: "uniform", min: 1, max: 200 } });
    }
    for (const n of sim.nodes) {
      if (sim.isUp(n) && sim.status(n).role === "leader") {
        sim.request(n, { f: "write", key: `u${iter}`, value: iter }, 9);
      }
    }
    sim.runFor(sim.rng.next() < 0.1 ? sim.rng.int(500) : sim.rng.int(13));
    if (sim.rng.next() < 0.2) {
      const n = sim.nodes[sim.rng.int(5)]!;
      if (r.cut.has(n)) connect(r, n);
      else if (r.cut.size < 2) disconnect(r, n);
    }
  }
  sim.network.heal();
  for (const n of sim.nodes) connect(r, n);
  one(r, "end", 1, 5);
  assert.ok(r.inv.maxCommitted > 30);
});

Deno.test("sim: with concurrent clients and churn, every acknowledged write survives", () => {
  const r = raftSim(5, 24, { snapshotThreshold: 40, compactMargin: 5 });
  const { sim } = r;
  const acked = new Map<string, number>();
  const clients = 5;
  let stopAt = 15_000;
  for (let c = 0; c < clients; c++) {
    let seq = 0;
    let target = sim.nodes[c]!;
    const next = () => {
      if (sim.now() >= stopAt) return;
      seq++;
      const key = `c${c}-${seq}`;
      const attempt = () => {
        let done = false;
        sim.request(target, { f: "write", key, value: seq, seq }, c + 1, (rep: Reply) => {
          if (done) return;
          done = true;
          if (rep.type === "ok") {
            acked.set(key, seq);
            return sim.after(5, next);
          }
          target = rep.type === "fail" && rep.leader ? rep.leader : sim.nodes[sim.rng.int(5)]!;
          sim.after(20, attempt); // retry the same (client, seq): applied at most once
        });
        sim.after(500, () => {
          if (done) return;
          done = true;
          target = sim.nodes[sim.rng.int(5)]!;
          attempt();
        });
      };
      attempt();
    };
    sim.after(c, next);
  }
  // Churn: crash and restart random nodes, keeping a majority most of the time.
  for (let t = 500; t < stopAt; t += 300) {
    sim.at(t, () => {
      const n = sim.nodes[sim.rng.int(5)]!;
      if (sim.isUp(n)) {
        if (sim.nodes.filter((x) => sim.isUp(x)).length > 3) sim.crash(n);
      } else sim.restart(n);
    });
  }
  sim.runUntilTime(stopAt);
  stopAt = 0;
  for (const n of sim.nodes) sim.restart(n);
  sim.runFor(3000);
  assert.ok(acked.size > 200, `only ${acked.size} writes acknowledged`);
  for (const n of sim.nodes) {
    const data = raftNode(sim, n).dump();
    const lost = [...acked].filter(([k, v]) => data[k] !== v);
    assert.deepEqual(lost, [], `${n} lost acknowledged writes`);
  }
});

Deno.test("sim: a history of concurrent clients under partitions and crashes is linearizable", () => {
  const r = raftSim(5, 25, { snapshotThreshold: 50, compactMargin: 5 });
  const { sim } = r;
  const w = startKvWorkload(sim, { clients: 4, untilMs: 6000, keys: 3 });
  const victims = ["n1", "n2", "n3", "n4", "n5"];
  for (let t = 500; t < 6000; t += 700) {
    sim.at(t, () => sim.network.partition([victims.slice(0, 2), victims.slice(2)]));
    sim.at(t + 350, () => sim.network.heal());
    sim.at(t + 400, () => sim.crash(victims[sim.rng.int(5)]!));
    sim.at(t + 650, () => sim.nodes.forEach((n) => sim.restart(n)));
  }
  sim.runUntilTime(6000);
  sim.network.heal();
  for (const n of sim.nodes) sim.restart(n);
  sim.runFor(2000);
  w.finish();
  const history = w.history.events();
  assert.ok(history.filter((e) => e.type === "ok").length > 300, "the clients got work done");
  const lin = checkLinearizability(history, kvModel, { timeoutMs: 20_000 });
  assert.equal(lin.verdict, "linearizable", JSON.stringify(lin).slice(0, 500));
  const dumps = sim.nodes.map((n) => JSON.stringify(raftNode(sim, n).dump()));
  assert.ok(dumps.every((d) => d === dumps[0]), "replicas converged");
});

Deno.test("sim: lagging followers are caught up by InstallSnapshot across crashes", () => {
  const r = raftSim(3, 26, { snapshotThreshold: 20, compactMargin: 2 });
  const { sim } = r;
  let installs = 0;
  sim.onTrace((e) => {
    if (e.kind === "snapshot" && (e.data as { action?: string }).action === "install") installs++;
  });
  one(r, "start", 0, 3);
  for (let iter = 0; iter < 12; iter++) {
    const leader = checkOneLeader(r);
    const victim = sim.nodes.find((n) => n !== leader)!;
    if (iter % 2 === 0) disconnect(r, victim);
    else sim.crash(victim);
    for (let i = 0; i < 30; i++) sim.request(leader, { f: "write", key: `s${iter}`, value: i }, 5);
    sim.runFor(300);
    if (iter % 3 === 0) {
      const l = checkOneLeader(r);
      sim.crash(l);
      sim.runFor(200);
      sim.restart(l);
    }
    connect(r, victim);
    sim.restart(victim);
    one(r, `done${iter}`, iter, 3);
  }
  assert.ok(installs >= 3, `${installs} snapshots installed`);
  const dumps = reachable(r).map((n) => JSON.stringify(raftNode(sim, n).dump()));
  assert.ok(dumps.every((d) => d === dumps[0]));
});

Deno.test("sim: servers are added and removed one at a time while clients keep writing", () => {
  const members = ["n1", "n2", "n3"];
  const r = raftSim(members, 27, { members });
  const { sim } = r;
  one(r, "a", 1, 3);
  const admin = (op: { f: "add-node" | "remove-node"; node: string }) => {
    for (let i = 0; i < 20; i++) {
      const leader = checkOneLeader(r);
      let reply: Reply | undefined;
      sim.request(leader, op, 99, (x) => reply = x);
      sim.runUntil(() => reply !== undefined, 3000);
      if (reply?.type === "ok") return;
      sim.runFor(100);
    }
    throw new Error(`admin ${JSON.stringify(op)} never succeeded`);
  };
  sim.addNode("n4");
  admin({ f: "add-node", node: "n4" });
  one(r, "b", 2, 4);
  sim.addNode("n5");
  admin({ f: "add-node", node: "n5" });
  one(r, "c", 3, 5);
  const leader = checkOneLeader(r);
  admin({ f: "remove-node", node: leader }); // the leader removes itself
  const next = checkOneLeader(r);
  assert.notEqual(next, leader);
  admin({ f: "remove-node", node: "n2" === next ? "n3" : "n2" });
  one(r, "d", 4, 3);
  const voters = sim.status(checkOneLeader(r)).voters as string[];
  assert.equal(voters.length, 3);
  assert.ok(!voters.includes(leader));
  assert.equal(
    nApplied(sim, "a", 1),
    5,
    "every node, removed ones included, applied the early writes",
  );
});
