import assert from "node:assert/strict";
import { openFileStore, StorageCorruptedError } from "../../nodes/storage/file_store.ts";
import { changeDiskFaults, FileFaults, NO_DISK_FAULTS } from "../../nodes/storage/file_faults.ts";
import { type DiskFaultKind, StorageFault } from "../../protocols/storage.ts";
import { createRng } from "../../protocols/random.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "distlab_file_faults_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A store with `acked` synced records in several batches, and the fault layer armed once. */
async function storeWith(dir: string, kind: DiskFaultKind, seed: number) {
  const rng = createRng(seed);
  const f = new FileFaults(() => rng.next());
  const store = await openFileStore(dir, "n1", { faults: f });
  const acked: Record<string, unknown> = {};
  for (let b = 0; b < 4; b++) {
    for (let i = 0; i < 3; i++) {
      store.set(`k${b}/${i}`, { b, i, pad: "x".repeat(20) });
      acked[`k${b}/${i}`] = { b, i, pad: "x".repeat(20) };
    }
    await store.sync();
  }
  f.set(changeDiskFaults(NO_DISK_FAULTS, kind));
  return { store, f, acked };
}

async function reopen(dir: string): Promise<Record<string, unknown>> {
  const store = await openFileStore(dir, "n1");
  try {
    const out: Record<string, unknown> = {};
    for (const k of store.keys()) out[k] = store.get(k);
    return out;
  } finally {
    await store.close();
  }
}

for (const kind of ["disk-full", "fsync-error", "torn-write"] as const) {
  Deno.test(`${kind}: the sync fails loudly, every later one too, and a reopen keeps every synced write`, async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      await withDir(async (dir) => {
        const { store, f, acked } = await storeWith(dir, kind, seed);
        store.set("late", 1);
        await assert.rejects(store.sync(), (e) => e instanceof StorageFault && e.kind === kind);
        assert.equal(f.counts.injected[kind], 1);
        assert.equal(f.counts.detected[kind], 1);
        store.set("later", 2);
        await assert.rejects(store.sync(), StorageFault);
        await store.abandon();
        const back = await reopen(dir);
        // Every acknowledged write is there; the failed batch may be, whole or not at all.
        for (const [k, v] of Object.entries(acked)) assert.deepEqual(back[k], v);
        assert.equal(back.later, undefined);
        if (kind === "disk-full") assert.equal(back.late, undefined);
      });
    }
  });
}

for (const kind of ["bit-flip", "misdirected-write"] as const) {
  Deno.test(`${kind}: silent while running, found by checksum on reopen, the file kept`, async () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      await withDir(async (dir) => {
        const { store, f, acked } = await storeWith(dir, kind, seed);
        store.set("late", 1);
        assert.equal(await store.sync(), 1);
        assert.equal(f.counts.injected[kind], 1);
        assert.deepEqual(store.get("k0/0"), acked["k0/0"]); // memory is still right
        await store.abandon();
        const before = await Deno.readFile(`${dir}/n1.log`);
        await assert.rejects(openFileStore(dir, "n1"), StorageCorruptedError);
        assert.deepEqual(await Deno.readFile(`${dir}/n1.log`), before);
      });
    }
  });
}

Deno.test("read-error: a read fails with a StorageFault; opening fails the same way", async () => {
  await withDir(async (dir) => {
    const { store, f, acked } = await storeWith(dir, "read-error", 1);
    assert.throws(
      () => store.get("k0/0"),
      (e) => e instanceof StorageFault && e.kind === "read-error",
    );
    assert.deepEqual(store.get("k0/0"), acked["k0/0"]); // a one-shot: the next read works
    await store.close();
    f.set(changeDiskFaults(NO_DISK_FAULTS, "read-error"));
    await assert.rejects(
      openFileStore(dir, "n1", { faults: f }),
      (e) => e instanceof StorageFault && e.kind === "read-error",
    );
    assert.deepEqual(await reopen(dir), acked);
  });
});

Deno.test("a probability draws from the layer's own source; none clears; bad input throws", () => {
  const s = changeDiskFaults(changeDiskFaults(NO_DISK_FAULTS, "bit-flip", 0.5), "disk-full");
  assert.deepEqual(s, { faults: { "bit-flip": 0.5 }, once: ["disk-full"] });
  assert.deepEqual(changeDiskFaults(s, "bit-flip", 0).faults, {});
  assert.deepEqual(changeDiskFaults(s, "none"), NO_DISK_FAULTS);
  assert.throws(() => changeDiskFaults(s, "bit-flip", 1.5), /not in \[0, 1\]/);
  assert.throws(() => changeDiskFaults(s, "melt" as DiskFaultKind), /unknown disk fault/);
  const always = new FileFaults(() => 0.99, { faults: { "read-error": 1 }, once: [] });
  assert.equal(always.draw("read-error"), true);
  const never = new FileFaults(() => 0.99, { faults: { "read-error": 0.5 }, once: [] });
  assert.equal(never.draw("read-error"), false);
});
