/**
 * SWIM in the simulator, virtual time and fixed seeds: a crashed node is declared dead
 * by every other; a live node that missed probes is suspected and refutes; suspicion
 * spreads by piggyback alone; the messages a node sends per second do not grow with the
 * group; honest traffic passes the message schema.
 */

import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import { suspicionTimeout, swim, swimOptions } from "../../protocols/swim/mod.ts";
import { heartbeat } from "../../protocols/heartbeat/heartbeat.ts";
import { runSimulation } from "../../torture/sim_run.ts";

const O = swimOptions({});

function events(sim: Simulation, kind: string, peer: string): TraceEvent[] {
  return sim.trace().filter((e) => e.kind === kind && (e.data as { peer?: string }).peer === peer);
}

Deno.test("swim: a crashed node is suspected, then declared dead by every other node", () => {
  const sim = new Simulation({ protocol: swim, nodes: 16, seed: 1, trace: "full" });
  sim.runUntilTime(5000);
  sim.crash("n5");
  sim.runUntilTime(25_000);
  const others = sim.nodes.filter((n) => n !== "n5");
  for (const n of others) {
    assert.ok((sim.status(n).dead as string[]).includes("n5"), `${n} still has n5 alive`);
  }
  const suspects = events(sim, "suspect", "n5");
  const deaths = events(sim, "dead", "n5");
  assert.ok(suspects.length > 0);
  assert.ok(suspects[0]!.time > 5000 && suspects[0]!.time < 5000 + 4 * O.periodMs);
  assert.deepEqual(new Set(deaths.map((e) => e.node)), new Set(others));
  assert.ok(
    deaths[0]!.time >= suspects[0]!.time + suspicionTimeout(O, 16),
    "dead only after the timeout",
  );
  // Nobody else was suspected on a reliable network.
  const wrong = sim.trace().filter((e) =>
    (e.kind === "suspect" || e.kind === "dead") && (e.data as { peer: string }).peer !== "n5"
  );
  assert.deepEqual(wrong, []);
});

Deno.test("swim: a live node cut off for less than the suspicion timeout is suspected and refutes", () => {
  const sim = new Simulation({ protocol: swim, nodes: 12, seed: 2, trace: "full" });
  sim.runUntilTime(4000);
  const cut = [
    sim.network.addRule("n3", "*", { drop: 1 }),
    sim.network.addRule("*", "n3", { drop: 1 }),
  ];
  sim.runUntilTime(6500);
  for (const id of cut) sim.network.remove(id);
  sim.runUntilTime(20_000);
  const suspects = events(sim, "suspect", "n3");
  assert.ok(suspects.length > 0, "n3 was suspected");
  const refutes = sim.trace().filter((e) => e.kind === "refute" && e.node === "n3");
  assert.ok(refutes.length > 0, "n3 refuted");
  assert.ok(refutes[0]!.time > suspects[0]!.time);
  assert.deepEqual(events(sim, "dead", "n3"), [], "the refutation came before any death");
  assert.ok((sim.status("n3").incarnation as number) >= 1);
  for (const n of sim.nodes.filter((x) => x !== "n3")) {
    const s = sim.status(n);
    assert.deepEqual(s.suspects, [], `${n} still suspects ${s.suspects}`);
    assert.equal((s.incarnations as Record<string, number>).n3, sim.status("n3").incarnation);
  }
});

Deno.test("swim: under 10% loss everywhere live nodes are suspected, refute, and none is declared dead", () => {
  const sim = new Simulation({ protocol: swim, nodes: 16, seed: 3, trace: "full" });
  sim.network.addRule("*", "*", { drop: 0.1 });
  sim.runUntilTime(60_000);
  const suspects = sim.trace().filter((e) => e.kind === "suspect");
  const refutes = sim.trace().filter((e) => e.kind === "refute");
  assert.ok(suspects.length > 0, "some probe and all its indirect probes were lost");
  assert.ok(refutes.length > 0);
  assert.deepEqual(sim.trace().filter((e) => e.kind === "dead"), []);
});

Deno.test("swim: suspicion reaches nodes that never probed the suspect, on the probes' own messages", () => {
  const sim = new Simulation({ protocol: swim, nodes: 32, seed: 4, trace: "full" });
  sim.runUntilTime(5000);
  sim.pause("n7"); // alive but silent: it cannot refute
  const from = sim.now();
  const types = new Set<string>();
  const firstProbe = new Map<string, number>();
  sim.onTrace((e) => {
    if (e.kind !== "send") return;
    const b = e.body as { type: string; target?: string };
    types.add(b.type);
    if ((e.peer === "n7" || b.target === "n7") && !firstProbe.has(e.node)) {
      firstProbe.set(e.node, e.time);
    }
  });
  sim.runUntilTime(from + suspicionTimeout(O, 32) - 1);
  const suspicions = events(sim, "suspect", "n7");
  const others = sim.nodes.filter((n) => n !== "n7");
  assert.deepEqual(
    new Set(suspicions.map((e) => e.node)),
    new Set(others),
    "every node suspects n7 before any timeout ends",
  );
  // Second-hand: suspected before it had sent n7 a probe of its own.
  const told = suspicions.filter((e) => e.time < (firstProbe.get(e.node) ?? Infinity));
  assert.ok(told.length > others.length / 2, `only ${told.length} learned it second-hand`);
  assert.deepEqual([...types].sort(), ["ack", "ping", "ping-req"], "no message of its own");
});

function perNodeRate(protocol: typeof swim | typeof heartbeat, n: number, ms: number): number {
  const sim = new Simulation({ protocol, nodes: n, seed: 5 });
  sim.runUntilTime(1000);
  const before = sim.stats.sent;
  sim.runUntilTime(1000 + ms);
  return (sim.stats.sent - before) / n / (ms / 1000);
}

Deno.test("swim: messages per node per second do not grow with N (heartbeats grow as N − 1)", () => {
  const rates = [8, 32, 128].map((n) => perNodeRate(swim, n, 10_000));
  for (const r of rates) assert.ok(r > 1.9 && r < 2.1, `${rates}`);
  assert.ok(Math.max(...rates) / Math.min(...rates) < 1.05, `${rates}`);
  const hb = [8, 32].map((n) => perNodeRate(heartbeat, n, 1000));
  assert.ok(hb[1]! > 3.5 * hb[0]!, `heartbeat ${hb}`);
});

Deno.test("swim: honest traffic passes the schema under every nemesis but tamper; invariants hold", () => {
  const r = runSimulation({
    protocol: "swim",
    nodes: 8,
    seed: 6,
    durationMs: 20_000,
    nemesis: ["partition", "kill", "pause", "loss", "duplicate", "reorder", "skew"],
  });
  assert.ok(r.stats.sent > 200, `sent ${r.stats.sent}`);
  assert.equal(r.stats.rejected, 0);
  assert.equal(r.invariant, undefined, r.invariant?.message);
  assert.equal(r.failure, undefined, r.failure?.error);
  const t = runSimulation({
    protocol: "swim",
    nodes: 8,
    seed: 6,
    durationMs: 5000,
    nemesis: [],
  }, (sim) => sim.network.addRule("*", "*", { tamper: 0.3 }));
  assert.ok(t.stats.rejected > 0, "tampered copies that lose their shape are refused");
});

Deno.test("swim: a restarted node comes back with a higher incarnation and is alive again everywhere", () => {
  const sim = new Simulation({ protocol: swim, nodes: 8, seed: 7 });
  sim.runUntilTime(3000);
  sim.crash("n2");
  sim.runUntilTime(15_000);
  assert.ok((sim.status("n1").dead as string[]).includes("n2"));
  sim.restart("n2");
  sim.runUntilTime(25_000);
  assert.equal(sim.status("n2").incarnation, 1);
  for (const n of sim.nodes) assert.deepEqual(sim.status(n).suspects, [], n);
});

Deno.test("swim: after a partition heals, members each side declared dead hear it, refute and rejoin", () => {
  const sim = new Simulation({ protocol: swim, nodes: 8, seed: 8 });
  sim.runUntilTime(3000);
  const left = ["n1", "n2", "n3", "n4"], right = ["n5", "n6", "n7", "n8"];
  sim.network.partition([left, right]);
  sim.runUntilTime(30_000);
  assert.deepEqual(sim.status("n1").dead, right);
  assert.deepEqual(sim.status("n5").dead, left);
  sim.network.heal();
  sim.runUntilTime(60_000);
  for (const n of sim.nodes) {
    const s = sim.status(n);
    assert.deepEqual([s.suspects, s.incarnation], [[], 1], n);
  }
});

Deno.test("swim: after every nemesis heals, each live node trusts every other again (seeds 1-4)", () => {
  for (let seed = 1; seed <= 4; seed++) {
    const r = runSimulation({
      protocol: "swim",
      nodes: 8,
      seed,
      durationMs: 30_000,
      nemesis: ["partition", "kill", "pause", "loss", "duplicate", "reorder", "skew", "bridge"],
    });
    assert.equal(r.invariant, undefined, `seed ${seed}: ${r.invariant?.message}`);
    r.sim.runFor(40_000);
    for (const n of r.sim.nodes.filter((x) => r.sim.isUp(x))) {
      assert.deepEqual(r.sim.status(n).suspects, [], `seed ${seed}: ${n}`);
    }
  }
});
