import assert from "node:assert/strict";
import { MemoryDisk } from "../../nodes/storage/memory_disk.ts";

Deno.test("a crash loses unsynced writes and keeps synced ones", () => {
  const d = new MemoryDisk();
  d.set("term", 3);
  d.set("log/1", "a");
  d.sync();
  d.set("term", 4);
  d.set("log/2", "b");
  d.delete("log/1");
  assert.equal(d.get("term"), 4);
  assert.equal(d.pending, 3);
  d.crash();
  assert.equal(d.get("term"), 3);
  assert.equal(d.get("log/1"), "a");
  assert.equal(d.get("log/2"), undefined);
});

Deno.test("a synced delete survives a crash", () => {
  const d = new MemoryDisk();
  d.set("a", 1);
  d.sync();
  d.delete("a");
  assert.equal(d.sync(), 1);
  d.crash();
  assert.equal(d.get("a"), undefined);
  assert.equal(d.size, 0);
});

Deno.test("keys are listed by prefix in ascending order", () => {
  const d = new MemoryDisk();
  for (const k of ["log/0003", "log/0001", "meta", "log/0002"]) d.set(k, 1);
  assert.deepEqual(d.keys("log/"), ["log/0001", "log/0002", "log/0003"]);
  assert.equal(d.keys().length, 4);
});

Deno.test("the write journal lists the keys written since the last take, per reader", () => {
  const d = new MemoryDisk();
  d.set("before", 0); // not journaled: the journal starts empty
  const a = d.journal(), b = d.journal();
  d.set("x", 1);
  d.set("x", 2);
  d.delete("y");
  assert.deepEqual([...a.take()!].sort(), ["x", "y"]);
  assert.equal(a.take()!.size, 0);
  d.set("z", 3);
  assert.deepEqual([...a.take()!], ["z"]);
  assert.deepEqual([...b.take()!].sort(), ["x", "y", "z"]); // b's keys are its own
  b.close();
  d.set("w", 4);
  assert.equal(b.take()!.size, 0);
  assert.deepEqual([...a.take()!], ["w"]);
});

Deno.test("a crash resets the journal: the next take says to read everything again", () => {
  const d = new MemoryDisk();
  const j = d.journal();
  d.set("a", 1);
  d.sync();
  j.take();
  d.set("b", 2); // lost in the crash, so "b" alone would be a wrong answer
  d.crash();
  assert.equal(d.resets, 1);
  assert.equal(j.take(), null);
  d.set("c", 3);
  assert.deepEqual([...j.take()!], ["c"]);
});
