import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { scenario } from "../../scenarios/replication_modes.ts";

function row(lines: string[], mode: string): string[] {
  const r = lines.find((l) => l.startsWith(mode + " ") && l.includes("  "))!;
  return r.split(/\s{2,}/);
}

Deno.test("the replication-modes scenario is deterministic and measures the chapter's table", async () => {
  const lines = await collectLines(scenario);
  assert.deepEqual(await collectLines(scenario), lines, "same lines on a second run");
  assert.equal(scenario.name, "replication-modes");
  const [sync, semi, async] = ["sync", "semi-sync", "async"].map((m) => row(lines, m));
  // mode, acked, lost, p50, p99, lag, trade-off
  assert.equal(sync![2], "0", "sync loses no acknowledged write");
  assert.equal(semi![2], "0", "semi-sync loses no acknowledged write");
  assert.ok(Number(async![2]) > 0, "async loses some");
  assert.ok(
    Number(sync![3]) > Number(semi![3]) && Number(semi![3]) > Number(async![3]),
    "p50 order",
  );
  assert.ok(
    Number(sync![1]) < Number(semi![1]) && Number(semi![1]) < Number(async![1]),
    "throughput order",
  );
  assert.equal(sync![6], "strong consistency, slow writes");
  assert.equal(semi![6], "balanced");
  assert.equal(async![6], "weak consistency, fast writes");
  const text = lines.join("\n");
  assert.match(text, /falling back to async/);
  assert.match(text, /back to semi-sync/);
  assert.match(text, /write d, after the backups caught up: ok after \d+ ms \(mode semi-sync\)/);
});
