import assert from "node:assert/strict";
import { generateSchedule } from "../../nodes/nemesis.ts";
import { createRng } from "../../protocols/random.ts";
import { tortureSeed } from "../../torture/torture.ts";
import { findStaleReads } from "../../protocols/quorum/mod.ts";
import { parseTortureArgs } from "../../torture/args.ts";

Deno.test("the membership nemesis takes a node out and puts it back when the fault ends", () => {
  const steps = generateSchedule(createRng(3), {
    kinds: ["membership"],
    nodes: ["n1", "n2", "n3", "n4"],
    durationMs: 10_000,
  });
  assert.ok(steps.length >= 4);
  const byFault = Map.groupBy(steps, (s) => s.fault);
  for (const pair of byFault.values()) {
    assert.deepEqual(pair.map((s) => s.op), ["leave", "join"]);
    const [leave, join] = pair as { node: string; at: number }[];
    assert.equal(leave!.node, join!.node);
    assert.ok(leave!.at <= join!.at);
  }
});

Deno.test("quorum-kv with nodes leaving and rejoining under load: no stale read, replicas converge", () => {
  let changes = 0;
  for (const seed of [1, 2, 3, 4]) {
    const o = tortureSeed({
      protocol: "quorum-kv",
      nodes: 6,
      seeds: 4,
      seedStart: 1,
      durationMs: 8000,
      clients: 4,
      keys: 3,
      nemesis: ["membership", "kill"],
      options: { sloppy: false },
    }, seed);
    const report = findStaleReads(o.run.history!);
    assert.deepEqual(report.stale, [], `seed ${seed}`);
    assert.equal(o.verdict.converged, true, `seed ${seed}: ${o.verdict.divergentKeys}`);
    // After the heal every node is a member again, at one epoch.
    const epochs = new Set(Object.values(o.run.statuses).map((s) => s.epoch));
    assert.equal(epochs.size, 1, `seed ${seed}: epochs ${[...epochs]}`);
    for (const s of Object.values(o.run.statuses)) assert.equal((s.members as string[]).length, 6);
    changes += Number([...epochs][0]);
  }
  assert.ok(changes >= 8, `only ${changes} membership changes in 4 seeds`);
});

Deno.test("--nemesis membership is refused for a protocol whose nodes cannot rejoin", async () => {
  await assert.rejects(
    parseTortureArgs(["--protocol", "raft-kv", "--nemesis", "kill,membership"]),
    /--nemesis membership: protocol raft-kv has no membership/,
  );
  const ok = await parseTortureArgs(["--protocol", "quorum-kv", "--nemesis", "membership"]);
  assert.deepEqual(ok.c.nemesis, ["membership"]);
});
