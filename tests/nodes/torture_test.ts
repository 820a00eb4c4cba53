import assert from "node:assert/strict";
import { shrinkFailure, type TortureConfig, tortureSeed } from "../../torture/torture.ts";

const base = {
  nodes: 5,
  seeds: 1,
  seedStart: 1,
  durationMs: 6000,
  clients: 5,
  keys: 2,
  nemesis: ["partition", "kill", "pause", "skew"],
} as const satisfies Omit<TortureConfig, "protocol">;

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

Deno.test("register passes torture: every history linearizable, data converged", () => {
  for (const seed of SEEDS) {
    const o = tortureSeed({ ...base, protocol: "register" }, seed);
    assert.equal(o.verdict.violation, null, `seed ${seed}`);
    assert.equal(o.verdict.linearizability?.verdict, "linearizable");
    assert.ok(o.verdict.counts.ok > 50, `seed ${seed}: only ${o.verdict.counts.ok} ok ops`);
  }
});

Deno.test("lww fails torture with the same seeds, yet converges after heal", () => {
  let violations = 0;
  for (const seed of SEEDS) {
    const o = tortureSeed({ ...base, protocol: "lww" }, seed);
    if (o.verdict.linearizability?.verdict === "not-linearizable") violations++;
    assert.equal(o.verdict.converged, true, `seed ${seed} did not converge`);
  }
  assert.ok(violations >= SEEDS.length / 2, `only ${violations} of ${SEEDS.length} seeds caught`);
});

Deno.test("a failing lww seed replays to the same verdict and the same history", () => {
  const c = { ...base, protocol: "lww" };
  const a = tortureSeed(c, 3);
  const b = tortureSeed(c, 3);
  assert.notEqual(a.verdict.violation, null);
  assert.equal(a.verdict.violation, b.verdict.violation);
  assert.deepEqual(a.run.history, b.run.history);
});

Deno.test("shrinking a failing seed keeps it failing with fewer faults or operations", () => {
  const c = { ...base, protocol: "lww" };
  const failing = tortureSeed(c, 3);
  assert.notEqual(failing.verdict.violation, null);
  const s = shrinkFailure(c, failing, 25);
  assert.notEqual(s.outcome.verdict.violation, null);
  assert.ok(s.faults < s.originalFaults || s.maxOps < s.originalOps);
  // The shrunk configuration replays to a failure too.
  const again = tortureSeed(c, 3, { schedule: s.schedule, maxOps: s.maxOps });
  assert.equal(again.verdict.violation, s.outcome.verdict.violation);
});
