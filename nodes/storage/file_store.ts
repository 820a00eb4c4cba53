/**
 * Durable storage for `--data-dir`: a {@link HostStorage} backed by an append-only
 * log file, with group commit, torn-tail recovery and compaction.
 *
 * - **Reads** come from an in-memory map, loaded on open by replaying the log.
 * - **Writes** (`set`, `delete`) update the map and encode a framed record
 *   (see `record_frame.ts`) into a reusable buffer; nothing touches the disk.
 * - **`sync()`** writes every buffered record with one `write` and then one
 *   `fdatasync`, and only then resolves: group commit, many writes per fsync.
 *   It never acknowledges a write that is not on disk.
 * - **Open** replays the log and cuts a torn tail (a crash mid-write: only
 *   unacknowledged writes are lost), truncating the file to the last good record.
 *   A corrupted middle — a bad record with intact ones after it, i.e. bytes that
 *   were once durable have changed — is refused: {@link StorageCorruptedError},
 *   the file left untouched, unless the caller asks to cut it (`onCorruption:
 *   "cut"`). A node must not run on a log that silently lost acknowledged data.
 * - **Compaction** rewrites the log as one set record per live key, through a
 *   temporary file, fsync, rename and directory fsync, so a crash at any point
 *   leaves either the old log or the new one. `sync()` does it by itself when
 *   the log has grown past {@link FileStoreOptions.compactMinBytes} and more than
 *   twice the live data; `compact()` does it on demand.
 *
 * One process owns a log at a time; the store takes no file lock.
 *
 * @module
 */

import { join } from "node:path";
import type { HostStorage } from "../../protocols/storage.ts";
import type { FileFaults } from "./file_faults.ts";
import { type RecoveryReport, replayLog } from "./log_replay.ts";
import {
  appendFrame,
  clearFrameBuffer,
  createFrameBuffer,
  encodeDelete,
  encodeSet,
  type FrameBuffer,
} from "./record_frame.ts";

/**
 * Tuning for {@link openFileStore}.
 *
 * @example
 * ```ts
 * import type { FileStoreOptions } from "./file_store.ts";
 * // Compact only once the log reaches 64 MiB.
 * const o: FileStoreOptions = { compactMinBytes: 64 * 1024 * 1024 };
 * ```
 */
export interface FileStoreOptions {
  /**
   * `sync()` compacts only once the log is at least this big, so small stores
   * are never rewritten. Default 1 MiB.
   */
  readonly compactMinBytes?: number;
  /** Whether `sync()` may compact by itself. Default `true`. */
  readonly autoCompact?: boolean;
  /**
   * What to do with a corrupted middle (see {@link StorageCorruptedError}): `refuse`
   * (default) throws and leaves the file as it is; `cut` truncates it to the last good
   * record and opens, reporting `corruption` in `recovery` (a deliberate repair).
   */
  readonly onCorruption?: "refuse" | "cut";
  /**
   * Storage faults to inject (see `file_faults.ts`): consulted when the log is opened
   * and read, and before each append and fsync. Absent: none, at no cost.
   */
  readonly faults?: FileFaults;
}

/**
 * A log whose middle is damaged: a bad record with intact records after it. Durable,
 * possibly acknowledged data is gone, so the store refuses to open; the file is left
 * as it was, for inspection or repair.
 *
 * @example
 * ```ts
 * import { StorageCorruptedError } from "./file_store.ts";
 * const e = new StorageCorruptedError("/d/n1.log", {
 *   kind: "corruption", recordsRead: 9, bytesKept: 640, bytesCut: 700, badOffset: 640,
 *   problem: "bad-crc", recordsLost: 11,
 * });
 * e.message; // "/d/n1.log is corrupted: bad-crc at byte 640 of 1340, 11 intact records after it"
 * ```
 */
export class StorageCorruptedError extends Error {
  /** The damaged log file. */
  readonly path: string;
  /** What replaying it found. */
  readonly recovery: RecoveryReport;
  constructor(path: string, recovery: RecoveryReport) {
    super(
      `${path} is corrupted: ${recovery.problem} at byte ${recovery.badOffset} of ` +
        `${
          recovery.bytesKept + recovery.bytesCut
        }, ${recovery.recordsLost} intact records after it`,
    );
    this.name = "StorageCorruptedError";
    this.path = path;
    this.recovery = recovery;
  }
}

/**
 * A file-backed {@link HostStorage}. `sync()` resolves only after fsync.
 *
 * @example
 * ```ts
 * import { openFileStore } from "./file_store.ts";
 * const dir = await Deno.makeTempDir();
 * const store = await openFileStore(dir, "n1");
 * store.set("hard", { term: 3, vote: "n2" });
 * await store.sync(); // 1: one record made durable
 * await store.close();
 * const again = await openFileStore(dir, "n1");
 * again.get("hard"); // { term: 3, vote: "n2" }
 * await again.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface FileStore extends HostStorage {
  /** The log file: `<dir>/<name>.log`. */
  readonly path: string;
  /** What replaying the log on open found and cut. */
  readonly recovery: RecoveryReport;
  /** Bytes of the log file on disk (synced records only). */
  readonly logBytes: number;
  /** Bytes a freshly compacted log of the current contents would take. */
  readonly liveBytes: number;
  /**
   * Makes every write so far durable; resolves after fsync with the count it wrote.
   * If a write or fsync fails, what reached the disk is unknown, so this and every
   * later sync rejects with that error: reopen the store to recover.
   */
  sync(): Promise<number>;
  /** Rewrites the log as the live contents (pending writes included); resolves with the pending count. */
  compact(): Promise<number>;
  /** Syncs, then closes the file. Later writes throw; reads still work. */
  close(): Promise<void>;
  /**
   * Closes without syncing, as a crash would: pending writes are dropped (a sync
   * already in flight still finishes). For crash tests and `crash` commands.
   */
  abandon(): Promise<void>;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const DEFAULT_COMPACT_MIN_BYTES = 1 << 20;

/**
 * Opens (creating if needed) the log `<dir>/<name>.log`, replays it into memory
 * and cuts a torn tail. `dir` is created if missing. A corrupted middle throws
 * {@link StorageCorruptedError} and changes nothing, unless `onCorruption: "cut"`:
 * then `store.recovery.kind` is `corruption` and durable data was lost.
 *
 * @example
 * ```ts
 * import { openFileStore } from "./file_store.ts";
 * const dir = await Deno.makeTempDir();
 * const store = await openFileStore(dir, "n1", { compactMinBytes: 64 * 1024 });
 * store.recovery.kind; // "clean"
 * for (let i = 0; i < 64; i++) store.set(`log/${i}`, { term: 1, i });
 * await store.sync(); // 64 records, one write, one fsync
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function openFileStore(
  dir: string,
  name: string,
  options: FileStoreOptions = {},
): Promise<FileStore> {
  if (!/^[\w.-]+$/.test(name) || name.startsWith(".")) {
    throw new TypeError(`file store name must be a plain file name, got ${JSON.stringify(name)}`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.log`);
  // A compaction that crashed before its rename leaves this behind; the log is intact.
  await removeIfPresent(compactionPath(path));

  let bytes: Uint8Array;
  let created = false;
  const faults = options.faults ?? null;
  if (faults?.active && faults.draw("read-error")) {
    throw faults.fail("read-error", `reading ${path} failed (EIO)`);
  }
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    bytes = new Uint8Array(0);
    created = true;
  }

  const values = new Map<string, unknown>();
  const sizes = new Map<string, number>();
  let liveBytes = 0;
  const recovery = replayLog(bytes, (record, frameBytes) => {
    liveBytes -= sizes.get(record.key) ?? 0;
    if (record.op === "set") {
      values.set(record.key, record.value);
      sizes.set(record.key, frameBytes);
      liveBytes += frameBytes;
    } else {
      values.delete(record.key);
      sizes.delete(record.key);
    }
  });

  if (recovery.kind === "corruption" && (options.onCorruption ?? "refuse") === "refuse") {
    throw new StorageCorruptedError(path, recovery);
  }
  const file = await Deno.open(path, { write: true, append: true, create: true });
  try {
    if (recovery.bytesCut > 0) {
      await file.truncate(recovery.bytesKept);
      await file.syncData();
    }
    if (created) await syncDir(dir);
  } catch (error) {
    file.close();
    throw error;
  }
  return new LogFileStore(dir, path, file, recovery, values, sizes, liveBytes, options);
}

class LogFileStore implements FileStore {
  readonly path: string;
  readonly recovery: RecoveryReport;
  readonly #dir: string;
  #file: Deno.FsFile;
  readonly #values: Map<string, unknown>;
  /** Frame size of each live key's latest set record, to know the live data size. */
  readonly #sizes: Map<string, number>;
  #liveBytes: number;
  #logBytes: number;
  /** Records written since the last sync began. */
  #pending: FrameBuffer = createFrameBuffer();
  /** The other buffer: being written by the sync in flight, or empty. */
  #spare: FrameBuffer = createFrameBuffer();
  #inFlight = 0;
  /** Syncs run one after another, so each sees the ones before it finished. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Once a write or fsync fails, what is on disk is unknown: refuse to go on. */
  #failure: unknown = undefined;
  #closed = false;
  readonly #compactMinBytes: number;
  readonly #autoCompact: boolean;
  readonly #faults: FileFaults | null;
  /** Where recent appends began (frame boundaries), for a misdirected write to land on. */
  #starts: number[] = [];

  constructor(
    dir: string,
    path: string,
    file: Deno.FsFile,
    recovery: RecoveryReport,
    values: Map<string, unknown>,
    sizes: Map<string, number>,
    liveBytes: number,
    options: FileStoreOptions,
  ) {
    this.#dir = dir;
    this.path = path;
    this.#file = file;
    this.recovery = recovery;
    this.#values = values;
    this.#sizes = sizes;
    this.#liveBytes = liveBytes;
    this.#logBytes = recovery.bytesKept;
    this.#compactMinBytes = options.compactMinBytes ?? DEFAULT_COMPACT_MIN_BYTES;
    this.#autoCompact = options.autoCompact ?? true;
    this.#faults = options.faults ?? null;
    if (recovery.bytesKept > 0) this.#starts.push(0);
  }

  get pending(): number {
    return this.#pending.count + this.#inFlight;
  }

  get logBytes(): number {
    return this.#logBytes;
  }

  get liveBytes(): number {
    return this.#liveBytes;
  }

  get(key: string): unknown {
    const f = this.#faults;
    if (f !== null && f.active && f.draw("read-error")) {
      throw f.fail("read-error", `reading ${key} from ${this.path} failed (EIO)`);
    }
    return this.#values.get(key);
  }

  /** Writes `value`; `undefined` (not JSON) is stored as a delete, which reads the same. */
  set(key: string, value: unknown): void {
    if (value === undefined) return this.delete(key);
    this.#assertOpen();
    // Encode first: if the value is not serialisable, nothing changes.
    const frameBytes = appendFrame(this.#pending, encodeSet(key, value));
    this.#liveBytes += frameBytes - (this.#sizes.get(key) ?? 0);
    this.#sizes.set(key, frameBytes);
    this.#values.set(key, value);
  }

  delete(key: string): void {
    this.#assertOpen();
    appendFrame(this.#pending, encodeDelete(key));
    this.#liveBytes -= this.#sizes.get(key) ?? 0;
    this.#sizes.delete(key);
    this.#values.delete(key);
  }

  keys(prefix = ""): string[] {
    const out: string[] = [];
    for (const key of this.#values.keys()) if (key.startsWith(prefix)) out.push(key);
    return out.sort();
  }

  sync(): Promise<number> {
    if (this.#closed) return Promise.reject(new Error(`file store ${this.path} is closed`));
    return this.#enqueue(false);
  }

  compact(): Promise<number> {
    if (this.#closed) return Promise.reject(new Error(`file store ${this.path} is closed`));
    return this.#enqueue(true);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true; // from here on writes throw, so this last sync takes everything
    try {
      await this.#enqueue(false);
    } finally {
      this.#file.close();
    }
  }

  async abandon(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearFrameBuffer(this.#pending);
    await this.#queue;
    this.#file.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`file store ${this.path} is closed`);
  }

  #enqueue(compact: boolean): Promise<number> {
    const run = this.#queue.then(() => this.#flush(compact));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #flush(forceCompact: boolean): Promise<number> {
    if (this.#failure !== undefined) throw this.#failure;
    const batch = this.#pending;
    if (batch.count === 0 && !forceCompact) return 0;
    // Swap buffers: writes made while this sync awaits go to the other one.
    this.#pending = this.#spare;
    this.#spare = batch;
    this.#inFlight = batch.count;
    try {
      const grown = this.#logBytes + batch.length;
      const compact = forceCompact ||
        (this.#autoCompact && grown > this.#compactMinBytes && grown > 2 * this.#liveBytes);
      if (compact) {
        // The snapshot is taken now, before any await, so it holds exactly the
        // synced state plus this batch; the batch itself need not be written.
        await this.#rewrite(this.#snapshot());
      } else {
        const bytes = batch.bytes.subarray(0, batch.length);
        const f = this.#faults;
        if (f !== null && f.active) await this.#faultyAppend(f, bytes, batch.count);
        else {
          // The write only copies into the page cache: done on this thread, it spares a
          // hand-off to the runtime's blocking pool and back (a thread wake-up each way);
          // the fsync, which waits for the device, still runs off this thread.
          writeAllSync(this.#file, bytes);
          await this.#file.syncData();
        }
        this.#remember(this.#logBytes);
        this.#logBytes = grown;
      }
      return batch.count;
    } catch (error) {
      this.#failure = error;
      throw error;
    } finally {
      this.#inFlight = 0;
      clearFrameBuffer(batch);
    }
  }

  #remember(start: number): void {
    if (this.#starts.push(start) > 64) this.#starts.shift();
  }

  /**
   * One append as a faulty disk does it. A failed sync, a full disk and a torn write
   * throw (the store then refuses every later sync: the node must stop); a misdirected
   * write and a bit flip are silent, and found by checksum when the log is next read.
   */
  async #faultyAppend(f: FileFaults, bytes: Uint8Array, n: number): Promise<void> {
    if (f.draw("disk-full")) {
      throw f.fail("disk-full", `no space left on device (ENOSPC): ${n} writes, none written`);
    }
    if (f.draw("fsync-error")) {
      await writeAll(this.#file, bytes);
      throw f.fail("fsync-error", `fsync failed (EIO): ${n} writes in an unknown state`);
    }
    if (f.draw("torn-write")) {
      const kept = 1 + f.pick(bytes.length - 1);
      await writeAll(this.#file, bytes.subarray(0, kept));
      await this.#file.syncData();
      throw f.fail(
        "torn-write",
        `power lost after ${kept} of ${bytes.length} bytes of a batch of ${n} writes`,
      );
    }
    const synced = this.#logBytes;
    if (f.draw("misdirected-write")) {
      if (this.#starts.length === 0) f.undo("misdirected-write");
      else {
        // Inside the 8-byte header of an earlier batch's first record: never on a record
        // boundary, so the record it destroys is found, and its own frames after it too.
        const at = this.#starts[f.pick(this.#starts.length)]! + 1 + f.pick(7);
        await this.#writeAt(at, bytes);
        f.done("misdirected-write");
        return;
      }
    }
    await writeAll(this.#file, bytes);
    await this.#file.syncData();
    if (f.draw("bit-flip")) {
      if (synced === 0) f.undo("bit-flip");
      else {
        // A record written before this batch, so intact records follow the damage.
        const bit = f.pick(synced * 8);
        const one = new Uint8Array(1);
        await this.#readAt(bit >> 3, one);
        one[0] = one[0]! ^ (1 << (bit & 7));
        await this.#writeAt(bit >> 3, one);
        f.done("bit-flip");
      }
    }
  }

  async #writeAt(at: number, bytes: Uint8Array): Promise<void> {
    using handle = await Deno.open(this.path, { write: true });
    await handle.seek(at, Deno.SeekMode.Start);
    await writeAll(handle, bytes);
    await handle.syncData();
  }

  async #readAt(at: number, into: Uint8Array): Promise<void> {
    using handle = await Deno.open(this.path, { read: true });
    await handle.seek(at, Deno.SeekMode.Start);
    let got = 0;
    while (got < into.length) {
      const n = await handle.read(into.subarray(got));
      if (n === null) throw new Error(`${this.path}: short read at byte ${at + got}`);
      got += n;
    }
  }

  #snapshot(): FrameBuffer {
    const snapshot = createFrameBuffer(this.#liveBytes + 64);
    for (const [key, value] of this.#values) {
      this.#sizes.set(key, appendFrame(snapshot, encodeSet(key, value)));
    }
    return snapshot;
  }

  /** Temp file, fsync, rename over the log, fsync the directory: never a half log. */
  async #rewrite(snapshot: FrameBuffer): Promise<void> {
    const temp = compactionPath(this.path);
    const next = await Deno.open(temp, { write: true, create: true, truncate: true });
    try {
      await writeAll(next, snapshot.bytes.subarray(0, snapshot.length));
      await next.syncData();
      await Deno.rename(temp, this.path);
      await syncDir(this.#dir);
    } catch (error) {
      next.close();
      throw error;
    }
    // The handle now names the log and sits at its end, so appends continue there.
    this.#file.close();
    this.#file = next;
    this.#starts = snapshot.length > 0 ? [0] : [];
    this.#logBytes = snapshot.length;
    this.#liveBytes = snapshot.length;
  }
}

function compactionPath(path: string): string {
  return `${path}.compact`;
}

function writeAllSync(file: Deno.FsFile, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}

/** Makes a rename or file creation in `dir` durable (POSIX; Windows has no directory fsync). */
async function syncDir(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
