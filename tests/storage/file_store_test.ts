import assert from "node:assert/strict";
import { crc32 as zlibCrc32 } from "node:zlib";
import fc from "fast-check";
import { crc32 } from "../../nodes/storage/crc32.ts";
import {
  type FileStore,
  openFileStore,
  StorageCorruptedError,
} from "../../nodes/storage/file_store.ts";
import { FRAME_HEADER_BYTES } from "../../nodes/storage/record_frame.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "distlab_file_store_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function contents(store: FileStore): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of store.keys()) out[key] = store.get(key);
  return out;
}

async function reopenContents(dir: string, name = "n1"): Promise<Record<string, unknown>> {
  const store = await openFileStore(dir, name);
  try {
    return contents(store);
  } finally {
    await store.close();
  }
}

/** A log of three synced records; returns the file bytes and where the last record starts. */
async function threeRecordLog(dir: string): Promise<{ bytes: Uint8Array; lastStart: number }> {
  const store = await openFileStore(dir, "n1");
  store.set("a", { term: 1, vote: "n2" });
  store.set("b", "ünïcødé ✓ 𝄞");
  await store.sync();
  const lastStart = store.logBytes;
  store.set("c", [1, 2, 3]);
  await store.close();
  return { bytes: await Deno.readFile(store.path), lastStart };
}

/** One turn of the event loop (lets pending file operations complete); not a sleep. */
function turn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const FIRST_TWO = { a: { term: 1, vote: "n2" }, b: "ünïcødé ✓ 𝄞" };

Deno.test("crc32 matches the standard check value and node:zlib on arbitrary ranges", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, x, y) => {
      const start = bytes.length === 0 ? 0 : x % bytes.length;
      const end = start + (bytes.length === 0 ? 0 : y % (bytes.length - start + 1));
      assert.equal(crc32(bytes, start, end), zlibCrc32(bytes.subarray(start, end)));
    }),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("synced writes survive close and reopen", async () => {
  await withDir(async (dir) => {
    const store = await openFileStore(dir, "n1");
    assert.equal(store.recovery.kind, "clean");
    assert.equal(store.recovery.recordsRead, 0);
    const values = {
      hard: { term: 7, vote: null },
      "log/00001": { term: 1, op: { f: "write", key: "x", value: "é" } },
      "ключ": [true, false, 1.5, -0.25, '\u0000\n"\\'],
      empty: "",
    };
    for (const [key, value] of Object.entries(values)) store.set(key, value);
    store.set("hard", { term: 8, vote: "n3" });
    assert.equal(await store.sync(), 5);
    await store.close();
    const again = await openFileStore(dir, "n1");
    assert.equal(again.recovery.kind, "clean");
    assert.equal(again.recovery.recordsRead, 5);
    assert.deepEqual(contents(again), { ...values, hard: { term: 8, vote: "n3" } });
    await again.close();
  });
});

Deno.test("close syncs pending writes", async () => {
  await withDir(async (dir) => {
    const store = await openFileStore(dir, "n1");
    store.set("k", 1);
    await store.close();
    assert.deepEqual(await reopenContents(dir), { k: 1 });
    assert.throws(() => store.set("k", 2), /closed/);
    await assert.rejects(store.sync(), /closed/);
    assert.equal(store.get("k"), 1); // reads still work after close
  });
});

Deno.test("unsynced writes are visible in memory but not on disk", async () => {
  await withDir(async (dir) => {
    const writer = await openFileStore(dir, "n1");
    writer.set("x", 1);
    writer.set("y", 2);
    writer.delete("y");
    assert.equal(writer.get("x"), 1);
    assert.equal(writer.get("y"), undefined);
    assert.equal(writer.pending, 3);
    assert.equal((await Deno.stat(writer.path)).size, 0);
    assert.deepEqual(await reopenContents(dir), {});

    assert.equal(await writer.sync(), 3);
    assert.equal(writer.pending, 0);
    assert.deepEqual(await reopenContents(dir), { x: 1 });

    writer.set("z", 3);
    assert.deepEqual(await reopenContents(dir), { x: 1 });
    assert.equal(await writer.sync(), 1);
    assert.equal(await writer.sync(), 0);
    assert.deepEqual(await reopenContents(dir), { x: 1, z: 3 });
    await writer.close();
  });
});

Deno.test("sync resolves only after fsync, with all its records in one write", async () => {
  const proto = Deno.FsFile.prototype;
  const realWrite = proto.write;
  const realWriteSync = proto.writeSync;
  const realSyncData = proto.syncData;
  const events: string[] = [];
  let releaseFsync = (): void => {};
  proto.write = function (this: Deno.FsFile, p: Uint8Array): Promise<number> {
    events.push(`write ${p.length}`);
    return realWrite.call(this, p);
  };
  proto.writeSync = function (this: Deno.FsFile, p: Uint8Array): number {
    events.push(`write ${p.length}`);
    return realWriteSync.call(this, p);
  };
  proto.syncData = async function (this: Deno.FsFile): Promise<void> {
    events.push("fsync start");
    await new Promise<void>((resolve) => releaseFsync = resolve);
    await realSyncData.call(this);
    events.push("fsync done");
  };
  try {
    await withDir(async (dir) => {
      const store = await openFileStore(dir, "n1", { autoCompact: false });
      for (let i = 0; i < 64; i++) store.set(`k${i}`, i);
      let acked = false;
      const done = store.sync().then((n) => {
        acked = true;
        events.push(`acked ${n}`);
      });
      while (!events.includes("fsync start")) await turn();
      // Let the event loop run a few more turns: the sync must still be waiting on fsync.
      for (let i = 0; i < 5; i++) await turn();
      assert.equal(acked, false);
      assert.equal(store.pending, 64);
      store.set("late", true); // made while the sync is in flight: not part of it
      releaseFsync();
      await done;
      assert.deepEqual(events, [
        `write ${store.logBytes}`,
        "fsync start",
        "fsync done",
        "acked 64",
      ]);
      assert.equal(store.pending, 1);
      const closing = store.close();
      while (!events.slice(4).includes("fsync start")) await turn();
      releaseFsync();
      await closing;
      assert.equal(events.filter((e) => e.startsWith("write")).length, 2);
    });
  } finally {
    proto.write = realWrite;
    proto.writeSync = realWriteSync;
    proto.syncData = realSyncData;
  }
  await withDir(async (dir) => {
    // And with the real fsync, the late write really is there.
    const store = await openFileStore(dir, "n1");
    store.set("a", 1);
    const first = store.sync();
    store.set("b", 2);
    const second = store.sync();
    store.set("c", 3);
    // Overlapping syncs run in turn; between them they sync every write exactly once.
    const counts = await Promise.all([first, second, store.sync()]);
    assert.equal(counts[0] + counts[1] + counts[2], 3);
    assert.equal(store.pending, 0);
    await store.close();
    assert.deepEqual(await reopenContents(dir), { a: 1, b: 2, c: 3 });
  });
});

Deno.test("a torn last record is cut at every byte offset and earlier records kept exactly", async () => {
  await withDir(async (dir) => {
    const { bytes, lastStart } = await threeRecordLog(dir);
    const path = `${dir}/n1.log`;
    assert.ok(bytes.length - lastStart > FRAME_HEADER_BYTES);
    for (let cut = lastStart + 1; cut < bytes.length; cut++) {
      await Deno.writeFile(path, bytes.subarray(0, cut));
      const store = await openFileStore(dir, "n1");
      const { recovery } = store;
      assert.equal(recovery.kind, "torn-tail", `cut at ${cut}`);
      assert.equal(recovery.recordsRead, 2);
      assert.equal(recovery.bytesKept, lastStart);
      assert.equal(recovery.bytesCut, cut - lastStart);
      assert.equal(recovery.badOffset, lastStart);
      assert.equal(recovery.recordsLost, 0);
      assert.equal(
        recovery.problem,
        cut - lastStart < FRAME_HEADER_BYTES ? "short-header" : "short-payload",
      );
      assert.deepEqual(contents(store), FIRST_TWO);
      assert.equal((await Deno.stat(path)).size, lastStart);
      await store.close();
    }
    // After the cut, the log takes new writes and reads back clean.
    const store = await openFileStore(dir, "n1");
    assert.equal(store.recovery.kind, "clean");
    store.set("c", "again");
    await store.close();
    const reopened = await openFileStore(dir, "n1");
    assert.equal(reopened.recovery.kind, "clean");
    assert.deepEqual(contents(reopened), { ...FIRST_TWO, c: "again" });
    await reopened.close();
  });
});

Deno.test("a last record with a bad checksum or a zero-filled tail is cut", async () => {
  await withDir(async (dir) => {
    const { bytes, lastStart } = await threeRecordLog(dir);
    const path = `${dir}/n1.log`;
    const cases: [string, Uint8Array, string][] = [];
    for (const at of [lastStart + 4, lastStart + FRAME_HEADER_BYTES + 1, bytes.length - 1]) {
      const flipped = bytes.slice();
      flipped[at] ^= 0x40;
      cases.push([`flip at ${at}`, flipped, "bad-crc"]);
    }
    const zeros = new Uint8Array(bytes.length + 4096);
    zeros.set(bytes);
    cases.push(["zero-filled tail", zeros, "empty-payload"]);
    for (const [label, damaged, problem] of cases) {
      await Deno.writeFile(path, damaged);
      const store = await openFileStore(dir, "n1");
      const expectedKept = label === "zero-filled tail" ? bytes.length : lastStart;
      assert.equal(store.recovery.kind, "torn-tail", label);
      assert.equal(store.recovery.problem, problem, label);
      assert.equal(store.recovery.bytesKept, expectedKept, label);
      assert.equal(store.recovery.bytesCut, damaged.length - expectedKept, label);
      assert.deepEqual(
        contents(store),
        label === "zero-filled tail" ? { ...FIRST_TWO, c: [1, 2, 3] } : FIRST_TWO,
      );
      assert.equal((await Deno.stat(path)).size, expectedKept);
      await store.close();
    }
  });
});

Deno.test("a bad record followed by good ones is refused, the file untouched; cut only when asked", async () => {
  await withDir(async (dir) => {
    const store = await openFileStore(dir, "n1");
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      starts.push(store.logBytes);
      store.set(`k${i}`, { i, pad: "x".repeat(i * 10) });
      await store.sync();
    }
    const size = store.logBytes;
    await store.close();
    const path = store.path;
    const bytes = await Deno.readFile(path);
    // Damage the payload of record 2, then (separately) its length field.
    for (const [at, problem] of [[starts[1] + 12, "bad-crc"], [starts[1] + 2, "short-payload"]]) {
      const damaged = bytes.slice();
      damaged[at as number] ^= 0xff;
      await Deno.writeFile(path, damaged);
      await assert.rejects(
        openFileStore(dir, "n1"),
        (e: unknown) =>
          e instanceof StorageCorruptedError && e.path === path &&
          e.recovery.recordsLost === 3 && e.message.includes(`at byte ${starts[1]}`),
      );
      assert.deepEqual(await Deno.readFile(path), damaged, "nothing was cut");
      const reopened = await openFileStore(dir, "n1", { onCorruption: "cut" });
      const { recovery } = reopened;
      assert.equal(recovery.kind, "corruption");
      assert.equal(recovery.problem, problem);
      assert.equal(recovery.recordsRead, 1);
      assert.equal(recovery.recordsLost, 3);
      assert.equal(recovery.badOffset, starts[1]);
      assert.equal(recovery.bytesKept, starts[1]);
      assert.equal(recovery.bytesCut, size - starts[1]);
      assert.deepEqual(contents(reopened), { k0: { i: 0, pad: "" } });
      await reopened.close();
      assert.equal((await Deno.stat(path)).size, starts[1]);
      const third = await openFileStore(dir, "n1");
      assert.equal(third.recovery.kind, "clean");
      await third.close();
    }
  });
});

Deno.test("compaction keeps the same contents and shrinks the file", async () => {
  await withDir(async (dir) => {
    const store = await openFileStore(dir, "n1", { autoCompact: false });
    for (let i = 0; i < 500; i++) store.set(`k${i % 10}`, { i, body: "y".repeat(40) });
    for (let i = 0; i < 5; i++) store.delete(`k${i}`);
    await store.sync();
    const before = (await Deno.stat(store.path)).size;
    const expected = contents(store);
    assert.equal(Object.keys(expected).length, 5);
    store.set("pending", "in the snapshot");
    assert.equal(await store.compact(), 1);
    const after = (await Deno.stat(store.path)).size;
    assert.equal(after, store.logBytes);
    assert.equal(after, store.liveBytes);
    assert.ok(after * 50 < before, `${after} vs ${before}`);
    // Appends after compaction land in the new file.
    store.set("after", 1);
    await store.close();
    const entries = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(entries, ["n1.log"]);
    assert.deepEqual(await reopenContents(dir), {
      ...expected,
      pending: "in the snapshot",
      after: 1,
    });
  });
});

Deno.test("sync compacts by itself once the log passes the floor and twice the live data", async () => {
  await withDir(async (dir) => {
    const store = await openFileStore(dir, "n1", { compactMinBytes: 4096 });
    let maxLog = 0;
    for (let round = 0; round < 200; round++) {
      for (let k = 0; k < 8; k++) store.set(`k${k}`, { round, k });
      await store.sync();
      maxLog = Math.max(maxLog, store.logBytes);
      assert.equal((await Deno.stat(store.path)).size, store.logBytes);
    }
    assert.ok(maxLog <= 4096 + 8 * 64, `log grew to ${maxLog}`);
    const expected = contents(store);
    await store.close();
    assert.deepEqual(await reopenContents(dir), expected);
  });
});

Deno.test("a leftover compaction temp file is removed on open and the log kept", async () => {
  await withDir(async (dir) => {
    const store = await openFileStore(dir, "n1");
    store.set("k", "v");
    await store.close();
    await Deno.writeFile(`${dir}/n1.log.compact`, new Uint8Array([1, 2, 3]));
    assert.deepEqual(await reopenContents(dir), { k: "v" });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["n1.log"]);
  });
});

Deno.test("deletes survive reopen, and undefined is stored as a delete", async () => {
  await withDir(async (dir) => {
    const store = await openFileStore(dir, "n1");
    store.set("a", 1);
    store.set("b", 2);
    store.set("c", 3);
    await store.sync();
    store.delete("a");
    store.set("b", undefined);
    store.delete("never-there");
    await store.close();
    assert.deepEqual(await reopenContents(dir), { c: 3 });
  });
});

Deno.test("a value JSON cannot hold throws and changes nothing", async () => {
  await withDir(async (dir) => {
    const store = await openFileStore(dir, "n1");
    store.set("k", 1);
    assert.throws(() => store.set("k", 10n), TypeError);
    assert.equal(store.get("k"), 1);
    assert.equal(store.pending, 1);
    await store.close();
    assert.deepEqual(await reopenContents(dir), { k: 1 });
  });
});

Deno.test("keys(prefix) lists matching keys in ascending order", async () => {
  await withDir(async (dir) => {
    const store = await openFileStore(dir, "n1");
    for (const key of ["log/10", "log/02", "hard", "log/1", "logx", "a"]) store.set(key, key);
    assert.deepEqual(store.keys("log/"), ["log/02", "log/1", "log/10"]);
    assert.deepEqual(store.keys(), ["a", "hard", "log/02", "log/1", "log/10", "logx"]);
    assert.deepEqual(store.keys("zzz"), []);
    await store.close();
    const again = await openFileStore(dir, "n1");
    assert.deepEqual(again.keys("log"), ["log/02", "log/1", "log/10", "logx"]);
    await again.close();
  });
});

Deno.test("names that are not plain file names are refused", async () => {
  await withDir(async (dir) => {
    for (const name of ["../x", "a/b", "", ".hidden"]) {
      await assert.rejects(openFileStore(dir, name), TypeError);
    }
  });
});

type Op =
  | { t: "set"; key: string; value: unknown }
  | { t: "delete"; key: string }
  | { t: "sync" }
  | { t: "compact" }
  | { t: "crash" };

Deno.test("after any mix of writes, syncs, compactions and crashes, the log holds what was synced", async () => {
  const key = fc.constantFrom("a", "b", "c", "log/1", "log/2");
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ t: fc.constant("set" as const), key, value: fc.jsonValue() }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant("delete" as const), key }) },
    { weight: 2, arbitrary: fc.constant({ t: "sync" as const }) },
    { weight: 1, arbitrary: fc.constant({ t: "compact" as const }) },
    { weight: 1, arbitrary: fc.constant({ t: "crash" as const }) },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
      await withDir(async (dir) => {
        let store = await openFileStore(dir, "n1", { compactMinBytes: 256 });
        const memory = new Map<string, unknown>();
        let durable = new Map<string, unknown>();
        const crash = async (): Promise<void> => {
          await store.abandon(); // a crash loses what was never synced
          store = await openFileStore(dir, "n1", { compactMinBytes: 256 });
          assert.equal(store.recovery.kind, "clean");
          assert.deepEqual(contents(store), Object.fromEntries([...durable].sort()));
          memory.clear();
          for (const [k, v] of durable) memory.set(k, v);
        };
        for (const o of ops) {
          if (o.t === "set") {
            store.set(o.key, o.value);
            memory.set(o.key, JSON.parse(JSON.stringify(o.value)));
          } else if (o.t === "delete") {
            store.delete(o.key);
            memory.delete(o.key);
          } else if (o.t === "sync" || o.t === "compact") {
            await (o.t === "sync" ? store.sync() : store.compact());
            durable = new Map(memory);
          } else {
            await crash();
          }
          assert.deepEqual(
            JSON.parse(JSON.stringify(contents(store))),
            Object.fromEntries([...memory].sort()),
          );
        }
        await crash();
        await store.close();
      });
    }),
    { seed: 42, numRuns: 40 },
  );
});
