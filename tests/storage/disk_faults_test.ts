/**
 * Storage faults of the simulated disk, one kind at a time with probability 1 and a
 * fixed seed: each is injected, counted, and found — by the sync or read that fails, or
 * by the checksum, place and version check when the medium is read back after a crash.
 */
import assert from "node:assert/strict";
import { MemoryDisk } from "../../nodes/storage/memory_disk.ts";
import { createRng } from "../../protocols/random.ts";
import { type DiskFaultKind, StorageFault } from "../../protocols/storage.ts";
import type { DiskFaults } from "../../nodes/storage/disk_faults.ts";
import { decodeRecord, encodeRecord } from "../../nodes/storage/disk_faults.ts";

function faulty(faults: DiskFaults, seed = 1): MemoryDisk {
  const d = new MemoryDisk();
  const rng = createRng(seed);
  d.setFaults(faults, () => rng.next());
  return d;
}

function throwsFault(fn: () => unknown, kind: DiskFaultKind): StorageFault {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof StorageFault, `expected a StorageFault, got ${caught}`);
  assert.equal(caught.kind, kind, caught.message);
  return caught;
}

Deno.test("a disk whose faults were never turned on draws nothing and keeps values as given", () => {
  const d = new MemoryDisk();
  d.setFaults(null, () => {
    throw new Error("drew");
  });
  const v = { term: 1 };
  d.set("hard", v);
  d.sync();
  d.crash();
  assert.equal(d.get("hard"), v); // the same object: no encoding happened
});

Deno.test("disk-full: the sync fails with ENOSPC and none of its writes survives", () => {
  const d = faulty({ "disk-full": 1 });
  d.set("a", 1);
  throwsFault(() => d.sync(), "disk-full");
  d.crash();
  assert.equal(d.get("a"), undefined);
  assert.equal(d.faultCounts.injected["disk-full"], 1);
  assert.equal(d.faultCounts.detected["disk-full"], 1);
});

Deno.test("fsync-error: the sync fails; its batch is then all there or all gone", () => {
  const outcomes = new Set<string>();
  for (let seed = 1; seed <= 12; seed++) {
    const d = faulty({ "fsync-error": 1 }, seed);
    d.set("a", 1);
    d.set("b", 2);
    throwsFault(() => d.sync(), "fsync-error");
    d.crash();
    const state = JSON.stringify([d.get("a"), d.get("b")]);
    assert.ok(state === "[1,2]" || state === "[null,null]", state);
    outcomes.add(state);
    assert.equal(d.faultCounts.detected["fsync-error"], 1);
  }
  assert.equal(outcomes.size, 2, "both outcomes of an unknown state happen");
});

Deno.test("torn-write: the power fails mid-batch; recovery finds the torn frame and cuts it", () => {
  const d = faulty({});
  d.set("a", 1);
  d.sync();
  const rng = createRng(3);
  d.setFaults({ "torn-write": 1 }, () => rng.next());
  d.set("a", 2);
  d.set("b", 3);
  throwsFault(() => d.sync(), "torn-write");
  assert.equal(d.faultCounts.detected["torn-write"], 0); // found at recovery, not before
  d.crash();
  assert.equal(d.faultCounts.detected["torn-write"], 1);
  assert.equal(d.get("a"), 1);
  assert.equal(d.get("b"), undefined);
});

Deno.test("bit-flip: a synced record whose bit flipped is refused, never served", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const d = faulty({ "bit-flip": 1 }, seed);
    d.set("only", { value: "precious" });
    d.sync(); // the flip hits the one record there is
    assert.deepEqual(d.get("only"), { value: "precious" }); // the cache still has it
    d.crash();
    assert.deepEqual(d.keys(), ["only"]); // still listed: reading it says what is wrong
    throwsFault(() => d.get("only"), "bit-flip");
    assert.equal(d.faultCounts.injected["bit-flip"], 1);
    assert.equal(d.faultCounts.detected["bit-flip"], 1);
    d.set("only", "rewritten"); // a new write replaces the damaged one
    assert.equal(d.get("only"), "rewritten");
  }
});

Deno.test("misdirected-write: both the place it hit and the place it missed are refused", () => {
  const d = faulty({});
  d.set("a", "a0");
  d.set("b", "b0");
  d.sync();
  const rng = createRng(5);
  d.setFaults({ "misdirected-write": 1 }, () => rng.next());
  d.set("a", "a1");
  d.sync();
  d.crash();
  assert.equal(d.faultCounts.injected["misdirected-write"], 1);
  // a kept its old frame (a stale version); b holds a's record.
  throwsFault(() => d.get("a"), "misdirected-write");
  throwsFault(() => d.get("b"), "misdirected-write");
  assert.equal(d.faultCounts.detected["misdirected-write"], 2);
  assert.equal(d.inspect().get("a"), "a1"); // a checker still sees what was written
  assert.equal(d.inspect().get("b"), "b0");
});

Deno.test("read-error: a read fails with EIO", () => {
  const d = faulty({ "read-error": 1 });
  d.set("a", 1);
  throwsFault(() => d.get("a"), "read-error");
  assert.equal(d.inspect().get("a"), 1); // checkers read without faults
  assert.equal(d.faultCounts.detected["read-error"], 1);
});

Deno.test("a record is believed only with its CRC, its own key and the expected version", () => {
  const frame = encodeRecord("k", { x: 1 }, 4);
  assert.deepEqual(decodeRecord("k", frame, 4), { ok: true, value: { x: 1 } });
  assert.equal(decodeRecord("k", frame, 5).ok, false);
  assert.equal(decodeRecord("j", frame, 4).ok, false);
  assert.equal(decodeRecord("k", undefined, 4).ok, false);
  for (let bit = 0; bit < frame.length * 8; bit++) {
    const flipped = frame.slice();
    flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
    assert.equal(decodeRecord("k", flipped, 4).ok, false, `bit ${bit}`);
  }
});

Deno.test("an unknown fault kind or a probability outside [0, 1] is refused", () => {
  assert.throws(() => faulty({ "cosmic-ray": 0.1 } as DiskFaults), /unknown disk fault/);
  assert.throws(() => faulty({ "bit-flip": 2 }), /not in \[0, 1\]/);
});
