import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { paxosKv } from "../../protocols/paxos/multi_paxos.ts";

function load(clients: number, options: Record<string, unknown> = {}) {
  const sim = new Simulation({ protocol: paxosKv, nodes: 5, seed: 3, options });
  const leader = () => sim.nodes.find((n) => sim.status(n).role === "leader");
  assert.ok(sim.runUntil(() => leader() !== undefined, 5000));
  sim.runFor(300);
  const node = leader()!;
  const sentBefore = sim.stats.sent;
  let done = 0;
  const end = sim.now() + 1000;
  for (let c = 0; c < clients; c++) {
    let n = 0;
    const next = () => {
      if (sim.now() >= end) return;
      sim.request(node, { f: "write", key: `k${c}`, value: n++ }, c, (r) => {
        assert.equal(r.type, "ok");
        done++;
        next();
      });
    };
    next();
  }
  sim.runUntilTime(end + 200);
  return { done, msgsPerOp: (sim.stats.sent - sentBefore) / done };
}

Deno.test("a busy Multi-Paxos leader batches commands into few accepts", () => {
  const busy = load(64);
  const unbatched = load(64, { maxInflight: 1e9 });
  assert.ok(busy.done > 5000, `only ${busy.done} commands chosen`);
  // Unbounded window: one accept per command to each of 4 peers, and their replies.
  assert.ok(unbatched.msgsPerOp > 7.5, `unbatched ${unbatched.msgsPerOp}`);
  assert.ok(busy.msgsPerOp < 2, `batched ${busy.msgsPerOp} messages per command`);
});

Deno.test("with one client nothing waits: the window sends each command at once", () => {
  const single = load(1);
  assert.ok(single.msgsPerOp >= 8 && single.msgsPerOp < 10, `${single.msgsPerOp}`);
});
