import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import { scheduleNemesis, seededSchedule } from "../../nodes/nemesis.ts";
import { createPhiAccrual, heartbeat, phi, phiHeartbeat } from "../../protocols/heartbeat/mod.ts";
import type { AnyProtocol } from "../../protocols/node.ts";
import { fullReviewHeartbeat } from "./full_review.ts";

const at = (events: readonly TraceEvent[], node: string, kind: string, peer?: string) =>
  events.filter((e) =>
    e.node === node && e.kind === kind &&
    (peer === undefined || e.peer === peer || (e.data as { peer?: string })?.peer === peer)
  );

for (const detector of ["fixed", "phi"] as const) {
  Deno.test(`heartbeat (${detector}): a peer silent past its deadline is suspected at the first tick after`, () => {
    // Two nodes: once n2 is down, n1 gets no messages, so its next event is a tick.
    const sim = new Simulation({
      protocol: heartbeat,
      nodes: 2,
      seed: 5,
      trace: "full",
      options: { detector, timeoutMs: 500 },
    });
    sim.at(1000, () => sim.crash("n2"));
    sim.runFor(3000);
    const events = sim.trace();
    const lastBeat = at(events, "n1", "deliver", "n2").at(-1)!.time;
    const suspects = at(events, "n1", "suspect", "n2");
    assert.equal(suspects.length, 1);
    const suspectedAt = suspects[0]!.time;
    const ticks = at(events, "n1", "tick").map((e) => e.time);
    assert.ok(ticks.includes(suspectedAt), "suspected at a tick");
    const previousTick = ticks.filter((t) => t < suspectedAt).at(-1)!;
    // The tick before it was not past the deadline, this one is: the deadline is the
    // fixed timeout, or where φ crosses 8 for the heartbeats n1 got (replayed here).
    const replay = createPhiAccrual(["n2"], 0, { firstIntervalMs: 100 });
    for (const e of at(events, "n1", "deliver", "n2")) phiHeartbeat(replay, "n2", e.time);
    const past = (t: number) =>
      detector === "fixed" ? t - lastBeat > 500 : phi(replay, "n2", t) > 8;
    assert.ok(past(suspectedAt), `suspected at ${suspectedAt}, last heartbeat ${lastBeat}`);
    assert.ok(!past(previousTick), `not yet at the tick before, ${previousTick}`);
  });

  Deno.test(`heartbeat (${detector}): a heartbeat clears suspicion at once`, () => {
    const sim = new Simulation({
      protocol: heartbeat,
      nodes: 2,
      seed: 6,
      trace: "full",
      options: { detector },
    });
    sim.at(1000, () => sim.network.partition([["n1"], ["n2"]]));
    sim.at(2000, () => sim.network.heal());
    sim.runFor(3000);
    const events = sim.trace();
    const suspects = at(events, "n1", "suspect", "n2");
    const trusts = at(events, "n1", "trust", "n2");
    assert.equal(suspects.length, 1);
    assert.equal(trusts.length, 1);
    assert.ok(suspects[0]!.time > 1000 && suspects[0]!.time < 2000);
    const firstBeatBack = at(events, "n1", "deliver", "n2").find((e) => e.time >= 2000)!;
    assert.equal(trusts[0]!.time, firstBeatBack.time);
    assert.deepEqual(sim.status("n1").suspects, []);
  });
}

/** Trace hash of a run under every fault the nemesis has (clock skew included). */
function hashUnderFaults(protocol: AnyProtocol, seed: number, options: Record<string, unknown>) {
  const nodes = ["n1", "n2", "n3", "n4", "n5", "n6"];
  const sim = new Simulation({ protocol, nodes, seed, trace: "full", options });
  const kinds = ["partition", "kill", "pause", "loss", "delay", "duplicate", "reorder", "skew"];
  const steps = seededSchedule(seed, {
    kinds: kinds as never,
    nodes,
    durationMs: 20_000,
    intervalMs: 700,
  });
  // Clocks that step back are among the faults (a skew below zero, or one above that ends).
  assert.ok(steps.some((s) => s.op === "skew" && s.skewMs !== 0), `seed ${seed}: no skew`);
  scheduleNemesis(sim, steps);
  // A node that joins later is no peer of the others: its heartbeats are kept, not judged.
  sim.at(3_000, () => sim.addNode("n7"));
  sim.runFor(22_000);
  const flips = sim.trace().filter((e) => e.kind === "suspect" || e.kind === "trust").length;
  return { hash: sim.traceHash(), flips };
}

Deno.test("heartbeat: judging only due peers gives the trace of judging every peer at every event", () => {
  for (
    const [seed, options] of [
      [1, {}],
      [2, { detector: "fixed" }],
      [3, { phiThreshold: 0.5 }],
      [4, { detector: "fixed", timeoutMs: 150 }],
    ] as const
  ) {
    const ours = hashUnderFaults(heartbeat as AnyProtocol, seed, options);
    const full = hashUnderFaults(fullReviewHeartbeat as AnyProtocol, seed, options);
    assert.ok(ours.flips > 20, `seed ${seed}: ${ours.flips} suspicions and trusts`);
    assert.equal(ours.flips, full.flips, `seed ${seed}`);
    assert.equal(ours.hash, full.hash, `seed ${seed}`);
  }
});
