import assert from "node:assert/strict";
import { Harness } from "./harness.ts";

const opts = { snapshotThreshold: 10, compactMargin: 2 };

Deno.test("a node snapshots its state machine once the applied log passes the threshold", () => {
  const h = new Harness(3, opts);
  h.elect("n1");
  for (let i = 0; i < 25; i++) h.request("n1", { f: "write", key: `k${i % 4}`, value: i });
  h.settle();
  h.run(10);
  for (const id of h.ids) {
    const v = h.node(id).inspect();
    assert.ok(v.snapshotIndex >= 10, `${id} snapshotted at ${v.snapshotIndex}`);
    assert.ok(v.entries.length <= 10 + 2 + 1, "the log was compacted");
    assert.ok(h.disks.get(id)!.keys("log/").length === v.entries.length);
  }
  assert.ok(h.events.some((e) => e.kind === "snapshot" && e.data?.action === "take"));
});

Deno.test("a follower behind the compacted log is caught up with InstallSnapshot", () => {
  const h = new Harness(3, opts);
  h.elect("n1");
  h.isolate("n3");
  for (let i = 0; i < 40; i++) h.request("n1", { f: "write", key: `k${i % 4}`, value: i });
  h.settle();
  h.heal();
  h.run(200);
  assert.ok(h.count("snapshot", "n1") >= 1);
  assert.ok(
    h.events.some((e) => e.node === "n3" && e.kind === "snapshot" && e.data?.action === "install"),
  );
  assert.deepEqual(h.node("n3").dump(), h.node("n1").dump());
  assert.equal(h.status("n3").commitIndex, h.status("n1").commitIndex);
});

Deno.test("an installed snapshot and the sessions in it survive a crash", () => {
  const h = new Harness(3, opts);
  h.elect("n1");
  h.isolate("n3");
  for (let i = 1; i <= 30; i++) h.request("n1", { f: "write", key: "x", value: i, seq: i }, 9);
  h.settle();
  h.heal();
  h.run(200);
  h.crash("n3");
  const n3 = h.start("n3");
  const v = n3.inspect();
  assert.ok(v.snapshotIndex > 1);
  assert.equal(n3.dump().x, v.snapshotIndex - 1, "state restored from the snapshot on disk");
  h.run(100);
  assert.equal(n3.dump().x, 30, "and the log after it, once the leader says it is committed");
  // The session came with the snapshot: a retry of client 9's last write is answered
  // from it, by whichever node leads.
  h.crash("n1");
  h.elect("n3");
  assert.equal(h.leader(), "n3");
  const rid = h.request("n3", { f: "write", key: "x", value: 30, seq: 30 }, 9);
  assert.deepEqual(h.reply(rid), { type: "ok" });
});

Deno.test("a lost snapshot is sent again after a timeout", () => {
  const h = new Harness(3, opts);
  h.elect("n1");
  h.isolate("n3");
  for (let i = 0; i < 40; i++) h.request("n1", { f: "write", key: "k", value: i });
  h.settle();
  h.heal();
  // The first snapshot message is lost.
  let snapshots = 0;
  for (let t = 0; t < 60; t++) {
    h.now += 10;
    h.tick();
    for (let r = 0; r < 20 && h.inflight.length > 0; r++) {
      h.inflight = h.inflight.filter((e) => e.msg.type !== "snapshot" || snapshots++ > 0);
      h.deliver();
    }
  }
  assert.ok(snapshots >= 2, "the snapshot was sent again");
  assert.equal(h.node("n3").dump().k, 39);
});

Deno.test("a snapshot whose last entry the follower holds only advances its commit", () => {
  const h = new Harness(3, opts);
  h.elect("n1");
  for (let i = 0; i < 12; i++) h.request("n1", { f: "write", key: "k", value: i });
  h.settle();
  const snap = h.disks.get("n1")!.get("raft/snapshot") as never;
  const index = (snap as { index: number }).index;
  const before = h.node("n2").inspect();
  assert.ok(before.commitIndex < index, "n2 is behind on commit");
  h.node("n2").message("n1", {
    type: "snapshot",
    term: h.status("n1").term as number,
    snapshot: snap,
  });
  const after = h.node("n2").inspect();
  assert.equal(after.commitIndex, index);
  assert.equal(after.entries.at(-1)?.index, before.entries.at(-1)?.index, "log kept");
  assert.ok(!h.events.some((e) => e.kind === "snapshot" && e.data?.action === "install"));
});

Deno.test("a server that joins after the log was compacted starts from a snapshot", () => {
  const members = ["n1", "n2", "n3"];
  const h = new Harness(3, { ...opts, members });
  h.elect("n1");
  for (let i = 0; i < 30; i++) h.request("n1", { f: "write", key: "k", value: i });
  h.settle();
  h.start("n4", { ...opts, members });
  const rid = h.request("n1", { f: "add-node", node: "n4" });
  h.run(300);
  assert.equal(h.reply(rid)?.type, "ok");
  assert.equal(h.node("n4").dump().k, 29);
  assert.ok(h.events.some((e) => e.node === "n4" && e.kind === "snapshot"));
});

Deno.test("a node's log page: the newest entries, a range, and where compaction begins", () => {
  const h = new Harness(3, { snapshotThreshold: 10, compactMargin: 6 });
  h.elect("n1");
  for (let i = 0; i < 25; i++) h.request("n1", { f: "write", key: `k${i % 4}`, value: i });
  h.settle();
  h.run(10);
  const node = h.node("n2");
  const v = node.inspect();
  const kept = v.entries.map((e) => e.index);
  assert.ok(kept.length >= 5 && kept[0]! > 1, `kept ${kept}`);
  const newest = node.log(0, 5);
  assert.equal(newest.last, kept.at(-1));
  assert.deepEqual(newest.entries.map((e) => e.index), kept.slice(-5));
  assert.equal(newest.commit, h.status("n2").commitIndex);
  assert.equal(newest.first, kept[0], "entries before it are in the snapshot");
  // From an index before the first kept one: the page starts where the log does.
  assert.deepEqual(node.log(1, 3).entries.map((e) => e.index), kept.slice(0, 3));
  const mid = node.log(newest.last - 1, 10);
  assert.deepEqual(
    mid.entries.map((e) => [e.index, e.term]),
    v.entries.slice(-2).map((e) => [e.index, e.term]),
  );
  assert.deepEqual(node.log(newest.last + 1, 10).entries, []);
});
