import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { quorumKv } from "../../protocols/quorum/mod.ts";
import { type TortureConfig, tortureSeed } from "../../torture/torture.ts";
import { findStaleReads } from "../../protocols/quorum/mod.ts";
import { call, cluster, qnode } from "./harness.ts";

/** Messages each node sends per second on an idle cluster of `n` nodes. */
function idleRate(n: number, detector: string): number {
  const sim = new Simulation({
    protocol: quorumKv,
    nodes: n,
    seed: 1,
    options: { detector, antiEntropyMs: 0 },
  });
  sim.runFor(1000);
  let sent = 0;
  sim.onTrace((e) => {
    if (e.kind === "send") sent++;
  });
  sim.runFor(4000);
  return sent / n / 4;
}

const suspects = (sim: Simulation, n: string): string[] =>
  (sim.status(n).suspects as string[] | undefined) ?? [];

Deno.test("with detector=swim each node's detection traffic stays the same from 5 to 40 nodes", () => {
  const swim5 = idleRate(5, "swim"), swim40 = idleRate(40, "swim");
  const ping5 = idleRate(5, "phi"), ping40 = idleRate(40, "phi");
  assert.ok(swim40 <= swim5 * 1.2, `SWIM: ${swim5} → ${swim40} msgs/node/s`);
  // The anchor: every node pinging every member grows with the cluster.
  assert.ok(ping40 > ping5 * 5, `pings: ${ping5} → ${ping40} msgs/node/s`);
  assert.ok(swim40 < ping40 / 10);
});

Deno.test("SWIM: every node comes to suspect a crashed one, and trusts it again after its restart", () => {
  const sim = cluster(8, { detector: "swim" });
  sim.crash("n3");
  const others = sim.nodes.filter((n) => n !== "n3");
  assert.ok(
    sim.runUntil(() => others.every((n) => suspects(sim, n).includes("n3")), 5000),
    "not every node suspects n3",
  );
  sim.restart("n3");
  assert.ok(
    sim.runUntil(() => others.every((n) => !suspects(sim, n).includes("n3")), 5000),
    "n3 still suspected after its restart",
  );
  // It came back with a higher incarnation, which overrode the suspicion (a refutation).
  assert.ok(((sim.status("n3").swim as { incarnation: number }).incarnation) > 0);
});

Deno.test("SWIM: a node that missed a ring change learns it from the epoch on a probe", () => {
  const sim = cluster(4, { detector: "swim", antiEntropyMs: 0 });
  sim.addNode("n5");
  const block = sim.network.isolate("n4");
  assert.equal(call(sim, "n1", { f: "add-node", node: "n5" }).type, "ok");
  sim.runFor(500);
  assert.equal(qnode(sim, "n4").membership().epoch, 0); // cut off: it heard nothing
  sim.network.remove(block);
  assert.ok(sim.runUntil(() => qnode(sim, "n4").membership().epoch === 1, 5000));
  assert.deepEqual(qnode(sim, "n4").ring().nodes, ["n1", "n2", "n3", "n4", "n5"]);
});

Deno.test("SWIM as the detector keeps strict quorums' promise: no read misses an acknowledged write", () => {
  const c: TortureConfig = {
    protocol: quorumKv,
    nodes: 5,
    seeds: 6,
    seedStart: 1,
    durationMs: 3000,
    clients: 4,
    keys: 3,
    nemesis: ["partition", "kill", "pause"],
    options: { detector: "swim", sloppy: false, r: 2, w: 2 },
  };
  let checked = 0;
  for (let seed = 1; seed <= 6; seed++) {
    const o = tortureSeed(c, seed);
    const report = findStaleReads(o.run.history!);
    assert.deepEqual(report.stale, [], `seed ${seed}`);
    assert.equal(o.verdict.converged, true, `seed ${seed}: ${o.verdict.divergentKeys}`);
    checked += report.checked;
  }
  assert.ok(checked > 200, `only ${checked} reads checked`);
});
