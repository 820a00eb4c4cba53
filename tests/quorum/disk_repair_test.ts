/**
 * A quorum-kv replica whose disk damaged a record (found by checksum when it restarts)
 * does not stop: it marks the key damaged, answers no quorum vote for it, and merges it
 * back from every other replica (Dynamo's read repair, asked for by the damaged node).
 */

import assert from "node:assert/strict";
import { call, cluster, held } from "./harness.ts";
import type { TraceEvent } from "../../nodes/trace.ts";

function setup() {
  const sim = cluster(3, { sloppy: false, antiEntropyMs: 0, readRepair: false });
  const events: TraceEvent[] = [];
  sim.onTrace((e) => events.push(e));
  assert.equal(call(sim, "n1", { f: "write", key: "k", value: 1, consistency: "ALL" }).type, "ok");
  return { sim, events };
}

Deno.test("a damaged replica record is repaired from the other replicas, not a reason to stop", () => {
  const { sim, events } = setup();
  assert.ok(sim.disk("n2").corrupt("kv/k"));
  sim.crash("n2");
  sim.restart("n2");
  assert.equal(sim.isUp("n2"), true, "the node stopped");
  assert.equal(sim.status("n2").damaged, 1);
  sim.runFor(1000);
  assert.equal(sim.status("n2").damaged, 0);
  assert.deepEqual(held(sim, "n2", "k"), [1]);
  assert.ok(events.some((e) => e.kind === "repaired" && e.node === "n2"));
  assert.equal(sim.disk("n2").faultCounts.detected["bit-flip"], 1);
  assert.equal(sim.stopped.length, 0);
});

Deno.test("until it is repaired a damaged replica is no vote in a read quorum", () => {
  const { sim } = setup();
  // n3 missed the second write (W=2: n1 and n2 took it), then n2 lost its copy.
  sim.crash("n3");
  assert.equal(call(sim, "n1", { f: "write", key: "k", value: 2, w: 2 }).type, "ok");
  sim.restart("n3");
  assert.ok(sim.disk("n2").corrupt("kv/k"));
  sim.crash("n2");
  sim.crash("n1"); // the only whole copy of value 2 is down
  sim.restart("n2");
  // n2 (damaged, empty) and n3 (stale) would make R=2 and read 1: a stale read.
  const r = call(sim, "n3", { f: "read", key: "k", r: 2 }, 1500);
  assert.notDeepEqual(r, { type: "ok", value: 1 });
  assert.equal(sim.status("n2").damaged, 1, "repaired without n1's copy");
  sim.restart("n1");
  sim.runFor(1500);
  assert.equal(sim.status("n2").damaged, 0);
  assert.deepEqual(call(sim, "n3", { f: "read", key: "k", r: 2 }), { type: "ok", value: 2 });
});

Deno.test("one damaged copy of the clock counter is read from the other; both damaged stop the node", () => {
  const { sim } = setup();
  assert.ok(sim.disk("n1").corrupt("counter"));
  assert.ok(sim.disk("n1").corrupt("boot~"));
  sim.crash("n1");
  sim.restart("n1");
  assert.equal(sim.isUp("n1"), true);
  // The counter went on from where it was: the next write's clock entry is 2, not 1.
  const w = call(sim, "n1", { f: "write", key: "j", value: 3 });
  assert.deepEqual((w as { value: { clock: unknown } }).value.clock, { n1: 2 });
  assert.ok(sim.disk("n1").corrupt("counter~"));
  assert.ok(sim.disk("n1").corrupt("counter"));
  sim.crash("n1");
  sim.restart("n1");
  assert.equal(sim.isUp("n1"), false, "both copies damaged: it must stop, not reuse clocks");
  assert.match(sim.stopped.at(-1)?.reason ?? "", /counter/);
});
