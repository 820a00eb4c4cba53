/**
 * A TCP node's latest logical clocks in a small file of its data directory
 * (`<dir>/<id>.clocks`), written before each output's messages leave and read when the
 * node starts again: the process counterpart of the Worker's shared-memory cell
 * (`../worker/clock_cell.ts`).
 *
 * A TCP node sends its messages itself and tells control its clocks later (an output with
 * nothing but clocks waits up to 50 ms); a crash loses what was not yet told. Restarted
 * from control's copy alone, the node would stamp its next events lower than messages its
 * peers already received — against the clock condition (e → f ⇒ L(e) < L(f)). The file
 * outlives the process, so the restart continues from the later of the two.
 *
 * Written with a plain `write`, never `fsync`: the fault this guards against is the
 * process dying (control's `kill`, a real `SIGKILL`), and a dead process's writes are
 * already in the operating system's page cache, which the next process reads. Power loss
 * is a different fault (and would lose the peers' memory of the stamps too).
 *
 * The file stays open and is overwritten in place at offset 0, padded with spaces to the
 * longest text written so far, so a shorter JSON leaves no stale tail (`JSON.parse`
 * ignores trailing whitespace). A file that does not parse — a write cut short — counts as
 * none: the node continues from control's copy.
 *
 * @module
 */

import { join } from "node:path";
import type { NodeId } from "../../protocols/node.ts";
import type { LogicalClocks } from "../node_host.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SPACE = 0x20;

/**
 * The open clock file of one node.
 *
 * @example
 * ```ts
 * import { openClockFile } from "./clock_file.ts";
 * const dir = await Deno.makeTempDir();
 * const f: import("./clock_file.ts").ClockFile = openClockFile(dir, "n1");
 * f.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface ClockFile {
  /** Where it is (`<dir>/<id>.clocks`). */
  readonly path: string;
  /** What the file held when it was opened (undefined: no file, or one that does not parse). */
  readonly found: LogicalClocks | undefined;
  /** Overwrites the file with `clocks` (synchronously, no `fsync`). */
  write(clocks: LogicalClocks): void;
  /** Closes the file (a killed process never gets here, and needs not). */
  close(): void;
}

/**
 * Opens (creating it and `dir` if need be) the clock file of node `id` in `dir`, reading
 * what it holds.
 *
 * @example
 * ```ts
 * import { openClockFile } from "./clock_file.ts";
 * const dir = await Deno.makeTempDir();
 * const a = openClockFile(dir, "n1");
 * a.write({ lamport: 120, vclock: { n1: 60, n2: 59 } });
 * a.write({ lamport: 9, vclock: {} }); // shorter: the rest is padded with spaces
 * a.close();
 * const b = openClockFile(dir, "n1");
 * b.found; // { lamport: 9, vclock: {} }
 * b.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function openClockFile(dir: string, id: NodeId): ClockFile {
  if (!/^[\w.-]+$/.test(id) || id.startsWith(".")) {
    throw new TypeError(`a clock file needs a plain file name, got node id ${JSON.stringify(id)}`);
  }
  Deno.mkdirSync(dir, { recursive: true });
  const path = join(dir, `${id}.clocks`);
  const file = Deno.openSync(path, { read: true, write: true, create: true });
  let bytes: Uint8Array;
  try {
    bytes = readAll(file);
  } catch (e) {
    file.close();
    throw e;
  }
  const found = parseClocks(bytes);
  /** The length to pad to: every byte a longer text before may have left. */
  let length = bytes.length;
  let buffer = new Uint8Array(Math.max(256, length));
  return {
    path,
    found,
    write(clocks: LogicalClocks): void {
      const json = JSON.stringify(clocks);
      // At most 3 bytes per UTF-16 unit.
      if (buffer.length < json.length * 3) buffer = new Uint8Array(json.length * 3);
      const { written } = encoder.encodeInto(json, buffer);
      if (written < length) buffer.fill(SPACE, written, length);
      const n = Math.max(written, length);
      file.seekSync(0, Deno.SeekMode.Start);
      for (let at = 0; at < n;) at += file.writeSync(buffer.subarray(at, n));
      length = n;
    },
    close(): void {
      try {
        file.close();
      } catch {
        // already closed
      }
    },
  };
}

/** Reads the whole file from its start. */
function readAll(file: Deno.FsFile): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(4096);
    const n = file.readSync(chunk);
    if (n === null || n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The clocks in `bytes`, or undefined when they are empty or do not parse as clocks. */
function parseClocks(bytes: Uint8Array): LogicalClocks | undefined {
  try {
    const clocks = JSON.parse(decoder.decode(bytes)) as LogicalClocks;
    return typeof clocks?.lamport === "number" && typeof clocks.vclock === "object" &&
        clocks.vclock !== null
      ? clocks
      : undefined;
  } catch {
    return undefined;
  }
}
