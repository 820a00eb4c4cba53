import assert from "node:assert/strict";
import { Harness } from "./harness.ts";

const members = ["n1", "n2", "n3"];

Deno.test("a new server joins as a learner and is promoted to voter once caught up", () => {
  const h = new Harness(3, { members });
  h.elect("n1");
  for (let i = 0; i < 20; i++) h.request("n1", { f: "write", key: "k", value: i });
  h.settle();
  h.start("n4", { members });
  assert.equal(h.status("n4").role, "follower");
  h.run(1000); // n4 is not a voter: it never campaigns
  assert.equal(h.events.filter((e) => e.node === "n4" && e.kind === "election").length, 0);
  const rid = h.request("n1", { f: "add-node", node: "n4" });
  h.run(200);
  assert.equal(h.reply(rid)?.type, "ok");
  assert.deepEqual(h.status("n1").voters, ["n1", "n2", "n3", "n4"]);
  assert.deepEqual(h.status("n4").voters, ["n1", "n2", "n3", "n4"]);
  assert.equal(h.node("n4").dump().k, 19);
  const configs = h.events.filter((e) => e.node === "n1" && e.kind === "config");
  assert.deepEqual(configs.map((e) => e.data?.learners), [["n4"], []]);
});

Deno.test("a configuration takes effect as soon as it is appended, before it commits", () => {
  const h = new Harness(3, { members });
  h.elect("n1");
  h.isolate("n2");
  h.isolate("n3");
  h.request("n1", { f: "remove-node", node: "n3" });
  assert.deepEqual(h.status("n1").voters, ["n1", "n2"], "in effect on the leader at once");
  assert.ok((h.status("n1").commitIndex as number) < (h.status("n1").lastIndex as number));
});

Deno.test("only one membership change may be in progress at a time", () => {
  const h = new Harness(3, { members });
  h.elect("n1");
  h.isolate("n3");
  h.isolate("n2");
  h.request("n1", { f: "remove-node", node: "n3" });
  const second = h.request("n1", { f: "remove-node", node: "n2" });
  assert.deepEqual(h.reply(second), { type: "fail", code: 11, error: "config change in progress" });
});

Deno.test("a removed server stops taking part and the rest keep committing", () => {
  const h = new Harness(3, { members });
  h.elect("n1");
  const rid = h.request("n1", { f: "remove-node", node: "n3" });
  h.settle();
  assert.equal(h.reply(rid)?.type, "ok");
  assert.deepEqual(h.status("n1").voters, ["n1", "n2"]);
  h.isolate("n3");
  const w = h.request("n1", { f: "write", key: "k", value: 1 });
  h.settle();
  assert.equal(h.reply(w)?.type, "ok", "two voters commit without n3");
  const termBefore = h.status("n1").term;
  h.heal();
  h.run(2000);
  assert.equal(h.leader(), "n1", "the removed server does not disrupt the cluster");
  assert.equal(h.status("n1").term, termBefore);
});

Deno.test("a leader that removes itself steps down after the removal commits", () => {
  const h = new Harness(3, { members });
  h.elect("n1");
  const rid = h.request("n1", { f: "remove-node", node: "n1" });
  h.settle();
  assert.equal(h.reply(rid)?.type, "ok");
  assert.equal(h.status("n1").role, "follower");
  h.run(500);
  const leader = h.leader();
  assert.ok(leader === "n2" || leader === "n3");
  assert.deepEqual(h.status(leader).voters, ["n2", "n3"]);
  const w = h.request(leader, { f: "write", key: "k", value: 1 });
  h.settle();
  assert.equal(h.reply(w)?.type, "ok");
});

Deno.test("a leader refuses membership changes until it has committed an entry of its term", () => {
  const h = new Harness(3, { members });
  h.now += 1000;
  h.tick("n1");
  // Deliver votes only: the no-op is not yet committed.
  while (h.deliver((e) => e.msg.type.startsWith("vote")) > 0);
  assert.equal(h.leader(), "n1");
  const rid = h.request("n1", { f: "add-node", node: "n4" });
  assert.deepEqual(h.reply(rid), {
    type: "fail",
    code: 11,
    error: "leader has not committed in its term yet",
  });
});

Deno.test("membership changes survive a crash of every node", () => {
  const h = new Harness(3, { members });
  h.elect("n1");
  h.start("n4", { members });
  h.request("n1", { f: "add-node", node: "n4" });
  h.run(300);
  for (const id of h.ids) h.crash(id);
  for (const id of h.ids) h.start(id, { members });
  assert.deepEqual(h.status("n2").voters, ["n1", "n2", "n3", "n4"]);
  h.run(1000);
  assert.ok(h.leader());
});
