import assert from "node:assert/strict";
import { RaftInvariants, type RaftNodeView } from "../../protocols/raft/invariants.ts";
import type { Entry } from "../../protocols/raft/entry.ts";

const w = (index: number, term: number, value: number): Entry => ({
  index,
  term,
  data: { type: "kv", client: 1, op: { f: "write", key: "x", value } },
});
const view = (id: string, over: Partial<RaftNodeView>): RaftNodeView => ({
  id,
  role: "follower",
  term: 1,
  commitIndex: 0,
  applied: 0,
  appliedHash: 0,
  snapshotIndex: 0,
  snapshotTerm: 0,
  entries: [],
  ...over,
});

Deno.test("the checker flags two leaders in one term, even seen at different times", () => {
  const inv = new RaftInvariants();
  assert.deepEqual(inv.check([view("a", { role: "leader", term: 2 })]), []);
  assert.deepEqual(inv.check([view("a", { role: "follower", term: 3 })]), []);
  assert.match(inv.check([view("b", { role: "leader", term: 2 })])[0], /election safety/);
});

Deno.test("the checker flags different commands at the same index and term", () => {
  const inv = new RaftInvariants();
  inv.check([view("a", { entries: [w(1, 1, 10)] })]);
  assert.match(inv.check([view("b", { entries: [w(1, 1, 11)] })])[0], /log matching/);
});

Deno.test("the checker flags logs that agree at an entry but not before it", () => {
  const inv = new RaftInvariants();
  inv.check([view("a", { entries: [w(1, 1, 1), w(2, 2, 2)] })]);
  const v = inv.check([view("b", { entries: [w(1, 2, 1), w(2, 2, 2)] })]);
  assert.ok(v.some((x) => /different predecessors/.test(x)));
});

Deno.test("the checker flags a committed entry that changes or disappears", () => {
  const inv = new RaftInvariants();
  inv.check([view("a", { term: 1, commitIndex: 1, entries: [w(1, 1, 1)] })]);
  assert.match(
    inv.check([view("b", { term: 2, commitIndex: 1, entries: [w(1, 2, 9)] })])[0],
    /committed entry changed/,
  );
  const lost = inv.check([view("c", { commitIndex: 2, entries: [w(1, 1, 1)] })]);
  assert.ok(lost.some((x) => /missing/.test(x)));
});

Deno.test("the checker flags a later leader without a committed entry (leader completeness)", () => {
  const inv = new RaftInvariants();
  inv.check([view("a", { term: 1, commitIndex: 2, entries: [w(1, 1, 1), w(2, 1, 2)] })]);
  const v = inv.check([view("b", { role: "leader", term: 2, entries: [w(1, 1, 1)] })]);
  assert.ok(v.some((x) => /leader completeness/.test(x)));
});

Deno.test("the checker flags two nodes that applied different commands (state machine safety)", () => {
  const inv = new RaftInvariants();
  inv.check([view("a", { applied: 0, appliedHash: 1 })]);
  assert.match(inv.check([view("b", { applied: 0, appliedHash: 2 })])[0], /state machine safety/);
});

Deno.test("the checker flags a term going backwards and applied beyond commit", () => {
  const inv = new RaftInvariants();
  inv.check([view("a", { term: 5 })]);
  const v = inv.check([view("a", { term: 4, applied: 1, entries: [w(1, 1, 1)] })]);
  assert.ok(v.some((x) => /term went back/.test(x)));
  assert.ok(v.some((x) => /applied/.test(x)));
  assert.equal(inv.violations.length, v.length);
});

Deno.test("a healthy history passes and unchanged logs are not re-examined", () => {
  const inv = new RaftInvariants();
  const ref = {};
  const entries = [w(1, 1, 1), w(2, 1, 2)];
  const a = view("a", { role: "leader", commitIndex: 2, entries, logRef: ref, logVersion: 3 });
  const b = view("b", { commitIndex: 1, entries: entries.slice(0, 1) });
  assert.deepEqual(inv.check([a, b]), []);
  assert.deepEqual(inv.check([a, b]), []);
  assert.equal(inv.maxCommitted, 2);
  assert.equal(inv.committedAt(2)?.term, 1);
});
