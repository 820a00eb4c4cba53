import assert from "node:assert/strict";
import { MemoryDisk } from "../../nodes/storage/memory_disk.ts";
import { applyCommand, cachedReply, loadKvState } from "../../protocols/paxos/kv_state.ts";
import type { PaxosCommand } from "../../protocols/paxos/kv_message.ts";

const cmd = (client: number, seq: number | undefined, op: PaxosCommand["op"]): PaxosCommand => ({
  id: `c${client}:${seq}`,
  client,
  seq,
  op,
});

Deno.test("a command decided twice in a session applies once and answers the first reply twice", () => {
  const disk = new MemoryDisk();
  const s = loadKvState(disk, "k/");
  const c = cmd(1, 1, { f: "cas", key: "x", value: [null, 1] });
  assert.deepEqual(applyCommand(s, disk, c), { type: "ok" });
  assert.deepEqual(applyCommand(s, disk, c), { type: "ok" }, "not a cas mismatch");
  assert.deepEqual(cachedReply(s, 1, 1), { type: "ok" });
  assert.equal(
    applyCommand(s, disk, cmd(1, 2, { f: "cas", key: "x", value: [null, 2] })).type,
    "fail",
  );
  assert.equal(applyCommand(s, disk, c).type, "info", "older than the session's latest");
  assert.equal(s.data.get("x"), 1);
});

Deno.test("the KV state is restored from storage after a crash", () => {
  const disk = new MemoryDisk();
  const s = loadKvState(disk, "k/");
  applyCommand(s, disk, cmd(1, undefined, { f: "write", key: "a", value: [1, 2] }));
  applyCommand(s, disk, cmd(2, 1, { f: "write", key: "b", value: "v" }));
  applyCommand(s, disk, cmd(2, 2, { f: "delete", key: "b" }));
  disk.sync();
  disk.crash();
  const r = loadKvState(disk, "k/");
  assert.deepEqual(Object.fromEntries(r.data), { a: [1, 2] });
  assert.deepEqual(cachedReply(r, 2, 2), { type: "ok" });
  assert.deepEqual(applyCommand(r, disk, cmd(3, undefined, { f: "read", key: "a" })), {
    type: "ok",
    value: [1, 2],
  });
});

Deno.test("sessions beyond the limit evict the least recently used one", () => {
  const disk = new MemoryDisk();
  const s = loadKvState(disk, "k/", 2);
  for (const client of [1, 2, 3]) {
    applyCommand(s, disk, cmd(client, 1, { f: "write", key: "x", value: client }));
  }
  assert.equal(cachedReply(s, 1, 1), undefined);
  assert.deepEqual(cachedReply(s, 3, 1), { type: "ok" });
  assert.equal(disk.keys("k/sess/").length, 2);
});
