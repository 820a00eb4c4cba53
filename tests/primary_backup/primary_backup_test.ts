import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { runSimulation } from "../../torture/sim_run.ts";
import type { NodeId, Reply } from "../../protocols/node.ts";
import { primaryBackup } from "../../protocols/primary_backup/primary_backup.ts";
import type { PrimaryBackupOp } from "../../protocols/primary_backup/message.ts";
import type { ReplicationMode } from "../../protocols/primary_backup/mode.ts";

function cluster(seed: number, options: Record<string, unknown> = {}, nodes = 3) {
  const sim = new Simulation({ protocol: primaryBackup, nodes, seed, options });
  const send = (node: NodeId, op: PrimaryBackupOp, client = 1) => {
    let reply: Reply | undefined;
    let ms: number | undefined;
    const t0 = sim.now();
    sim.request(node, op, client, (r) => {
      reply = r;
      ms = sim.now() - t0;
    });
    // Functions, not fields: the answer arrives while the test runs the simulation.
    return { reply: () => reply, ms: () => ms };
  };
  const lag = (n: NodeId, field: "lag" | "lagMs" = "lag") =>
    sim.status(n)[field] as Record<NodeId, number>;
  const dump = (n: NodeId) => sim.host(n)!.node.dump!();
  const primaryNow = () => sim.nodes.find((n) => sim.isUp(n) && sim.status(n).role === "primary");
  return { sim, send, dump, primaryNow, lag };
}

/** Continuous writes of fresh keys by `clients` clients; returns the acknowledged ones. */
function load(c: ReturnType<typeof cluster>, clients: number, until: number) {
  const acked = new Map<string, number>();
  let next = 1;
  for (let i = 0; i < clients; i++) {
    const go = () => {
      if (c.sim.now() >= until) return;
      const n = next++;
      c.sim.request("n1", { f: "write", key: `w${n}`, value: n }, i, (r) => {
        if (r.type === "ok" && c.sim.now() <= until) acked.set(`w${n}`, n);
        c.sim.after(0.5 + c.sim.rng.next(), go);
      });
    };
    c.sim.after(c.sim.rng.next(), go);
  }
  return acked;
}

function lostOnCrash(mode: ReplicationMode, seed: number) {
  const c = cluster(seed, { mode });
  c.sim.runFor(100);
  const acked = load(c, 8, 600);
  c.sim.runUntilTime(600);
  c.sim.crash("n1");
  assert.ok(c.sim.runUntil(() => c.primaryNow() !== undefined, 2000), "a backup took over");
  c.sim.runFor(200);
  const data = c.dump(c.primaryNow()!);
  let lost = 0;
  for (const [k, v] of acked) if (data[k] !== v) lost++;
  return { acked: acked.size, lost };
}

Deno.test("writes go to the primary and reach every backup; others redirect to the primary", () => {
  const c = cluster(1, { mode: "sync" });
  const w = c.send("n1", { f: "write", key: "x", value: 1 });
  c.sim.runFor(50);
  assert.equal(w.reply()?.type, "ok");
  assert.deepEqual(c.send("n1", { f: "read", key: "x" }).reply(), { type: "ok", value: 1 });
  assert.deepEqual(c.send("n2", { f: "write", key: "y", value: 2 }).reply(), {
    type: "fail",
    code: 1000,
    error: "not the primary",
    leader: "n1",
  });
  assert.equal(c.send("n1", { f: "cas", key: "x", value: [5, 6] }).reply()?.type, "fail");
  const cas = c.send("n1", { f: "cas", key: "x", value: [1, 7] });
  const del = c.send("n1", { f: "delete", key: "x" });
  c.sim.runFor(50);
  assert.equal(cas.reply()?.type, "ok");
  assert.equal(del.reply()?.type, "ok");
  for (const n of c.sim.nodes) assert.deepEqual(c.dump(n), {});
});

Deno.test("on a primary crash sync and semi-sync lose no acknowledged write; async loses some", () => {
  for (const seed of [1, 2, 3]) {
    const sync = lostOnCrash("sync", seed);
    const semi = lostOnCrash("semi-sync", seed);
    const async = lostOnCrash("async", seed);
    assert.ok(
      sync.acked > 50 && semi.acked > sync.acked,
      `seed ${seed}: ${sync.acked} ${semi.acked}`,
    );
    assert.equal(sync.lost, 0, `seed ${seed}: sync`);
    assert.equal(semi.lost, 0, `seed ${seed}: semi-sync`);
    assert.ok(async.acked > semi.acked, `seed ${seed}: async is fastest`);
    assert.ok(async.lost > 0, `seed ${seed}: async lost ${async.lost} of ${async.acked}`);
  }
});

Deno.test("write latency: async at once, semi-sync one round trip, sync the slowest backup's", () => {
  const latency = (mode: ReplicationMode) => {
    const c = cluster(4, { mode });
    c.sim.network.addRule("n1", "n3", { delay: { kind: "constant", ms: 20 } });
    c.sim.network.addRule("n3", "n1", { delay: { kind: "constant", ms: 20 } });
    c.sim.network.addRule("n1", "n2", { delay: { kind: "constant", ms: 2 } });
    c.sim.network.addRule("n2", "n1", { delay: { kind: "constant", ms: 2 } });
    c.sim.runFor(100);
    const w = c.send("n1", { f: "write", key: "x", value: 1 });
    c.sim.runFor(100);
    return w.ms();
  };
  assert.equal(latency("async"), 0);
  assert.equal(latency("semi-sync"), 4);
  assert.equal(latency("sync"), 40);
});

Deno.test("semi-sync falls back to async after its timeout and returns once a backup catches up", () => {
  const c = cluster(5, { mode: "semi-sync", semiSyncTimeoutMs: 150, autoFailover: false });
  const events: string[] = [];
  c.sim.onTrace((e) => {
    if (e.kind === "semi-sync") {
      events.push((e.data as { restored: boolean }).restored ? "restored" : "fallback");
    }
  });
  c.sim.runFor(100);
  c.sim.network.cut("n1", "n2");
  c.sim.network.cut("n1", "n3");
  const waiting = c.send("n1", { f: "write", key: "a", value: 1 });
  c.sim.runFor(100);
  assert.equal(waiting.reply(), undefined, "still waiting for a backup");
  assert.equal(c.sim.status("n1").effectiveMode, "semi-sync");
  c.sim.runFor(100);
  assert.equal(waiting.reply()?.type, "ok");
  assert.ok(waiting.ms()! >= 150);
  assert.equal(c.sim.status("n1").effectiveMode, "async");
  assert.equal(c.send("n1", { f: "write", key: "b", value: 2 }).ms(), 0, "async: at once");
  assert.equal(c.lag("n1").n2, 2, "n2 is two changes behind");
  c.sim.network.heal();
  c.sim.runFor(200);
  assert.equal(c.sim.status("n1").effectiveMode, "semi-sync");
  assert.deepEqual(c.lag("n1"), { n2: 0, n3: 0 });
  assert.deepEqual(events, ["fallback", "restored"]);
  assert.deepEqual(c.dump("n3"), { a: 1, b: 2 });
});

Deno.test("the mode changes live with set-mode, and backups keep it across a failover", () => {
  const c = cluster(6, { mode: "async" });
  c.sim.runFor(50);
  const r = c.send("n1", { f: "set-mode", mode: "sync" });
  assert.deepEqual(r.reply(), { type: "ok", value: { mode: "sync", was: "async" } });
  const w = c.send("n1", { f: "write", key: "x", value: 1 });
  assert.equal(w.reply(), undefined, "sync now waits for the backups");
  c.sim.runFor(50);
  assert.equal(w.reply()?.type, "ok");
  assert.equal(c.send("n2", { f: "set-mode", mode: "async" }).reply()?.type, "fail");
  assert.equal(
    c.send("n1", { f: "set-mode", mode: "fast" as ReplicationMode }).reply()?.type,
    "fail",
  );
  c.sim.crash("n1");
  assert.ok(c.sim.runUntil(() => c.primaryNow() !== undefined, 2000));
  assert.equal(c.sim.status(c.primaryNow()!).mode, "sync");
});

Deno.test("status shows each backup's replication lag in changes and milliseconds", () => {
  const c = cluster(7, { mode: "async" });
  c.sim.network.addRule("n1", "n3", { delay: { kind: "constant", ms: 50 } });
  c.sim.runFor(100);
  for (let i = 0; i < 5; i++) c.send("n1", { f: "write", key: `k${i}`, value: i });
  c.sim.runFor(30);
  assert.equal(c.lag("n1").n2, 0);
  assert.equal(c.lag("n1").n3, 5);
  const ms = c.lag("n1", "lagMs").n3!;
  assert.ok(ms >= 20, `n3 ${ms} ms behind`);
  c.sim.runFor(200);
  assert.deepEqual(c.lag("n1"), { n2: 0, n3: 0 });
});

Deno.test("automatic failover promotes the most up-to-date backup", () => {
  const c = cluster(8, { mode: "async" }, 4);
  c.sim.runFor(100);
  // n2 hears nothing for a while: it falls behind n3 and n4.
  c.sim.network.cut("n1", "n2");
  for (let i = 0; i < 10; i++) c.send("n1", { f: "write", key: `k${i}`, value: i });
  c.sim.runFor(30);
  c.sim.crash("n1");
  c.sim.network.heal();
  assert.ok(c.sim.runUntil(() => c.primaryNow() !== undefined, 2000));
  assert.equal(c.primaryNow(), "n3", "n3 and n4 are level; the lower number wins");
  assert.equal(c.sim.status("n3").epoch, 1);
  c.sim.runFor(300);
  for (const n of ["n2", "n3", "n4"]) assert.equal(Object.keys(c.dump(n)).length, 10, n);
  assert.deepEqual(c.send("n2", { f: "read", key: "k1" }).reply(), {
    type: "fail",
    code: 1000,
    error: "not the primary",
    leader: "n3",
  });
});

Deno.test("a restarted old primary learns of the new epoch, steps down and drops its lost writes", () => {
  const c = cluster(9, { mode: "async", asyncShipMs: 50 });
  c.sim.runFor(100);
  c.send("n1", { f: "write", key: "shipped", value: 1 });
  c.sim.runFor(100);
  c.send("n1", { f: "write", key: "lost", value: 2 }); // acknowledged, never shipped
  c.sim.crash("n1");
  assert.ok(c.sim.runUntil(() => c.primaryNow() !== undefined, 2000));
  const p = c.primaryNow()!;
  c.send(p, { f: "write", key: "after", value: 3 });
  c.sim.restart("n1");
  assert.equal(c.sim.status("n1").role, "recovering");
  assert.equal(c.send("n1", { f: "write", key: "z", value: 0 }).reply()?.type, "fail");
  c.sim.runFor(500);
  assert.equal(c.sim.status("n1").role, "backup");
  assert.equal(c.sim.status("n1").primary, p);
  assert.deepEqual(c.dump("n1"), { shipped: 1, after: 3 });
});

Deno.test("a restarted primary nobody replaced takes writes again", () => {
  const c = cluster(10, { mode: "sync", autoFailover: false });
  c.sim.runFor(100);
  c.send("n1", { f: "write", key: "a", value: 1 });
  c.sim.runFor(50);
  c.sim.crash("n1");
  c.sim.runFor(500);
  c.sim.restart("n1");
  c.sim.runFor(200);
  assert.equal(c.sim.status("n1").role, "primary");
  const w = c.send("n1", { f: "write", key: "b", value: 2 });
  c.sim.runFor(50);
  assert.equal(w.reply()?.type, "ok");
  assert.deepEqual(c.dump("n2"), { a: 1, b: 2 });
});

Deno.test("a manual failover hands over to the chosen backup without losing a write", () => {
  const c = cluster(11, { mode: "async" });
  c.sim.runFor(100);
  for (let i = 0; i < 20; i++) c.send("n1", { f: "write", key: `k${i}`, value: i });
  const fo = c.send("n1", { f: "failover", to: "n3" });
  assert.deepEqual(c.send("n1", { f: "write", key: "during", value: 0 }).reply(), {
    type: "fail",
    code: 11,
    error: "failover in progress",
    leader: "n3",
  });
  c.sim.runFor(200);
  assert.deepEqual(fo.reply(), { type: "ok", value: { primary: "n3" } });
  assert.equal(c.primaryNow(), "n3");
  assert.equal(c.sim.status("n1").role, "backup");
  for (const n of c.sim.nodes) assert.equal(Object.keys(c.dump(n)).length, 20, n);
  const w = c.send("n3", { f: "write", key: "new", value: 1 });
  c.sim.runFor(10);
  assert.equal(w.reply()?.type, "ok");
});

Deno.test("the phi-accrual detector drives failover as well", () => {
  const c = cluster(12, { mode: "semi-sync", detector: "phi" });
  c.sim.runFor(500);
  c.sim.crash("n1");
  assert.ok(c.sim.runUntil(() => c.primaryNow() !== undefined, 2000));
  assert.equal(c.primaryNow(), "n2");
  c.sim.runFor(500);
  assert.deepEqual(c.sim.status("n2").suspects, ["n1"], "the new primary watches its backups");
  const w = c.send("n2", { f: "write", key: "x", value: 1 });
  c.sim.runFor(20);
  assert.equal(w.reply()?.type, "ok");
});

Deno.test("an isolated backup does not promote itself: failover needs a majority in touch", () => {
  const c = cluster(13, { mode: "semi-sync" });
  c.sim.runFor(100);
  c.sim.network.isolate("n3");
  c.sim.runFor(1000);
  assert.notEqual(c.sim.status("n3").role, "primary", "it suspects n1 but stays a backup");
  assert.equal(c.sim.status("n3").epoch, 0);
  assert.equal(c.primaryNow(), "n1");
  c.sim.network.heal();
  const w = c.send("n1", { f: "write", key: "x", value: 1 });
  c.sim.runFor(100);
  assert.equal(w.reply()?.type, "ok");
  assert.deepEqual(c.dump("n3"), { x: 1 });
});

Deno.test("a backup that missed more than the primary keeps is caught up with a snapshot", () => {
  const c = cluster(14, { mode: "async", maxLog: 10 });
  c.sim.runFor(100);
  c.sim.crash("n3");
  for (let i = 0; i < 100; i++) c.send("n1", { f: "write", key: `k${i % 7}`, value: i });
  c.sim.runFor(100);
  let snapshots = 0;
  c.sim.onTrace((e) => {
    if (e.kind === "send" && (e.body as { type: string }).type === "snapshot") snapshots++;
  });
  c.sim.restart("n3");
  c.sim.runFor(300);
  assert.ok(snapshots >= 1);
  assert.deepEqual(c.dump("n3"), c.dump("n1"));
  assert.equal(c.lag("n1").n3, 0);
});

Deno.test("under random faults every mode ends with one primary and converged replicas", () => {
  for (const mode of ["sync", "semi-sync", "async"]) {
    for (let seed = 1; seed <= 6; seed++) {
      const r = runSimulation({
        protocol: primaryBackup,
        nodes: 3,
        seed,
        durationMs: 4000,
        nemesis: ["partition", "kill", "pause", "loss", "duplicate", "reorder"],
        clients: 4,
        options: { mode },
      });
      const primaries = Object.values(r.statuses).filter((s) => s.role === "primary");
      assert.equal(primaries.length, 1, `${mode} seed ${seed}`);
      const data = Object.values(r.finalData!);
      for (const d of data) assert.deepEqual(d, data[0], `${mode} seed ${seed}`);
    }
  }
});
