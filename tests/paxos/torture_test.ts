import assert from "node:assert/strict";
import { type TortureConfig, tortureSeed } from "../../torture/torture.ts";
import { runSimulation } from "../../torture/sim_run.ts";
import { NEMESIS_KINDS } from "../../nodes/nemesis.ts";
import { paxosKv } from "../../protocols/paxos/multi_paxos.ts";
import { checkAgreementAfterEveryStep } from "../../protocols/paxos/agreement.ts";

const config: TortureConfig = {
  protocol: paxosKv,
  nodes: 5,
  seeds: 20,
  seedStart: 1,
  durationMs: 5000,
  clients: 5,
  keys: 3,
  nemesis: ["partition", "kill", "pause", "loss", "duplicate", "reorder"],
};

Deno.test("torture: 20 seeds of paxos-kv under partition, kill, pause, loss, duplicate, reorder stay linearizable and converge", () => {
  let ok = 0;
  for (let seed = config.seedStart; seed < config.seedStart + config.seeds; seed++) {
    const o = tortureSeed(config, seed);
    assert.equal(o.verdict.violation, null, `seed ${seed}: ${o.verdict.violation}`);
    assert.equal(o.verdict.linearizability?.verdict, "linearizable", `seed ${seed}`);
    assert.equal(o.verdict.converged, true, `seed ${seed}`);
    assert.ok(o.run.schedule.length > 0, "faults were injected");
    ok += o.verdict.counts.ok;
  }
  assert.ok(ok > 10_000, `${ok} operations succeeded in all`);
});

Deno.test("torture: agreement holds after every simulated step under every nemesis kind", () => {
  for (let seed = 1; seed <= 8; seed++) {
    let decided = 0;
    runSimulation({
      protocol: paxosKv,
      nodes: 5,
      seed,
      durationMs: 4000,
      nemesis: NEMESIS_KINDS,
      clients: 4,
      // Tamper is one of the kinds: with a checksum on every link it is loss. Without,
      // Paxos may believe a well-formed lie (tests/faults/tamper_safety_test.ts).
      integrity: "crc32c",
    }, (sim) => {
      const checker = checkAgreementAfterEveryStep(sim);
      sim.afterStep(() => decided = checker.decided.size);
    });
    assert.ok(decided > 100, `seed ${seed}: ${decided} instances decided`);
  }
});
