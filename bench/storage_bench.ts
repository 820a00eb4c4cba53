/**
 * File-store write throughput, each figure beside raw file I/O of the same bytes
 * measured in the same run:
 *
 * - (a) `set` + `sync()` per write, beside one write + fdatasync per record;
 * - (b) 64 `set`s per `sync()` (group commit), beside one write + fdatasync per
 *   64 records;
 * - the group-commit speedup (b)/(a), beside the same ratio for raw I/O;
 * - the in-memory cost of `set` (encode + CRC into the buffer), beside
 *   `JSON.stringify` of the same record alone.
 *
 * Raw I/O is measured twice: blocking (`writeSync` + `syncDataSync`) and with the
 * same async calls the store makes (`write` + `syncData`), since on some virtual
 * disks the two differ by several times. fsync latency drifts, so the modes are
 * interleaved over several short rounds and each figure is the median round.
 * Files live in the system temp directory.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write bench/storage_bench.ts
 * ```
 *
 * @module
 */

import { openFileStore } from "../nodes/storage/file_store.ts";
import { appendFrame, createFrameBuffer, encodeSet } from "../nodes/storage/record_frame.ts";

const GROUP = 64;
const ROUNDS = 5;
/** Time each mode gets per round. */
const SLICE_MS = 600;

function key(i: number): string {
  return `log/${String(i).padStart(8, "0")}`;
}

function value(i: number): unknown {
  return { term: 3, index: i, op: { f: "write", key: `k${i % 100}`, value: i * 7 } };
}

/** The framed bytes of records `from..from+count`, exactly as the store writes them. */
function frames(from: number, count: number): Uint8Array {
  const buf = createFrameBuffer();
  for (let i = from; i < from + count; i++) appendFrame(buf, encodeSet(key(i), value(i)));
  return buf.bytes.slice(0, buf.length);
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Writes per second of `step` (which writes `perStep` records) over one slice. */
async function measure(perStep: number, step: (from: number) => Promise<void> | void) {
  const start = performance.now();
  let written = 0;
  while (performance.now() - start < SLICE_MS) {
    await step(written);
    written += perStep;
  }
  return written / ((performance.now() - start) / 1000);
}

function rawSync(path: string, perSync: number): Promise<number> {
  const file = Deno.openSync(path, { write: true, append: true, create: true });
  return measure(perSync, (from) => {
    const bytes = frames(from, perSync);
    let off = 0;
    while (off < bytes.length) off += file.writeSync(bytes.subarray(off));
    file.syncDataSync();
  }).finally(() => file.close());
}

async function rawAsync(path: string, perSync: number): Promise<number> {
  const file = await Deno.open(path, { write: true, append: true, create: true });
  return measure(perSync, async (from) => {
    const bytes = frames(from, perSync);
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
    await file.syncData();
  }).finally(() => file.close());
}

async function store(dir: string, name: string, perSync: number): Promise<number> {
  const s = await openFileStore(dir, name);
  return measure(perSync, async (from) => {
    for (let i = from; i < from + perSync; i++) s.set(key(i), value(i));
    const synced = await s.sync();
    if (synced !== perSync) throw new Error(`synced ${synced}, expected ${perSync}`);
  }).finally(() => s.close());
}

function hotPath(count: number): { set: number; stringify: number } {
  const buf = createFrameBuffer(1 << 20);
  const values = Array.from({ length: 1024 }, (_, i) => value(i));
  const keys = Array.from({ length: 1024 }, (_, i) => key(i));
  let sink = 0;
  let start = performance.now();
  for (let i = 0; i < count; i++) {
    sink += JSON.stringify(["s", keys[i & 1023], values[i & 1023]]).length;
  }
  const stringify = count / ((performance.now() - start) / 1000);
  start = performance.now();
  for (let i = 0; i < count; i++) {
    if (buf.length > (1 << 20) - 4096) buf.length = 0;
    sink += appendFrame(buf, encodeSet(keys[i & 1023], values[i & 1023]));
  }
  const set = count / ((performance.now() - start) / 1000);
  if (sink === 0) throw new Error("unreachable");
  return { set, stringify };
}

/**
 * Runs the storage benchmark and prints its figures.
 *
 * @example
 * ```ts
 * import { run } from "./storage_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "distlab_storage_bench_" });
  const modes: Record<string, (round: number) => Promise<number>> = {
    storeSingle: (r) => store(dir, `single${r}`, 1),
    rawSyncSingle: (r) => rawSync(`${dir}/sync_single${r}.raw`, 1),
    rawAsyncSingle: (r) => rawAsync(`${dir}/async_single${r}.raw`, 1),
    storeGroup: (r) => store(dir, `group${r}`, GROUP),
    rawSyncGroup: (r) => rawSync(`${dir}/sync_group${r}.raw`, GROUP),
    rawAsyncGroup: (r) => rawAsync(`${dir}/async_group${r}.raw`, GROUP),
  };
  const results: Record<string, number[]> = {};
  try {
    // Warm up every path (JIT, file creation) before measuring.
    await store(dir, "warm", GROUP);
    await rawAsync(`${dir}/warm.raw`, GROUP);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, mode] of Object.entries(modes)) {
        (results[name] ??= []).push(await mode(round));
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
  hotPath(200_000);
  const hot = hotPath(1_000_000);

  const line = (label: string, ours: number, sync: number, async: number, what: string) =>
    console.log(
      `storage ${label} ${fmt(ours)} writes/s   anchors, raw write+fdatasync per ${what}: ` +
        `blocking ${fmt(sync)} writes/s (${(ours / sync).toFixed(2)}x), ` +
        `async ${fmt(async)} writes/s (${(ours / async).toFixed(2)}x)`,
    );
  line("(a) set+sync per write:", m.storeSingle, m.rawSyncSingle, m.rawAsyncSingle, "record");
  line(
    `(b) ${GROUP} sets per sync:`,
    m.storeGroup,
    m.rawSyncGroup,
    m.rawAsyncGroup,
    `${GROUP} records`,
  );
  console.log(
    `storage group-commit speedup (b)/(a): ${(m.storeGroup / m.storeSingle).toFixed(1)}x` +
      `   anchors, raw speedup: blocking ${(m.rawSyncGroup / m.rawSyncSingle).toFixed(1)}x,` +
      ` async ${(m.rawAsyncGroup / m.rawAsyncSingle).toFixed(1)}x`,
  );
  console.log(
    `storage set() in memory (encode+crc): ${fmt(hot.set)} ops/s` +
      `   anchor JSON.stringify alone: ${fmt(hot.stringify)} ops/s` +
      ` (${(hot.set / hot.stringify).toFixed(2)}x)`,
  );
}

if (import.meta.main) await run();
