import assert from "node:assert/strict";
import { type BusReplicaView, createBusChecker } from "../../protocols/bus/invariants.ts";
import type { BusRecord } from "../../protocols/bus/message.ts";

const rec = (value: unknown, producer?: string, seq?: number): BusRecord => ({
  key: "k",
  value,
  producer,
  seq,
  at: 0,
  epoch: 1,
});

function view(node: string, log: BusRecord[], extra: Partial<BusReplicaView> = {}): BusReplicaView {
  return {
    node,
    topic: "t",
    partition: 0,
    log,
    hw: log.length,
    offsets: new Map(),
    leader: node === "n1",
    epoch: 1,
    ...extra,
  };
}

Deno.test("replicas that agree below their high watermarks pass, one that differs is caught", () => {
  const c = createBusChecker();
  assert.equal(c.observe([view("n1", [rec(1), rec(2)]), view("n2", [rec(1)])]), null);
  // Above its high watermark a follower may hold a record its leader will replace.
  assert.equal(c.observe([view("n3", [rec(1), rec(9)], { hw: 1 })]), null);
  assert.equal(
    c.observe([view("n2", [rec(1), rec(3)])]),
    "n2 t/0 committed offset 1 differs from another replica's",
  );
});

Deno.test("a log cut below its high watermark, or a watermark that goes back, is caught", () => {
  const c = createBusChecker();
  assert.equal(c.observe([view("n1", [rec(1), rec(2)])]), null);
  assert.equal(
    c.observe([view("n1", [rec(1)], { hw: 2 })]),
    "n1 t/0 high watermark 2 is past the log end 1",
  );
  const d = createBusChecker();
  d.observe([view("n1", [rec(1)], { hw: 1 })]);
  assert.equal(
    d.observe([view("n1", [rec(1)], { hw: 0 })]),
    "n1 t/0 high watermark went back from 1 to 0",
  );
});

Deno.test("a producer's records must appear once each, in sequence order", () => {
  const c = createBusChecker();
  assert.equal(
    c.observe([view("n1", [rec("a", "p", 0), rec("b", "p", 1), rec("a", "p", 0)])]),
    "t/0 offset 2: producer p seq 0 after seq 1",
  );
});

Deno.test("an acknowledged record must match the log and stay on a quorum of replicas", () => {
  const c = createBusChecker();
  c.observe([view("n1", [rec("x")])]);
  assert.equal(
    c.acknowledged({ topic: "t", partition: 0, offset: 0, key: "k", value: "y" }),
    "acknowledged t/0@0 is not the committed record",
  );
  assert.equal(c.acknowledged({ topic: "t", partition: 0, offset: 0, key: "k", value: "x" }), null);
  const quorum = () => 2;
  assert.equal(
    c.checkDurable([view("n1", [rec("x")]), view("n2", [])], quorum),
    "acknowledged t/0@0 is on 1 replicas, fewer than 2",
  );
  assert.equal(c.checkDurable([view("n1", [rec("x")]), view("n2", [rec("x")])], quorum), null);
  assert.deepEqual(c.counts, { records: 1, acked: 1, leaders: 1 });
  assert.equal(
    c.acknowledged({ topic: "t", partition: 0, offset: 1, key: "k", value: "z" }),
    null,
  );
  assert.equal(
    c.checkDurable([view("n1", [rec("x")]), view("n2", [rec("x")])], quorum),
    "acknowledged t/0@1 was never committed",
  );
});

Deno.test("a consumer given a record that is not the committed one is caught", () => {
  const c = createBusChecker();
  const seen = { topic: "t", partition: 0, offset: 0, key: "k", value: "uncommitted" };
  assert.equal(c.delivered(seen), null);
  assert.equal(
    c.observe([view("n1", [rec("x")])]),
    "a consumer was given t/0@0, which was never committed",
  );
  const d = createBusChecker();
  d.delivered(seen);
  assert.equal(d.checkDurable([], () => 1), "a consumer was given t/0@0, never committed");
});

Deno.test("a committed group offset may not pass the committed log", () => {
  const c = createBusChecker();
  assert.equal(
    c.observe([view("n1", [rec(1)], { hw: 1, offsets: new Map([["g", 2]]) })]),
    "n1 t/0 group g committed 2 past the committed log (1)",
  );
});
