import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { runGrayFailure, scenario } from "../../scenarios/gray_failure.ts";

const r = runGrayFailure();
const calls = (phase: string, node: string) =>
  r.clients.find((c) => c.phase === phase && c.node === node)!.calls;

Deno.test("gray-failure: the fault is added latency and partial loss, not a stopped node", () => {
  assert.equal(r.fault.drop, 0.2);
  assert.ok(r.fault.delay !== undefined && r.fault.delay.kind !== "constant");
});

Deno.test("gray-failure: calls through the gray node are slow and partly lost; the others are not", () => {
  const gray = calls("gray", "n3");
  assert.ok(gray.ok > 0, "some calls still succeed: it is not down");
  assert.ok(gray.timeout > 0, "some calls time out");
  assert.ok(gray.okRate > 0.3 && gray.okRate < 0.9, `ok rate ${gray.okRate}`);
  assert.ok(gray.p50 > 10 * calls("healthy", "n3").p50, "the median call is far slower");
  for (const node of ["n1", "n2"]) {
    const c = calls("gray", node);
    assert.equal(c.ok, c.calls, `${node}: every call ok`);
    assert.ok(c.p99 < 20);
  }
  for (const node of ["n1", "n2", "n3"]) {
    assert.equal(calls("healthy", node).okRate, 1);
    assert.equal(calls("healed", node).okRate, 1, `${node} recovers after the heal`);
  }
});

Deno.test("gray-failure: detectors barely notice the gray node but catch a paused one", () => {
  const view = (fault: string, detector: string) =>
    r.detectors.find((d) => d.fault === fault && d.detector === detector)!;
  for (const detector of ["fixed", "phi"]) {
    assert.ok(view("gray", detector).suspectedShare < 0.2, `${detector} on gray`);
    const paused = view("paused", detector);
    assert.ok(paused.suspectedShare > 0.85, `${detector} on paused`);
    assert.equal(paused.episodes, 1);
    assert.ok(paused.firstSuspicionMs !== null && paused.firstSuspicionMs <= 600);
  }
  // The clients lost far more than the detectors suspected.
  assert.ok(1 - calls("gray", "n3").okRate > view("gray", "phi").suspectedShare);
});

Deno.test("gray-failure: deterministic", async () => {
  assert.deepEqual(runGrayFailure(), r);
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
});
