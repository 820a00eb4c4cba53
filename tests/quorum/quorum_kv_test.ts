import assert from "node:assert/strict";
import { call, cluster, held, qnode, waitSuspected } from "./harness.ts";

Deno.test("a write answers ok after W acknowledgements, naming them and its vector clock", () => {
  const sim = cluster(3);
  const two = call(sim, "n1", { f: "write", key: "k", value: 1 });
  assert.equal(two.type, "ok");
  const v = (two as { value: { clock: unknown; acks: string[] } }).value;
  assert.deepEqual(v.clock, { n1: 1 });
  assert.equal(v.acks.length, 2);
  assert.ok(v.acks.includes("n1"));
  const all = call(sim, "n2", { f: "write", key: "k", value: 2, consistency: "ALL" });
  assert.equal((all as { value: { acks: string[] } }).value.acks.length, 3);
  assert.deepEqual(call(sim, "n3", { f: "read", key: "k", consistency: "ONE" }), {
    type: "ok",
    value: 2,
  });
});

Deno.test("a write short of W acknowledgements is info (maybe applied); a read short of R fails", () => {
  const sim = cluster(3, { sloppy: false, antiEntropyMs: 0 });
  sim.network.partition([["n1"], ["n2", "n3"]]);
  const w = call(sim, "n1", { f: "write", key: "k", value: 1 });
  assert.equal(w.type, "info");
  assert.match((w as { error: string }).error, /1 of W=2/);
  assert.deepEqual(held(sim, "n1", "k"), [1]); // applied on the coordinator all the same
  const r = call(sim, "n1", { f: "read", key: "k" });
  assert.equal(r.type, "fail");
  // On the majority side both quorums are reachable.
  assert.equal(call(sim, "n2", { f: "write", key: "j", value: 2 }).type, "ok");
  assert.deepEqual(call(sim, "n3", { f: "read", key: "j" }), { type: "ok", value: 2 });
});

/** Two writes of x through n1 and n2 while every node is cut off, then heal. */
function concurrentWrites(conflict: "vclock" | "lww") {
  const sim = cluster(3, { sloppy: false, antiEntropyMs: 200, conflict });
  sim.network.partition([["n1"], ["n2"], ["n3"]]);
  assert.equal(call(sim, "n1", { f: "write", key: "x", value: "a", w: 1 }).type, "ok");
  sim.runFor(5);
  assert.equal(call(sim, "n2", { f: "write", key: "x", value: "b", w: 1 }).type, "ok");
  sim.network.heal();
  sim.runFor(1500);
  return sim;
}

Deno.test("concurrent writes become siblings; a write with the read's context resolves them", () => {
  const sim = concurrentWrites("vclock");
  const read = call(sim, "n3", { f: "read", key: "x", consistency: "ALL" });
  assert.deepEqual(read, {
    type: "ok",
    value: { siblings: ["a", "b"], context: { n1: 1, n2: 1 } },
  });
  for (const n of sim.nodes) assert.deepEqual(held(sim, n, "x"), ["a", "b"]);
  assert.equal(sim.status("n3").siblingKeys, 1);
  const context = (read as { value: { context: Record<string, number> } }).value.context;
  const w = call(sim, "n3", { f: "write", key: "x", value: "merged", context, consistency: "ALL" });
  assert.deepEqual((w as { value: { clock: unknown } }).value.clock, { n1: 1, n2: 1, n3: 1 });
  assert.deepEqual(call(sim, "n1", { f: "read", key: "x" }), { type: "ok", value: "merged" });
  for (const n of sim.nodes) assert.deepEqual(held(sim, n, "x"), ["merged"]);
});

Deno.test("lww mode keeps one of two concurrent writes and counts the other as lost", () => {
  const vclock = concurrentWrites("vclock");
  const lww = concurrentWrites("lww");
  const lost = (sim: typeof lww) =>
    sim.nodes.reduce((a, n) => a + (sim.status(n).lostWrites as number), 0);
  assert.equal(lost(vclock), 0);
  assert.ok(lost(lww) >= 1);
  // "b" was written later (n2's clock 5 ms later): it wins everywhere, "a" is gone.
  assert.deepEqual(call(lww, "n3", { f: "read", key: "x", consistency: "ALL" }), {
    type: "ok",
    value: "b",
  });
  for (const n of lww.nodes) assert.deepEqual(held(lww, n, "x"), ["b"]);
});

Deno.test("read repair: a read sends the merged value to the replica that answered stale", () => {
  const sim = cluster(3, { sloppy: false, antiEntropyMs: 0 });
  sim.network.cut("n1", "n3");
  assert.equal(call(sim, "n1", { f: "write", key: "k", value: 7 }).type, "ok");
  sim.network.heal();
  sim.runFor(1000);
  assert.deepEqual(held(sim, "n3", "k"), []); // no anti-entropy, no hint: still stale
  assert.deepEqual(call(sim, "n1", { f: "read", key: "k" }), { type: "ok", value: 7 });
  sim.runFor(50);
  assert.deepEqual(held(sim, "n3", "k"), [7]);
  assert.equal(sim.status("n1").readRepairs, 1);
});

Deno.test("hinted handoff: a write for a down replica lands on the next node with a hint, then goes home", () => {
  const sim = cluster(4, { n: 3, w: 3 });
  const ring = qnode(sim, "n1").ring();
  const key = Array.from({ length: 200 }, (_, i) => `k${i}`)
    .find((k) => ring.preferenceList(k, 3)[0] === "n1")!;
  const [, , down] = ring.preferenceList(key, 3) as [string, string, string];
  const fallback = ring.preferenceList(key, 4)[3]!;
  sim.crash(down);
  waitSuspected(sim, "n1", down);
  const w = call(sim, "n1", { f: "write", key, value: "v" });
  assert.equal(w.type, "ok"); // W=3 met by a sloppy quorum
  assert.ok((w as { value: { acks: string[] } }).value.acks.includes(fallback));
  const hint = qnode(sim, fallback).inspect(key);
  assert.deepEqual(hint.versions, []); // not the fallback's own data…
  assert.deepEqual(hint.hints[down]?.map((v) => v.value), ["v"]); // …a hint for the owner
  assert.equal(sim.status(fallback).hints, 1);
  sim.restart(down);
  sim.runFor(1000);
  assert.deepEqual(held(sim, down, key), ["v"]);
  assert.equal(sim.status(fallback).hints, 0);
  assert.equal(sim.status(fallback).handedOff, 1);
  assert.deepEqual(held(sim, fallback, key), []);
});

Deno.test("without sloppy quorum a write for a down replica waits for the real replicas", () => {
  const sim = cluster(4, { n: 3, w: 3, sloppy: false });
  const ring = qnode(sim, "n1").ring();
  const key = Array.from({ length: 200 }, (_, i) => `k${i}`)
    .find((k) => ring.preferenceList(k, 3)[0] === "n1")!;
  const down = ring.preferenceList(key, 3)[2]!;
  sim.crash(down);
  waitSuspected(sim, "n1", down);
  assert.equal(call(sim, "n1", { f: "write", key, value: "v" }).type, "info");
  assert.equal(sim.nodes.reduce((a, n) => a + (Number(sim.status(n).hints) || 0), 0), 0);
});

Deno.test("Merkle anti-entropy repairs a replica without any read", () => {
  const run = (antiEntropyMs: number) => {
    const sim = cluster(3, { sloppy: false, antiEntropyMs });
    sim.network.partition([["n1", "n2"], ["n3"]]);
    for (let i = 0; i < 50; i++) {
      assert.equal(call(sim, "n1", { f: "write", key: `k${i}`, value: i }).type, "ok");
    }
    sim.network.heal();
    sim.runFor(2000);
    return sim;
  };
  const off = run(0);
  assert.equal(Object.keys(qnode(off, "n3").dump!()).length, 0);
  const on = run(200);
  assert.deepEqual(qnode(on, "n3").dump!(), qnode(on, "n1").dump!());
  assert.equal(Object.keys(qnode(on, "n3").dump!()).length, 50);
  const ae = on.nodes.map((n) => on.status(n).antiEntropy as { keysRepaired: number });
  assert.ok(ae.reduce((a, s) => a + s.keysRepaired, 0) >= 50);
  assert.ok(on.nodes.every((n) => on.status(n).readRepairs === 0));
});

Deno.test("add-node moves only the keys whose preference lists now include the new node", () => {
  const sim = cluster(3, { n: 3, antiEntropyMs: 0 });
  const keys = Array.from({ length: 60 }, (_, i) => `key-${i}`);
  for (const k of keys) {
    assert.equal(call(sim, "n1", { f: "write", key: k, value: k, consistency: "ALL" }).type, "ok");
  }
  const before = qnode(sim, "n1").ring();
  sim.addNode("n4");
  const change = call(sim, "n2", { f: "add-node", node: "n4" });
  assert.deepEqual(change, { type: "ok", value: { epoch: 1, nodes: ["n1", "n2", "n3", "n4"] } });
  sim.runFor(1000);
  const after = qnode(sim, "n1").ring();
  assert.deepEqual(after.nodes, ["n1", "n2", "n3", "n4"]);
  for (const n of sim.nodes) assert.equal(qnode(sim, n).membership().epoch, 1);
  const gained = keys.filter((k) => after.preferenceList(k, 3).includes("n4"));
  assert.ok(gained.length > 0 && gained.length < keys.length);
  assert.deepEqual(Object.keys(qnode(sim, "n4").dump!()).sort(), gained.sort());
  for (const n of ["n1", "n2", "n3"]) {
    const mine = keys.filter((k) => after.preferenceList(k, 3).includes(n));
    assert.deepEqual(Object.keys(qnode(sim, n).dump!()).sort(), mine.sort());
  }
  // Each moved key crossed the network once, from the node it left.
  const out = sim.nodes.reduce((a, n) => a + (sim.status(n).movedOut as number), 0);
  assert.equal(out, gained.length);
  assert.equal(sim.status("n4").movedIn, gained.length);
  for (const n of ["n1", "n2", "n3"]) assert.equal(sim.status(n).movedIn, 0);
  assert.notDeepEqual(before.nodes, after.nodes);
  for (const k of keys) {
    assert.deepEqual(call(sim, "n4", { f: "read", key: k }), { type: "ok", value: k });
  }
});

Deno.test("add-node with N=1 moves exactly the keys the partitioner's moves() reports", async () => {
  const { moves } = await import("../../partitioning/partitioner.ts");
  const sim = cluster(3, { n: 1, r: 1, w: 1, antiEntropyMs: 0 });
  const keys = Array.from({ length: 60 }, (_, i) => `key-${i}`);
  for (const k of keys) assert.equal(call(sim, "n3", { f: "write", key: k, value: k }).type, "ok");
  const before = qnode(sim, "n1").ring();
  sim.addNode("n4");
  call(sim, "n1", { f: "add-node", node: "n4" });
  sim.runFor(1000);
  const moved = moves(before, qnode(sim, "n1").ring(), keys).moved;
  assert.ok(moved.length > 0);
  assert.ok(moved.every((m) => m.to === "n4"));
  assert.deepEqual(
    Object.keys(qnode(sim, "n4").dump!()).sort(),
    moved.map((m) => m.key).sort(),
  );
  for (const m of moved) assert.deepEqual(held(sim, m.from, m.key), []);
  const total = sim.nodes.reduce((a, n) => a + Object.keys(qnode(sim, n).dump!()).length, 0);
  assert.equal(total, keys.length); // nothing duplicated, nothing lost
});

Deno.test("a replica's data and hints survive a crash", () => {
  const sim = cluster(3, { sloppy: false, antiEntropyMs: 0 });
  call(sim, "n1", { f: "write", key: "k", value: 1, consistency: "ALL" });
  sim.crash("n2");
  sim.restart("n2");
  assert.deepEqual(held(sim, "n2", "k"), [1]);
  sim.runFor(300);
  assert.deepEqual(call(sim, "n2", { f: "read", key: "k", r: 1 }), { type: "ok", value: 1 });
  // A later write by the restarted coordinator does not reuse a clock entry.
  const w = call(sim, "n2", { f: "write", key: "k", value: 2 });
  assert.deepEqual((w as { value: { clock: unknown } }).value.clock, { n1: 1, n2: 1 });
  sim.crash("n2");
  sim.restart("n2");
  sim.runFor(300);
  const w2 = call(sim, "n2", { f: "write", key: "j", value: 3 });
  assert.deepEqual((w2 as { value: { clock: unknown } }).value.clock, { n2: 2 });
});

Deno.test("deletes leave tombstones that win over older values and read as null", () => {
  const sim = cluster(3);
  call(sim, "n1", { f: "write", key: "k", value: 1, consistency: "ALL" });
  assert.equal(call(sim, "n2", { f: "delete", key: "k" }).type, "ok");
  assert.deepEqual(call(sim, "n3", { f: "read", key: "k", consistency: "ALL" }), {
    type: "ok",
    value: null,
  });
  sim.runFor(1000);
  for (const n of sim.nodes) assert.deepEqual(qnode(sim, n).dump!(), {});
});

Deno.test("cas compares the quorum's value and writes with its context", () => {
  const sim = cluster(3);
  call(sim, "n1", { f: "write", key: "k", value: 1 });
  assert.equal(call(sim, "n2", { f: "cas", key: "k", value: [1, 2] }).type, "ok");
  const miss = call(sim, "n3", { f: "cas", key: "k", value: [1, 3] });
  assert.equal(miss.type, "fail");
  assert.match((miss as { error: string }).error, /cas mismatch: current value is 2/);
  assert.deepEqual(call(sim, "n1", { f: "read", key: "k" }), { type: "ok", value: 2 });
});
