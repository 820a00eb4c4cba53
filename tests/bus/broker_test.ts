import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import type { Reply } from "../../protocols/node.ts";
import { bus, type BusNode } from "../../protocols/bus/bus.ts";
import { busConfig, leaderOf, partitionOf } from "../../protocols/bus/config.ts";
import type { PollResult } from "../../protocols/bus/message.ts";
import { appendRecord, applyAppend, loadReplica } from "../../protocols/bus/partition.ts";
import { memoryStorage } from "../txn/fake_ctx.ts";

const ONE = { topics: { t: { partitions: 1, replicas: 3 } } };

function cluster(seed: number, options: Record<string, unknown> = ONE) {
  const sim = new Simulation({ protocol: bus, nodes: 3, seed, options });
  const call = (node: string, op: unknown): Reply[] => {
    const out: Reply[] = [];
    sim.request(node, op, 1, (r) => out.push(r));
    return out;
  };
  return { sim, call };
}

function produce(key: string, value: unknown, extra: Record<string, unknown> = {}) {
  return { f: "produce", topic: "t", key, value, ...extra };
}

Deno.test("a produce is acknowledged once a quorum of replicas holds it, and replicas converge", () => {
  const { sim, call } = cluster(1);
  const r = call("n1", produce("k", "v1"));
  sim.runFor(100);
  assert.deepEqual(r, [{ type: "ok", value: { partition: 0, offset: 0, epoch: 1 } }]);
  for (const n of ["n1", "n2", "n3"]) {
    const b = (sim.host(n)!.node as BusNode).broker!;
    assert.equal(b.partitions()[0]!.replica.log.length, 1);
    assert.equal(b.partitions()[0]!.replica.hw, 1);
  }
});

Deno.test("with one follower down a quorum still acknowledges; with both down the answer is indefinite", () => {
  const { sim, call } = cluster(2, { ...ONE, produceTimeoutMs: 300 });
  sim.crash("n3");
  const one = call("n1", produce("k", 1));
  sim.runFor(100);
  assert.equal(one[0]?.type, "ok");
  sim.crash("n2");
  const two = call("n1", produce("k", 2));
  sim.runFor(500);
  assert.equal(two[0]?.type, "info"); // appended at the leader, not acknowledged
  sim.restart("n2");
  sim.runFor(200);
  // The record was not lost: once a follower is back, it is replicated and visible.
  const polled = call("n1", { f: "poll", topic: "t", partition: 0 });
  sim.runFor(10);
  assert.deepEqual((polled[0] as { value: PollResult }).value.records.map((r) => r.value), [1, 2]);
});

Deno.test("a follower is told where the leader is", () => {
  const { sim, call } = cluster(3);
  const r = call("n2", produce("k", 1));
  sim.runFor(5);
  assert.equal(r[0]?.type, "fail");
  assert.equal((r[0] as { leader?: string }).leader, "n1");
});

Deno.test("an idempotent producer's retry is stored once and answered with the first offset", () => {
  const { sim, call } = cluster(4);
  const a = call("n1", produce("k", "x", { producer: "p", seq: 0 }));
  const b = call("n1", produce("k", "x", { producer: "p", seq: 0 }));
  const c = call("n1", produce("k", "y", { producer: "p", seq: 1 }));
  sim.runFor(100);
  assert.deepEqual([a, b, c].map((r) => (r[0] as { value: { offset: number } }).value.offset), [
    0,
    0,
    1,
  ]);
  const b1 = (sim.host("n1")!.node as BusNode).broker!;
  assert.equal(b1.partitions()[0]!.replica.log.length, 2);
});

Deno.test("a consumer that resumes from the committed offset gets what it had not committed again", () => {
  const { sim, call } = cluster(5);
  for (let i = 0; i < 5; i++) call("n1", produce("k", i));
  sim.runFor(100);
  const first = call("n1", { f: "poll", topic: "t", partition: 0, group: "g", max: 3 });
  sim.runFor(10);
  const got = (first[0] as { value: PollResult }).value;
  assert.deepEqual(got.records.map((r) => r.offset), [0, 1, 2]);
  call("n1", { f: "commit", topic: "t", partition: 0, group: "g", offset: 2 }); // processed 0, 1
  sim.runFor(100);
  // The consumer crashes and forgets its position: it resumes at the committed offset.
  const again = call("n1", { f: "poll", topic: "t", partition: 0, group: "g" });
  sim.runFor(10);
  const v = (again[0] as { value: PollResult }).value;
  assert.equal(v.committed, 2);
  assert.deepEqual(v.records.map((r) => r.offset), [2, 3, 4]); // 2 is delivered twice
  // Commits only move forward.
  call("n1", { f: "commit", topic: "t", partition: 0, group: "g", offset: 1 });
  sim.runFor(100);
  const after = call("n1", { f: "poll", topic: "t", partition: 0, group: "g" });
  sim.runFor(10);
  assert.equal((after[0] as { value: PollResult }).value.committed, 2);
  // Committed offsets are replicated with the log.
  const follower = (sim.host("n2")!.node as BusNode).broker!.partitions()[0]!.replica;
  assert.equal(follower.offsets.get("g"), 2);
});

Deno.test("a long poll waits for the next record instead of answering empty at once", () => {
  const { sim, call } = cluster(6);
  const r = call("n1", { f: "poll", topic: "t", partition: 0, waitMs: 500 });
  sim.runFor(50);
  assert.deepEqual(r, []);
  call("n1", produce("k", "late"));
  sim.runFor(50);
  assert.deepEqual((r[0] as { value: PollResult }).value.records.map((x) => x.value), ["late"]);
  const empty = call("n1", { f: "poll", topic: "t", partition: 0, offset: 1, waitMs: 100 });
  sim.runFor(200);
  assert.deepEqual((empty[0] as { value: PollResult }).value.records, []);
});

Deno.test("a restarted follower catches up from the leader; a restarted leader keeps every record and follows the leader elected meanwhile", () => {
  const { sim, call } = cluster(7);
  sim.crash("n3");
  for (let i = 0; i < 20; i++) call("n1", produce(`k${i}`, i));
  sim.runFor(200);
  sim.restart("n3");
  sim.runFor(300);
  const f = (sim.host("n3")!.node as BusNode).broker!.partitions()[0]!.replica;
  assert.equal(f.log.length, 20);
  type Status = { partitions: Record<string, { leader: boolean; isr?: string[] }> };
  sim.crash("n1");
  sim.runFor(1000);
  const leader = ["n2", "n3"].find((n) => (sim.status(n) as Status).partitions["t/0"]!.leader);
  assert.ok(leader !== undefined, "no new leader");
  sim.restart("n1");
  const l = (sim.host("n1")!.node as BusNode).broker!.partitions()[0]!;
  assert.equal(l.replica.log.length, 20);
  assert.equal(l.replica.hw, 20);
  assert.equal(l.leader, false); // its leadership ended with the crash
  sim.runFor(300);
  assert.deepEqual([...(sim.status(leader) as Status).partitions["t/0"]!.isr!].sort(), [
    "n1",
    "n2",
    "n3",
  ]);
  assert.equal(l.replica.epoch, 2);
  const r = call("n1", produce("k", "after"));
  sim.runFor(10);
  assert.equal((r[0] as { leader?: string }).leader, leader);
});

Deno.test("records with the same key stay in order within their partition", () => {
  const options = { topics: { t: { partitions: 3, replicas: 3 } } };
  const { sim, call } = cluster(8, options);
  const c = busConfig(sim.nodes, options);
  const key = "order-42";
  const p = partitionOf(c, "t", key);
  for (let i = 0; i < 10; i++) call(leaderOf(c, "t", p), produce(key, i));
  sim.runFor(200);
  const polled = call(leaderOf(c, "t", p), { f: "poll", topic: "t", partition: p });
  sim.runFor(10);
  const values = (polled[0] as { value: PollResult }).value.records.map((r) => r.value);
  assert.deepEqual(values, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("a follower skips records it already has, refuses a gap, and cuts off a tail its leader does not have", () => {
  const storage = memoryStorage();
  const r = loadReplica(storage, "t", 0);
  const rec = (v: number, epoch = 1) => ({ key: "k", value: v, at: 0, epoch });
  appendRecord(storage, r, rec(0));
  assert.deepEqual(applyAppend(storage, r, 1, 0, 0, [rec(0), rec(1)], 2, { g: 1 }, 1), {
    shared: 2,
  });
  assert.deepEqual(r.log.map((x) => x.value), [0, 1]);
  assert.deepEqual(applyAppend(storage, r, 1, 5, 1, [rec(5)], 6, {}, 0), { resend: 2 });
  assert.equal(r.log.length, 2);
  // Two uncommitted records of epoch 1 that the leader of epoch 2 does not have.
  appendRecord(storage, r, rec(2));
  appendRecord(storage, r, rec(3));
  assert.deepEqual(applyAppend(storage, r, 2, 2, 1, [rec(20, 2)], 3, { g: 2 }, 0), {
    shared: 3,
  });
  assert.deepEqual(r.log.map((x) => x.value), [0, 1, 20]);
  // A record before `from` that disagrees: back to the high watermark, resend from there.
  appendRecord(storage, r, rec(4, 1));
  assert.deepEqual(applyAppend(storage, r, 3, 4, 3, [rec(5, 3)], 3, {}, 0), { resend: 3 });
  assert.deepEqual(r.log.map((x) => x.value), [0, 1, 20]);
  const reloaded = loadReplica(storage, "t", 0);
  assert.deepEqual(reloaded.log.map((x) => x.value), [0, 1, 20]);
  assert.equal(reloaded.hw, 3);
  // A later epoch's offsets replace an earlier one's, whatever their versions.
  assert.equal(reloaded.offsets.get("g"), 2);
  assert.equal(reloaded.epoch, 0); // applying appends does not vote
});

Deno.test("acks all waits for every in-sync follower; one that falls silent leaves the in-sync set and holds nothing up after isrLagMs", () => {
  const options = { ...ONE, acks: "all", isrLagMs: 200 };
  const { sim, call } = cluster(10, options);
  const first = call("n1", produce("k", 0));
  sim.runFor(100);
  assert.equal(first[0]?.type, "ok");
  sim.crash("n3");
  const second = call("n1", produce("k", 1));
  sim.runFor(100);
  assert.equal(second.length, 0); // n2 has it (a majority), n3 is still counted in sync
  sim.runFor(300);
  assert.equal(second[0]?.type, "ok");
  type Status = { partitions: Record<string, { isr: string[] }> };
  assert.deepEqual((sim.status("n1") as Status).partitions["t/0"]!.isr, ["n1", "n2"]);
  // With the default acks, a majority is enough at once.
  const { sim: sim2, call: call2 } = cluster(10);
  sim2.runFor(100);
  sim2.crash("n3");
  const quick = call2("n1", produce("k", 1));
  sim2.runFor(100);
  assert.equal(quick[0]?.type, "ok");
});
