import assert from "node:assert/strict";
import { createCapStore, MAJORITY, MINORITY, runCap, scenario } from "../../scenarios/cap.ts";
import { collectLines } from "../../scenarios/scenario.ts";

const r = await runCap();
const partitioned = r.steps.filter((s) => s.partitioned && s.step < 7);
const healed = r.steps.filter((s) => s.step >= 7);
const side = (s: (typeof r.steps)[number]) => MINORITY.includes(s.node) ? "minority" : "majority";

Deno.test("cap is deterministic", async () => {
  assert.equal(scenario.name, "cap");
  assert.deepEqual(await runCap(), r);
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
});

Deno.test("cap: during the partition the Raft minority never returns data, the majority serves", () => {
  const minority = partitioned.filter((s) => side(s) === "minority");
  const majority = partitioned.filter((s) => side(s) === "majority");
  assert.ok(minority.some((s) => s.op.f === "read"), "a minority-side read");
  assert.ok(majority.some((s) => s.op.f === "cas"), "a majority-side write");
  for (const s of minority) assert.notEqual(s.cp.status, "ok", `step ${s.step}`);
  for (const s of majority) assert.equal(s.cp.status, "ok", `step ${s.step}`);
  assert.equal(r.steps.find((s) => s.step === 6)!.cp.value, 2);
  assert.ok(MAJORITY.includes(r.steps[1]!.cp.path.at(-1)!), "the cas reached a majority leader");
});

Deno.test("cap: the quorum KV answers on both sides, with a stale read and then siblings", () => {
  for (const s of partitioned) assert.equal(s.ap.status, "ok", `step ${s.step}`);
  const stale = r.steps[2]!;
  assert.deepEqual([stale.client, stale.op.f, stale.ap.value], ["A", "read", 1]);
  for (const s of healed) {
    assert.deepEqual((s.ap.value as { siblings: unknown[] }).siblings, [2, 3]);
    assert.equal(s.cp.value, 2);
  }
});

Deno.test("cap: the stale read despite W+R>N — the sloppy write and read quorums share no node", () => {
  const o = r.sloppy;
  assert.ok(o.w + o.r > o.n);
  assert.deepEqual(o.preferenceList, ["n1", "n4", "n5"]);
  assert.deepEqual(o.writeAcks, ["n3", "n5"]);
  assert.deepEqual(o.writeStandIns, { n3: "n1" });
  assert.deepEqual(o.readReplies, ["n1", "n2"]);
  assert.deepEqual(o.overlap, []);
  // Stand-ins outside the preference list took part on both sides.
  assert.ok(o.writeAcks.some((n) => !o.preferenceList.includes(n)));
  assert.ok(o.readReplies.some((n) => !o.preferenceList.includes(n)));
});

Deno.test("cap: after heal every replica of both stores holds the same data", () => {
  assert.deepEqual(Object.values(r.finalData.cp), [2, 2, 2, 2, 2]);
  assert.equal(Object.keys(r.finalData.ap).length, 3);
  for (const v of Object.values(r.finalData.ap)) {
    assert.deepEqual((v as { siblings: unknown[] }).siblings, [2, 3]);
  }
  assert.ok(r.classification.cp.converged && r.classification.ap.converged);
});

Deno.test("cap: the checker calls Raft linearizable and the quorum KV causal, not sequential", () => {
  assert.deepEqual(r.classification.cp.strongest, ["linearizable"]);
  assert.equal(r.classification.cp.status.causal, "pass");
  assert.deepEqual(r.classification.ap.strongest, ["causal"]);
  assert.equal(r.classification.ap.status.linearizable, "fail");
  assert.equal(r.classification.ap.status.sequential, "fail");
  assert.equal(r.classification.ap.status.causal, "pass");
  assert.equal(r.classification.ap.status.eventual, "pass");
});

Deno.test("cap: PACELC — with no partition, more replies per read cost latency", () => {
  const quorum = r.pacelc.filter((x) => x.store === "quorum KV");
  assert.deepEqual(quorum.map((x) => [x.r, x.overlapsWrites]), [[1, false], [2, true], [3, true]]);
  assert.ok(quorum[0]!.meanMs < quorum[1]!.meanMs && quorum[1]!.meanMs < quorum[2]!.meanMs);
  const raft = r.pacelc.find((x) => x.store === "Raft KV")!;
  assert.ok(raft.overlapsWrites && raft.meanMs > quorum[0]!.meanMs);
});

Deno.test("cap lab: for several seeds a partitioned Raft minority refuses and the quorum KV answers", () => {
  for (const seed of [2, 3, 4, 5]) {
    const cp = createCapStore("CP", seed);
    const ap = createCapStore("AP", seed);
    assert.equal(cp.leader(), "n1");
    for (const s of [cp, ap]) {
      assert.equal(s.call("A", "n1", { f: "write", key: "k", value: 1 }).status, "ok");
      s.partition();
      assert.equal(s.call("B", "n4", { f: "write", key: "k", value: 2 }).status, "ok");
    }
    assert.ok(MAJORITY.includes(cp.leader()!), `seed ${seed}: a majority-side leader`);
    for (const node of MINORITY) {
      const r = cp.call("A", node, { f: "read", key: "k" });
      assert.notEqual(r.status, "ok", `seed ${seed}: Raft minority answered ${r.value}`);
      assert.equal(ap.call("A", node, { f: "read", key: "k" }).status, "ok", `seed ${seed}`);
    }
    cp.heal();
    ap.heal();
    assert.equal(cp.call("A", "n2", { f: "read", key: "k" }).value, 2, `seed ${seed}`);
    for (const s of [cp, ap]) {
      const data = s.data();
      const values = s.owners("k").map((n) => JSON.stringify(data[n]!.k));
      assert.equal(new Set(values).size, 1, `seed ${seed}: ${s.name} replicas ${values}`);
    }
  }
});
