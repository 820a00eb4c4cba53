import assert from "node:assert/strict";
import { entryLabel, RaftLogs } from "../../dashboard/raft_log.ts";

const kv = (f: string, key: string, value?: unknown) => ({
  type: "kv",
  client: 1,
  op: { f, key, value },
});
const append = (
  kind: "send" | "deliver",
  node: string,
  prevIndex: number,
  prevTerm: number,
  entries: { index: number; term: number; data: unknown }[],
) => ({
  time: 1,
  kind,
  node,
  peer: kind === "send" ? "n2" : "n1",
  body: { type: "append", term: 9, prevIndex, prevTerm, commit: 0, entries },
});

Deno.test("raft log: a follower's log is built from the appends delivered to it", () => {
  const logs = new RaftLogs();
  assert.equal(
    logs.apply(append("deliver", "n2", 0, 0, [
      { index: 1, term: 1, data: { type: "noop" } },
      { index: 2, term: 1, data: kv("write", "x", 5) },
    ])),
    true,
  );
  assert.deepEqual(logs.entry("n2", 2), { term: 1, label: "write x=5" });
  assert.equal(logs.lastSeen("n2"), 2);
  assert.equal(
    logs.apply(append("deliver", "n2", 0, 0, [{ index: 1, term: 1, data: { type: "noop" } }])),
    false,
  );
});

Deno.test("raft log: a conflicting entry and all that follow it are replaced", () => {
  const logs = new RaftLogs();
  logs.apply(append("deliver", "n3", 0, 0, [
    { index: 1, term: 1, data: { type: "noop" } },
    { index: 2, term: 1, data: kv("write", "a", 1) },
    { index: 3, term: 1, data: kv("write", "b", 2) },
  ]));
  logs.apply(append("deliver", "n3", 1, 1, [{ index: 2, term: 2, data: { type: "noop" } }]));
  assert.equal(logs.entry("n3", 2)?.term, 2);
  assert.equal(logs.entry("n3", 3), undefined);
  assert.equal(logs.lastSeen("n3"), 2);
});

Deno.test("raft log: an append whose previous entry does not match is refused", () => {
  const logs = new RaftLogs();
  logs.apply(append("deliver", "n2", 0, 0, [{ index: 1, term: 1, data: { type: "noop" } }]));
  assert.equal(
    logs.apply(append("deliver", "n2", 1, 3, [{ index: 2, term: 3, data: { type: "noop" } }])),
    false,
  );
  assert.equal(logs.entry("n2", 2), undefined);
});

Deno.test("raft log: a leader's log is what it sends; a snapshot covers the entries it replaces", () => {
  const logs = new RaftLogs();
  logs.apply(append("send", "n1", 4, 2, [{ index: 5, term: 2, data: kv("cas", "k", [1, 2]) }]));
  assert.equal(logs.entry("n1", 5)?.label, "cas k 1→2");
  logs.apply({
    time: 2,
    kind: "deliver",
    node: "n4",
    peer: "n1",
    body: { type: "snapshot", term: 2, snapshot: { index: 5, term: 2 } },
  });
  assert.equal(logs.inSnapshot("n4", 5), true);
  assert.equal(logs.inSnapshot("n4", 6), false);
  assert.equal(logs.lastSeen("n4"), 5);
  assert.equal(logs.apply({ time: 3, kind: "role", node: "n1" }), false);
});

Deno.test("entry labels: noop, writes, deletes and membership changes", () => {
  assert.equal(entryLabel({ type: "noop" }), "noop");
  assert.equal(entryLabel(kv("delete", "x")), "delete x");
  assert.equal(entryLabel(kv("write", "x", "a".repeat(40))).length < 40, true);
  assert.equal(
    entryLabel({ type: "config", change: { type: "add-learner", node: "n6" } }),
    "add-learner n6",
  );
  assert.equal(entryLabel(7), "?");
});

Deno.test("raft log: a page from the API fills what the wire never showed, and no more", () => {
  const logs = new RaftLogs();
  logs.apply({
    time: 1,
    kind: "deliver",
    node: "n2",
    peer: "n1",
    body: {
      type: "append",
      term: 3,
      prevIndex: 11,
      prevTerm: 2,
      commit: 11,
      entries: [{ index: 12, term: 3, data: { type: "noop" } }],
    },
  });
  assert.equal(logs.missing("n2", 9, 12), true, "9–11 were written before the page connected");
  const changed = logs.load("n2", {
    node: "n2",
    first: 10,
    last: 12,
    commit: 12,
    entries: [
      { index: 10, term: 2, data: { type: "kv", op: { f: "write", key: "x", value: 1 } } },
      { index: 11, term: 2, data: { type: "noop" } },
      { index: 12, term: 2, data: { type: "noop" } }, // older than the wire's: ignored
    ],
  });
  assert.equal(changed, true);
  assert.deepEqual(logs.entry("n2", 10), { term: 2, label: "write x=1" });
  assert.equal(logs.entry("n2", 12)?.term, 3, "the wire's entry stays");
  assert.equal(logs.inSnapshot("n2", 9), true, "before the first kept index: in the snapshot");
  assert.equal(logs.missing("n2", 1, 12), false);
  assert.equal(
    logs.load("n2", { node: "n2", first: 10, last: 12, commit: 12, entries: [] }),
    false,
  );
});
