import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { register } from "../../protocols/register/register.ts";
import { lww, wins } from "../../protocols/lww/lww.ts";
import type { Reply } from "../../protocols/node.ts";
import { applyKvOp, validateKvOp } from "../../protocols/kv_store.ts";

function call(sim: Simulation, node: string, op: unknown): Reply | undefined {
  let reply: Reply | undefined;
  sim.request(node, op, 1, (r) => reply = r);
  sim.runUntil(() => reply !== undefined, 1000);
  return reply;
}

Deno.test("register: any node answers by forwarding to the owner", () => {
  const sim = new Simulation({ protocol: register, nodes: 3, seed: 1 });
  assert.deepEqual(call(sim, "n2", { f: "write", key: "x", value: 5 }), { type: "ok" });
  assert.deepEqual(call(sim, "n3", { f: "read", key: "x" }), { type: "ok", value: 5 });
  assert.equal(call(sim, "n1", { f: "cas", key: "x", value: [4, 6] })?.type, "fail");
  assert.deepEqual(call(sim, "n1", { f: "cas", key: "x", value: [5, 6] }), { type: "ok" });
});

Deno.test("register: the owner's data survives its crash; a cut-off forwarder gets no answer", () => {
  const sim = new Simulation({ protocol: register, nodes: 3, seed: 2 });
  call(sim, "n2", { f: "write", key: "x", value: 1 });
  sim.crash("n1");
  sim.restart("n1");
  assert.deepEqual(call(sim, "n3", { f: "read", key: "x" }), { type: "ok", value: 1 });
  sim.network.isolate("n1");
  assert.equal(call(sim, "n2", { f: "read", key: "x" }), undefined);
});

Deno.test("register: a duplicated forward is applied once", () => {
  const sim = new Simulation({ protocol: register, nodes: 2, seed: 3 });
  sim.network.addRule("n2", "n1", { duplicate: 1, delay: { kind: "uniform", min: 1, max: 100 } });
  call(sim, "n2", { f: "write", key: "x", value: 1 });
  call(sim, "n1", { f: "write", key: "x", value: 2 });
  sim.runFor(500); // let the duplicate arrive
  assert.deepEqual(call(sim, "n1", { f: "read", key: "x" }), { type: "ok", value: 2 });
});

Deno.test("lww: a partitioned node serves stale reads, and heal converges", () => {
  const sim = new Simulation({ protocol: lww, nodes: 3, seed: 4 });
  sim.network.isolate("n3");
  call(sim, "n1", { f: "write", key: "x", value: 1 });
  assert.deepEqual(call(sim, "n3", { f: "read", key: "x" }), { type: "ok", value: null });
  sim.network.heal();
  sim.runFor(1000);
  assert.deepEqual(call(sim, "n3", { f: "read", key: "x" }), { type: "ok", value: 1 });
});

Deno.test("lww: a node with a slow clock loses its later write (data loss under skew)", () => {
  const sim = new Simulation({ protocol: lww, nodes: 2, seed: 5 });
  sim.setClock("n2", { skew: -10_000 });
  call(sim, "n1", { f: "write", key: "x", value: "first" });
  sim.runFor(100);
  call(sim, "n2", { f: "write", key: "x", value: "second, but stamped earlier" });
  sim.runFor(1000);
  assert.deepEqual(call(sim, "n2", { f: "read", key: "x" }), { type: "ok", value: "first" });
  assert.ok(wins({ value: 1, time: 2, node: "a" }, { value: 2, time: 1, node: "b" }));
});

Deno.test("bad operations are refused with a definite failure", () => {
  assert.equal(validateKvOp({ f: "read" }), "operation needs a non-empty string key");
  assert.equal(validateKvOp({ f: "nope", key: "k" }), "unknown operation 'nope'");
  assert.equal(validateKvOp({ f: "write", key: "k" }), "write needs a value");
  const sim = new Simulation({ protocol: lww, nodes: 1, seed: 6 });
  assert.equal(call(sim, "n1", { f: "cas", key: "k", value: 3 })?.type, "fail");
  const data = new Map<string, unknown>();
  assert.deepEqual(applyKvOp(data, { f: "read", key: "k" }), { type: "ok", value: null });
});
