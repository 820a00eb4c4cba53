import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { pbft } from "../../protocols/pbft/mod.ts";
import type { PbftNode } from "../../protocols/pbft/replica.ts";
import type { Reply } from "../../protocols/node.ts";

function sizes(nodes: number, options?: Record<string, unknown>) {
  const sim = new Simulation({ protocol: pbft, nodes, seed: 1, options });
  return sim.nodes.map((n) => {
    const s = (sim.host(n)!.node as PbftNode).state;
    return [s.f, s.quorum];
  });
}

Deno.test("pbft option f: by default f = ⌊(n − 1) / 3⌋; the option sets f and so the quorum", () => {
  assert.deepEqual(sizes(4)[0], [1, 3]);
  assert.deepEqual(sizes(3)[0], [0, 2]);
  // Three replicas asked to tolerate one liar: 2f + 1 = 3 is every replica.
  assert.deepEqual(sizes(3, { f: 1 }), [[1, 3], [1, 3], [1, 3]]);
  assert.deepEqual(sizes(7, { f: 1 })[0], [1, 5]);
});

Deno.test("pbft option f = 1 on 3 replicas: all three answer, so writes still commit", () => {
  const sim = new Simulation({ protocol: pbft, nodes: 3, seed: 2, options: { f: 1 } });
  const replies: Reply[] = [];
  sim.request("n2", { f: "write", key: "x", value: 7 }, 1, (r) => replies.push(r));
  sim.runFor(500);
  assert.deepEqual(replies, [{ type: "ok" }]);
  for (const n of sim.nodes) {
    assert.equal((sim.host(n)!.node as PbftNode).state.kv.get("x"), 7, n);
  }
});

Deno.test("pbft option f = 1 on 3 replicas: one crashed replica stops every write (quorum 3 of 3)", () => {
  const sim = new Simulation({ protocol: pbft, nodes: 3, seed: 2, options: { f: 1 } });
  sim.crash("n3");
  const replies: Reply[] = [];
  sim.request("n2", { f: "write", key: "x", value: 7 }, 1, (r) => replies.push(r));
  sim.runFor(2000);
  assert.deepEqual(replies, []);
  assert.equal((sim.host("n1")!.node as PbftNode).state.lastExec, 0);
});
