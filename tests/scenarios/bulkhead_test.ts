import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { runBulkhead, scenario } from "../../scenarios/bulkhead.ts";

const r = runBulkhead();
const row = (mode: string, phase: string, service: string) =>
  r.rows.find((x) => x.mode === mode && x.phase === phase && x.service === service)!;

Deno.test("bulkhead: with one shared pool, a slow A starves the healthy B", () => {
  assert.equal(r.peakSlotsHeldByA.shared, r.pool, "A's hanging calls took every slot");
  const b = row("shared", "A slow", "B");
  assert.ok(b.refused > b.requests / 2, `B refused ${b.refused} of ${b.requests}`);
  assert.ok(b.okRate < 0.5);
  assert.equal(b.timeout, 0, "B's own calls never hang: B is healthy");
});

Deno.test("bulkhead: with compartments, B is untouched and A fails fast", () => {
  assert.equal(r.peakSlotsHeldByA.bulkheads, r.pool / 2);
  const b = row("bulkheads", "A slow", "B");
  assert.equal(b.ok, b.requests);
  assert.ok(b.p99Ms < 20);
  const a = row("bulkheads", "A slow", "A");
  assert.equal(a.ok, 0);
  assert.ok(a.refused > a.timeout, "most of A's requests are refused at once");
  assert.ok(a.timeout > 0 && a.p99Ms === r.timeoutMs);
});

Deno.test("bulkhead: both modes are fine before and after the slowness", () => {
  for (const mode of ["shared", "bulkheads"]) {
    for (const phase of ["before", "after"]) {
      for (const service of ["A", "B"]) {
        assert.equal(row(mode, phase, service).okRate, 1, `${mode} ${phase} ${service}`);
      }
    }
  }
});

Deno.test("bulkhead: deterministic", async () => {
  assert.deepEqual(runBulkhead(), r);
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
});
