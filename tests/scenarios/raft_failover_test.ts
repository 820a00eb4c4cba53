import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { scenario } from "../../scenarios/raft_failover.ts";

Deno.test("raft-failover prints the same lines every run", async () => {
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
});

Deno.test("raft-failover: n1 leads term 3, a node of n2–n5 wins term 4 by majority, n1 rejoins as follower", async () => {
  const lines = await collectLines(scenario);
  const text = lines.join("\n");
  const rows = (from: string) => {
    const start = lines.findIndex((l) => l.startsWith(from));
    return lines.slice(start).filter((l) => /^ {4}n\d {2,}/.test(l)).slice(0, 5).map((l) =>
      l.trim().split(/\s{2,}/)
    );
  };
  const initial = rows("Initial state");
  assert.deepEqual(initial[0]!.slice(0, 3), ["n1", "Leader", "3"]);
  for (const r of initial.slice(1)) assert.deepEqual(r.slice(0, 3), [r[0], "Follower", "3"]);

  const m = /Step 2 — (n\d) won a majority and leads term 4/.exec(text);
  assert.ok(m, "a new leader in term 4");
  const winner = m[1]!;
  assert.notEqual(winner, "n1");
  const granted = lines.filter((l) => new RegExp(`grants vote to ${winner} \\(term 4\\)`).test(l));
  assert.ok(granted.length >= 2, "the winner needs two votes besides its own");
  assert.ok(!/grants vote to n1/.test(text), "nobody votes for the cut-off n1");

  const final = rows("Step 3");
  for (const r of final) {
    assert.equal(r[2], "4", `${r[0]} ends in term 4`);
    assert.equal(r[1], r[0] === winner ? "Leader" : "Follower");
  }
  assert.match(text, /read x via n\d: \{"type":"ok","value":1\}/);
  assert.match(text, /write x=2 sent to n1: \{"type":"info"/);
});
