/**
 * Seeded torture: every fault of the nemesis at once, concurrent clients, invariants
 * checked after every step, and the history checked for linearizability.
 */
import assert from "node:assert/strict";
import { startKvWorkload } from "../../torture/kv_workload.ts";
import { healAll, NEMESIS_KINDS, scheduleNemesis, seededSchedule } from "../../nodes/nemesis.ts";
import { checkLinearizability } from "../../checker/linearizability.ts";
import { kvModel } from "../../checker/models.ts";
import { raftNode, raftSim } from "./sim_helpers.ts";

// Clock faults: see sim_reads_test. Tamper: Raft trusts its network; tampering with and
// without integrity on the links is tests/faults/tamper_safety_test.ts.
const kinds = NEMESIS_KINDS.filter((k) => k !== "skew" && k !== "tamper");

for (
  const [name, options] of [
    ["defaults", {}],
    ["small windows, tiny snapshots", {
      snapshotThreshold: 20,
      compactMargin: 2,
      maxInflight: 1,
      maxEntriesPerAppend: 2,
    }],
    ["no PreVote, no CheckQuorum, log reads", {
      preVote: false,
      checkQuorum: false,
      readMode: "log",
    }],
  ] as const
) {
  Deno.test(`sim torture (${name}): 6 seeded runs stay safe and linearizable`, () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = raftSim(5, seed, options);
      const { sim } = r;
      const durationMs = 8000;
      scheduleNemesis(sim, seededSchedule(seed, { kinds, nodes: sim.nodes, durationMs }));
      const w = startKvWorkload(sim, { clients: 5, untilMs: durationMs, keys: 3 });
      sim.runUntilTime(durationMs);
      healAll(sim);
      sim.runFor(3000);
      w.finish();
      const history = w.history.events();
      assert.ok(history.filter((e) => e.type === "ok").length > 200, `seed ${seed}: too few ok`);
      const lin = checkLinearizability(history, kvModel, { timeoutMs: 20_000 });
      assert.equal(
        lin.verdict,
        "linearizable",
        `seed ${seed}: ${JSON.stringify(lin).slice(0, 300)}`,
      );
      const dumps = sim.nodes.map((n) => JSON.stringify(raftNode(sim, n).dump()));
      assert.ok(dumps.every((d) => d === dumps[0]), `seed ${seed}: replicas diverge`);
    }
  });
}
