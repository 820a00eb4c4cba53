import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { runSimulation } from "../../torture/sim_run.ts";
import { type TortureConfig, tortureSeed } from "../../torture/torture.ts";
import { pbft } from "../../protocols/pbft/mod.ts";
import type { PbftNode } from "../../protocols/pbft/replica.ts";
import { newViewPlan } from "../../protocols/pbft/view_change.ts";
import { pbftInvariants } from "../../protocols/pbft/invariants.ts";
import { sign } from "../../protocols/pbft/digest.ts";
import { prepareContent, requestContent, type ViewChange } from "../../protocols/pbft/message.ts";
import { requestDigest } from "../../protocols/pbft/normal.ts";
import type { Reply } from "../../protocols/node.ts";

function state(sim: Simulation, id: string) {
  return (sim.host(id)!.node as PbftNode).state;
}

function writeAll(sim: Simulation, node: string, count: number): Reply[] {
  const replies: Reply[] = [];
  for (let i = 0; i < count; i++) {
    sim.request(node, { f: "write", key: "x", value: i }, 1, (r) => replies.push(r));
    sim.runFor(30);
  }
  sim.runFor(500);
  return replies;
}

Deno.test("pbft: 4 replicas order writes, every replica executes them, a proxy answers on f + 1 replies", () => {
  const sim = new Simulation({ protocol: pbft, nodes: 4, seed: 1, integrity: "hmac-sha256" });
  const replies = writeAll(sim, "n2", 20);
  assert.equal(replies.length, 20);
  assert.ok(replies.every((r) => r.type === "ok"));
  const read: Reply[] = [];
  sim.request("n3", { f: "read", key: "x" }, 2, (r) => read.push(r));
  sim.runFor(200);
  assert.deepEqual(read, [{ type: "ok", value: 19 }]);
  for (const n of sim.nodes) {
    assert.equal(state(sim, n).lastExec, 21, n);
    assert.equal(state(sim, n).kv.get("x"), 19, n);
  }
});

Deno.test("pbft: a crashed primary is replaced by a view change and no executed request is lost", () => {
  const sim = new Simulation({ protocol: pbft, nodes: 4, seed: 2, integrity: "hmac-sha256" });
  writeAll(sim, "n2", 5);
  assert.equal(sim.status("n1").role, "primary");
  sim.crash("n1");
  const replies = writeAll(sim, "n3", 5);
  sim.runFor(3000);
  assert.ok(replies.every((r) => r.type === "ok"), JSON.stringify(replies));
  for (const n of ["n2", "n3", "n4"]) {
    assert.ok(state(sim, n).view >= 1, `${n} moved on from view 0`);
    assert.equal(state(sim, n).kv.get("x"), 4, n);
  }
  sim.restart("n1");
  sim.runFor(2000);
  assert.equal(state(sim, "n1").kv.get("x"), 4, "the restarted replica caught up");
});

Deno.test("pbft: checkpoints become stable and the log is garbage-collected below them", () => {
  const sim = new Simulation({
    protocol: pbft,
    nodes: 4,
    seed: 3,
    options: { checkpointInterval: 8 },
  });
  writeAll(sim, "n1", 30);
  for (const n of sim.nodes) {
    const s = state(sim, n);
    assert.equal(s.stable.n, 24, n);
    assert.ok([...s.log.keys()].every((k) => k > 24), `${n}: nothing at or below 24`);
    assert.deepEqual([...s.snaps.keys()], [24], n);
  }
});

Deno.test("pbft: a new view re-proposes the prepared request of the highest view, else a no-op", () => {
  const op = { f: "write" as const, key: "x", value: 1 };
  const req = { c: "n1", rid: 9, op, sig: sign("n1", requestContent("n1", 9, op)) };
  const d = requestDigest(req);
  const cert = (v: number) => ["n1", "n2", "n3"].map((i) => sign(i, prepareContent(v, 2, d)));
  const vc = (i: string, p: ViewChange["p"]): ViewChange => ({
    v: 3,
    i,
    h: 0,
    hd: "",
    cc: [],
    p,
    sig: { i, s: "" },
  });
  const plan = newViewPlan([
    vc("n1", []),
    vc("n2", [{ n: 2, v: 1, d: "null", req: null, sigs: [] }]),
    vc("n3", [{ n: 2, v: 2, d, req, sigs: cert(2) }]),
  ]);
  assert.deepEqual(plan.slots, [{ n: 1, req: null }, { n: 2, req }]);
});

Deno.test("pbft invariants: two replicas deciding different requests at one sequence number is reported", () => {
  const check = pbftInvariants();
  const fake = (decided: [number, string][]) =>
    ({ state: { decided, snaps: new Map() } }) as unknown as PbftNode;
  assert.deepEqual(check(new Map([["n1", fake([[1, "a"]])], ["n2", fake([[1, "a"]])]])), []);
  const v = check(new Map([["n1", fake([[1, "a"]])], ["n3", fake([[1, "b"]])]]));
  assert.equal(v.length, 1);
  assert.match(v[0]!, /agreement: n3 decided b at sequence 1/);
});

Deno.test("pbft torture slice: 4 seeds under the usual network nemesis with hmac-sha256 links stay linearizable and converge", () => {
  const c: TortureConfig = {
    protocol: pbft,
    nodes: 4,
    seeds: 4,
    seedStart: 1,
    durationMs: 4000,
    clients: 4,
    keys: 3,
    nemesis: ["partition", "kill", "pause", "loss", "duplicate", "reorder", "skew"],
    integrity: "hmac-sha256",
  };
  let ok = 0;
  for (let seed = 1; seed <= 4; seed++) {
    const o = tortureSeed(c, seed);
    assert.equal(o.verdict.violation, null, `seed ${seed}: ${o.verdict.violation}`);
    assert.equal(o.verdict.converged, true, `seed ${seed}`);
    ok += o.verdict.counts.ok;
  }
  assert.ok(ok > 500, `${ok} operations succeeded`);
});

Deno.test("pbft: messages per operation grow with n squared (4 vs 7 replicas)", () => {
  const perOp = (nodes: number) => {
    const r = runSimulation({
      protocol: pbft,
      nodes,
      seed: 5,
      durationMs: 2000,
      nemesis: [],
      clients: 2,
      settleMs: 0,
    });
    const ops = (r.history ?? []).filter((e) => e.type === "ok").length;
    return r.stats.sent / ops;
  };
  const four = perOp(4);
  const seven = perOp(7);
  assert.ok(seven / four > 2, `${four.toFixed(1)} → ${seven.toFixed(1)} messages per op`);
});
