import assert from "node:assert/strict";
import { KvStateMachine } from "../../protocols/raft/kv_state_machine.ts";

Deno.test("the KV state machine reads, writes, deletes and compares-and-sets", () => {
  const sm = new KvStateMachine();
  assert.deepEqual(sm.apply({ client: 1, op: { f: "read", key: "x" } }), {
    type: "ok",
    value: null,
  });
  assert.deepEqual(sm.apply({ client: 1, op: { f: "cas", key: "x", value: [null, 1] } }), {
    type: "ok",
  });
  assert.deepEqual(sm.apply({ client: 1, op: { f: "cas", key: "x", value: [2, 3] } }), {
    type: "fail",
    code: 22,
    error: "cas mismatch",
  });
  sm.apply({ client: 1, op: { f: "write", key: "y", value: { a: [1] } } });
  assert.deepEqual(
    sm.apply({ client: 1, op: { f: "cas", key: "y", value: [{ a: [1] }, 4] } }).type,
    "ok",
  );
  sm.apply({ client: 1, op: { f: "delete", key: "x" } });
  assert.equal(sm.read("x"), null);
  assert.equal(sm.read("y"), 4);
  assert.equal(sm.size, 1);
});

Deno.test("a retried command is applied once and answered with the first reply", () => {
  const sm = new KvStateMachine();
  const first = sm.apply({ client: 7, seq: 1, op: { f: "cas", key: "x", value: [null, 1] } });
  assert.equal(first.type, "ok");
  // The retry would fail as a fresh cas (x is now 1), but it is the same command.
  assert.deepEqual(
    sm.apply({ client: 7, seq: 1, op: { f: "cas", key: "x", value: [null, 1] } }),
    first,
  );
  assert.deepEqual(sm.cachedReply(7, 1), first);
  sm.apply({ client: 7, seq: 2, op: { f: "write", key: "x", value: 5 } });
  assert.equal(
    sm.apply({ client: 7, seq: 1, op: { f: "write", key: "x", value: 9 } }).type,
    "info",
  );
  assert.equal(sm.read("x"), 5, "a command older than the client's latest is not applied");
});

Deno.test("sessions are evicted least recently used first", () => {
  const sm = new KvStateMachine(2);
  sm.apply({ client: 1, seq: 1, op: { f: "write", key: "a", value: 1 } });
  sm.apply({ client: 2, seq: 1, op: { f: "write", key: "b", value: 1 } });
  sm.apply({ client: 1, seq: 2, op: { f: "write", key: "a", value: 2 } });
  sm.apply({ client: 3, seq: 1, op: { f: "write", key: "c", value: 1 } });
  assert.equal(sm.cachedReply(2, 1), undefined, "client 2 was least recently used");
  assert.ok(sm.cachedReply(1, 2));
  assert.ok(sm.cachedReply(3, 1));
});

Deno.test("a snapshot restores the data and the sessions", () => {
  const sm = new KvStateMachine();
  sm.apply({ client: 1, seq: 4, op: { f: "write", key: "a", value: [1, 2] } });
  const copy = KvStateMachine.fromSnapshot(JSON.parse(JSON.stringify(sm.snapshot())));
  assert.deepEqual(copy.read("a"), [1, 2]);
  assert.deepEqual(copy.cachedReply(1, 4), { type: "ok" });
  assert.deepEqual(copy.snapshot(), sm.snapshot());
});
