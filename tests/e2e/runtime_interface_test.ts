/**
 * One runtime interface: the KV workload and a nemesis schedule that torture runs in
 * virtual time drive real Workers through the same `Runtime` calls, and the history
 * they record checks linearizable.
 */

import assert from "node:assert/strict";
import { startCluster } from "../../nodes/worker_cluster.ts";
import { scheduleNemesis, seededSchedule } from "../../nodes/nemesis.ts";
import { Simulation } from "../../nodes/simulator.ts";
import type { Runtime } from "../../nodes/runtime.ts";
import { startKvWorkload } from "../../torture/kv_workload.ts";
import { protocolByName } from "../../protocols/registry.ts";
import { checkLinearizability } from "../../checker/linearizability.ts";
import { kvModel } from "../../checker/models.ts";
import { notYet, waitFor } from "../support/deadline.ts";

/**
 * Starts the same load and fault schedule (seed 1: n3 crashes at 1.1 s and restarts at
 * 3.1 s, a partition at 3.9 s) on any runtime, from its clock's now; heals at the end.
 */
function drive(rt: Runtime, durationMs: number) {
  const t0 = rt.now();
  const steps = seededSchedule(1, { kinds: ["partition", "kill"], nodes: rt.nodes, durationMs })
    .map((s) => ({ ...s, at: t0 + s.at }));
  scheduleNemesis(rt, steps);
  const untilMs = t0 + durationMs;
  rt.at(untilMs, () => {
    rt.network.heal();
    for (const n of rt.nodes) if (!rt.isUp(n)) void rt.restart(n);
  });
  return {
    steps,
    untilMs,
    workload: startKvWorkload(rt, { clients: 3, untilMs, timeoutMs: 3000 }),
  };
}

Deno.test("the KV workload and a nemesis drive real Workers through the runtime interface; the history is linearizable", async () => {
  const cluster = await startCluster({ protocol: "raft-kv", nodes: 3, seed: 7 });
  try {
    const events: string[] = [];
    const stop = cluster.onTrace((e) => {
      if (e.kind === "crash" || e.kind === "restart") events.push(`${e.kind} ${e.node}`);
    });
    const { steps, untilMs, workload } = drive(cluster, 4000);
    // Every client stops issuing at untilMs; each operation then ends (reply or timeout).
    await waitFor("every client operation to end", () => {
      const pending = workload.history.pending().length;
      return cluster.now() > untilMs + 100 && pending === 0 ? true : notYet({ pending });
    }, { timeout: "long" });
    stop();
    workload.finish();
    const history = workload.history.events();
    const ok = history.filter((e) => e.type === "ok").length;
    assert.ok(ok > 0, `some operations succeeded (${history.length} events)`);
    const r = checkLinearizability(history, kvModel);
    assert.equal(r.verdict, "linearizable", JSON.stringify(r).slice(0, 300));
    const faults = steps.flatMap((s) =>
      s.op === "crash" || s.op === "restart" ? [`${s.op} ${s.node}`] : []
    );
    assert.deepEqual(faults, ["crash n3", "restart n3"], "the schedule this test is about");
    for (const f of faults) assert.ok(events.includes(f), `${f} reached the Workers`);
  } finally {
    await cluster.close();
  }
});

Deno.test("the same drive runs in the simulator, in virtual time, through the same interface", () => {
  const sim = new Simulation({ protocol: protocolByName("raft-kv"), nodes: 3, seed: 7 });
  const { workload } = drive(sim, 4000);
  sim.runFor(8000);
  workload.finish();
  const r = checkLinearizability(workload.history.events(), kvModel);
  assert.equal(r.verdict, "linearizable");
  assert.ok(workload.history.events().some((e) => e.type === "ok"));
});
