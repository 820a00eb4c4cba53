import assert from "node:assert/strict";
import { Harness } from "./harness.ts";

Deno.test("a follower refuses client operations and names the leader", () => {
  const h = new Harness(3);
  h.elect("n1");
  const rid = h.request("n2", { f: "write", key: "k", value: 1 });
  assert.deepEqual(h.reply(rid), { type: "fail", code: 1000, error: "not leader", leader: "n1" });
});

Deno.test("a read sees every write acknowledged before it (ReadIndex)", () => {
  const h = new Harness(3);
  h.elect("n1");
  const w = h.request("n1", { f: "write", key: "k", value: "v1" });
  h.settle();
  assert.equal(h.reply(w)?.type, "ok");
  const sentBefore = h.count("heartbeat", "n1");
  const r = h.request("n1", { f: "read", key: "k" });
  assert.equal(h.reply(r), undefined, "waits for a heartbeat round");
  assert.equal(h.count("heartbeat", "n1"), sentBefore + 2, "one round to both followers");
  h.settle();
  assert.deepEqual(h.reply(r), { type: "ok", value: "v1" });
});

Deno.test("a deposed leader cannot serve a stale read", () => {
  const h = new Harness(5);
  h.elect("n1");
  h.request("n1", { f: "write", key: "k", value: "old" });
  h.settle();
  h.partition(["n1", "n2"], ["n3", "n4", "n5"]);
  h.elect("n3");
  const w = h.request("n3", { f: "write", key: "k", value: "new" });
  h.settle();
  assert.equal(h.reply(w)?.type, "ok");
  const r = h.request("n1", { f: "read", key: "k" }); // n1 still thinks it leads
  h.settle();
  assert.equal(h.reply(r), undefined, "no majority confirms n1");
  h.run(400); // CheckQuorum deposes n1
  assert.equal(h.reply(r)?.type, "fail");
});

Deno.test("lease reads answer without a round trip while the lease holds", () => {
  const h = new Harness(3, { readMode: "lease" });
  h.elect("n1");
  h.run(60); // one heartbeat round confirmed: the lease starts
  const before = h.sent.length;
  const r = h.request("n1", { f: "read", key: "k" });
  assert.deepEqual(h.reply(r), { type: "ok", value: null });
  assert.equal(h.sent.length, before, "no message was needed");
  // Cut off from the followers, the leader's lease runs out and reads wait again.
  h.isolate("n1");
  h.now += 200;
  const late = h.request("n1", { f: "read", key: "k" });
  assert.equal(h.reply(late), undefined);
});

Deno.test("stale reads are served by any node from its own state", () => {
  const h = new Harness(3, { readMode: "stale" });
  h.elect("n1");
  h.isolate("n3");
  h.request("n1", { f: "write", key: "k", value: 1 });
  h.settle();
  const r = h.request("n3", { f: "read", key: "k" });
  assert.deepEqual(h.reply(r), { type: "ok", value: null }, "n3 missed the write and says so");
});

Deno.test("log reads go through the log like writes", () => {
  const h = new Harness(3, { readMode: "log" });
  h.elect("n1");
  const last = h.status("n1").lastIndex as number;
  const r = h.request("n1", { f: "read", key: "k" });
  assert.equal(h.status("n1").lastIndex, last + 1);
  h.settle();
  assert.deepEqual(h.reply(r), { type: "ok", value: null });
});

Deno.test("a retried request with the same sequence number is applied exactly once", () => {
  const h = new Harness(3);
  h.elect("n1");
  // Two copies of the same cas race each other into the log.
  const a = h.request("n1", { f: "cas", key: "k", value: [null, 1], seq: 1 }, 7);
  const b = h.request("n1", { f: "cas", key: "k", value: [null, 1], seq: 1 }, 7);
  h.settle();
  assert.deepEqual(h.reply(a), { type: "ok" });
  assert.deepEqual(
    h.reply(b),
    { type: "ok" },
    "the duplicate gets the first reply, not a cas failure",
  );
  h.request("n1", { f: "write", key: "k", value: 5 }, 8);
  h.settle();
  const c = h.request("n1", { f: "cas", key: "k", value: [null, 1], seq: 1 }, 7);
  assert.deepEqual(h.reply(c), { type: "ok" }, "a late retry is answered from the session");
  assert.equal(h.node("n1").dump().k, 5, "and not applied again");
});

Deno.test("cas with the wrong expected value is a definite failure", () => {
  const h = new Harness(3);
  h.elect("n1");
  const r = h.request("n1", { f: "cas", key: "k", value: [3, 4] });
  h.settle();
  assert.deepEqual(h.reply(r), { type: "fail", code: 22, error: "cas mismatch" });
});

Deno.test("a leader that loses leadership before its entry commits answers info", () => {
  const h = new Harness(3);
  h.elect("n1");
  h.isolate("n1");
  const w = h.request("n1", { f: "write", key: "k", value: 1 });
  const r = h.request("n1", { f: "read", key: "k" });
  h.run(400);
  assert.deepEqual(h.reply(w), { type: "info", code: 13, error: "leadership lost before commit" });
  assert.equal(h.reply(r)?.type, "fail", "a read that did not happen is a definite failure");
});

Deno.test("a single-node cluster commits and reads on its own", () => {
  const h = new Harness(1);
  h.run(400);
  assert.equal(h.leader(), "n1");
  const w = h.request("n1", { f: "write", key: "k", value: 1 });
  const r = h.request("n1", { f: "read", key: "k" });
  assert.deepEqual(h.reply(w), { type: "ok" });
  assert.deepEqual(h.reply(r), { type: "ok", value: 1 });
});
