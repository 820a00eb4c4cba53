import assert from "node:assert/strict";
import { Inflights } from "../../protocols/raft/inflights.ts";
import { Progress } from "../../protocols/raft/progress.ts";

Deno.test("the in-flight window fills up, frees by acknowledgement and refuses overflow", () => {
  const w = new Inflights(3);
  w.add(2);
  w.add(5);
  w.add(9);
  assert.ok(w.full());
  assert.throws(() => w.add(10), /full/);
  w.freeTo(5);
  assert.equal(w.count, 1);
  w.add(12); // wraps around the ring
  w.freeTo(100);
  assert.equal(w.count, 0);
  w.add(1);
  w.freeFirst();
  assert.equal(w.count, 0);
});

Deno.test("a probing follower gets one append until it answers", () => {
  const p = new Progress(6, 4);
  assert.ok(p.canSendEntries(10));
  p.sentEntries(3);
  assert.equal(p.next, 6, "probing does not advance next");
  assert.ok(!p.canSendEntries(10), "paused until a response");
});

Deno.test("a replicating follower is pipelined up to the in-flight limit", () => {
  const p = new Progress(1, 2);
  p.maybeUpdate(5);
  p.becomeReplicate();
  assert.equal(p.next, 6);
  p.sentEntries(2);
  p.sentEntries(2);
  assert.equal(p.next, 10);
  assert.ok(!p.canSendEntries(20), "window of 2 is full");
  p.maybeUpdate(7);
  p.inflights.freeTo(7);
  assert.ok(p.canSendEntries(20));
});

Deno.test("a rejection lowers next to the hint but never below match + 1", () => {
  const p = new Progress(11, 4);
  assert.ok(p.maybeDecrTo(10, 4));
  assert.equal(p.next, 5);
  assert.ok(!p.maybeDecrTo(10, 2), "a stale rejection for an older probe is ignored");
  p.maybeUpdate(3);
  assert.ok(p.maybeDecrTo(4, 0));
  assert.equal(p.next, 4, "match is 3, so next stays at 4");
});

Deno.test("a rejection breaks a replicating pipeline back to probing, stale ones do not", () => {
  const p = new Progress(1, 4);
  p.maybeUpdate(5);
  p.becomeReplicate();
  p.sentEntries(5);
  assert.ok(!p.maybeDecrTo(4, 0), "rejected index at or below match is stale");
  assert.ok(p.maybeDecrTo(8, 6));
  assert.equal(p.state, "probe");
  assert.equal(p.next, 7);
  assert.equal(p.inflights.count, 0);
});

Deno.test("a commit index is sent only when it can move the follower's commit", () => {
  const p = new Progress(1, 4);
  p.maybeUpdate(5);
  p.becomeReplicate();
  assert.ok(p.canBumpCommit(3));
  p.sentCommit(3);
  assert.ok(!p.canBumpCommit(3));
  p.sentCommit(9);
  assert.equal(p.pendingCommit, 5, "never above next - 1");
});

Deno.test("a follower waiting for a snapshot gets no appends", () => {
  const p = new Progress(1, 4);
  p.becomeSnapshot(100, 7);
  assert.ok(!p.canSendEntries(200));
  assert.equal(p.pendingSnapshot, 100);
  assert.equal(p.snapshotSentAt, 7);
});
