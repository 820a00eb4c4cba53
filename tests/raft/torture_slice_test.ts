import assert from "node:assert/strict";
import { tortureSeed } from "../../torture/torture.ts";

// The fixed 20-seed slice of `deno task torture --protocol raft-kv --seeds 200`.
Deno.test("raft-kv torture slice: 20 seeds under every nemesis stay linearizable and converge", () => {
  const c = {
    protocol: "raft-kv",
    nodes: 5,
    seeds: 20,
    seedStart: 1,
    durationMs: 8000,
    clients: 5,
    keys: 3,
    nemesis: ["partition", "kill", "pause", "loss", "duplicate", "reorder", "skew"],
  } as const;
  let ok = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const o = tortureSeed(c, seed);
    assert.equal(o.verdict.violation, null, `seed ${seed}: ${o.verdict.violation}`);
    assert.equal(o.verdict.linearizability?.verdict, "linearizable", `seed ${seed}`);
    assert.equal(o.verdict.converged, true, `seed ${seed}`);
    ok += o.verdict.counts.ok;
  }
  assert.ok(ok > 10_000, `only ${ok} operations succeeded`);
});
