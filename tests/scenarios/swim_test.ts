import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { measureSwim, runSwim, scenario } from "../../scenarios/swim.ts";

const en: string[] = [];
const ja: string[] = [];
const r = runSwim((l) => en.push(l), "en");
const rJa = runSwim((l) => ja.push(l), "ja");

Deno.test("swim scenario: English and Japanese runs return the same findings", () => {
  assert.deepEqual(rJa, r);
  assert.notDeepEqual(ja, en);
  assert.match(en[0]!, /^Failure detection at scale/);
  assert.match(ja[0]!, /^大規模な障害検出/);
});

Deno.test("swim scenario: SWIM's messages per node stay flat in N; heartbeats grow as N − 1", () => {
  assert.deepEqual(r.rates.map((x) => x.n), [8, 32, 128]);
  for (const x of r.rates) {
    assert.ok(x.swim >= 1.9 && x.swim <= 2.1, `SWIM at N = ${x.n}: ${x.swim}`);
    assert.equal(x.heartbeat, (x.n - 1) * 10, `heartbeat at N = ${x.n}`);
    // A crash adds k ping-reqs (and their pings) only for whoever probes the crashed node.
    assert.ok(x.swimCrashed > x.swim && x.swimCrashed < 3, `crashed, N = ${x.n}: ${x.swimCrashed}`);
  }
  const crashed = r.rates.map((x) => x.swimCrashed);
  assert.ok(crashed[2]! <= crashed[0]!, `no growth with N: ${crashed}`);
});

Deno.test("swim scenario: a crash is suspected, then declared dead by every node, later with larger N", () => {
  const swim = r.detection.filter((d) => d.detector === "swim");
  assert.deepEqual(swim.map((d) => d.n), [8, 32, 128]);
  for (const d of swim) {
    assert.ok(d.firstSuspicionMs !== null && d.firstSuspicionMs < 5000, `${d.n}`);
    assert.ok(d.allSuspectMs !== null && d.allSuspectMs >= d.firstSuspicionMs);
    assert.ok(d.confirmedAllMs !== null && d.confirmedAllMs > d.allSuspectMs, `${d.n}`);
  }
  assert.ok(swim[2]!.confirmedAllMs! > swim[0]!.confirmedAllMs!, "the timeout grows with log N");
  const hb = r.detection.filter((d) => d.detector === "heartbeat");
  assert.deepEqual(hb.map((d) => d.n), [8, 32]);
  for (const d of hb) {
    assert.ok(d.allSuspectMs !== null && d.allSuspectMs < 1000, `heartbeat ${d.n}`);
    assert.equal(d.confirmedAllMs, null);
  }
});

Deno.test("swim scenario: under 10% loss SWIM's suspicions are refuted, none declared dead; heartbeats flap", () => {
  const row = (d: string) => r.loss.rows.find((x) => x.detector === d)!;
  assert.equal(r.loss.rate, 0.1);
  const s = row("swim"), h = row("heartbeat");
  assert.ok(s.suspicions > 0 && s.refutations > 0, JSON.stringify(s));
  assert.equal(s.declaredDead, 0);
  assert.ok(h.suspicions > 10 * s.suspicions, JSON.stringify(h));
  assert.ok(h.suspectedNodes > s.suspectedNodes);
});

Deno.test("swim scenario: deterministic from its seed", async () => {
  assert.deepEqual(measureSwim(), r);
  assert.deepEqual(await collectLines(scenario, [], "en"), en);
});
