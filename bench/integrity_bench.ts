/**
 * What link integrity costs per message: sealing a message as it leaves and opening it
 * as it arrives (encode + CRC-32C twice, or encode + HMAC-SHA256 twice), for a small
 * Raft heartbeat and a Raft AppendEntries of 16 entries, beside the anchor of a plain
 * `structuredClone` of the same message (what a `postMessage` hop costs at least) and of
 * the schema check every message pays, measured in the same run.
 *
 * @module
 */

import { LinkIntegrity } from "../nodes/faults/link_integrity.ts";
import { crc32c } from "../nodes/faults/crc32c.ts";
import { hmacKey, hmacSha256 } from "../nodes/faults/hmac_sha256.ts";
import { checkMessage } from "../protocols/message_schema.ts";
import { raftMessages } from "../protocols/raft/message_schema.ts";

const heartbeat = { type: "heartbeat", term: 12, commit: 4711, round: 93 };
const append = {
  type: "append",
  term: 12,
  prevIndex: 4700,
  prevTerm: 12,
  commit: 4700,
  entries: Array.from({ length: 16 }, (_, i) => ({
    index: 4701 + i,
    term: 12,
    data: {
      type: "kv",
      client: 3,
      seq: 900 + i,
      op: { f: "write", key: `key-${i % 5}`, value: 1000 + i },
    },
  })),
};

/** Nanoseconds per call of `fn`, best of three rounds of `n` calls. */
function nsPer(n: number, fn: () => void): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, ((performance.now() - t0) * 1e6) / n);
  }
  return best;
}

let sink = 0;

function measure(name: string, body: object, n: number): void {
  const links = new LinkIntegrity(new Uint8Array(32).fill(7));
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const key = hmacKey(new Uint8Array(32).fill(9));
  const tag = new Int32Array(8);
  const clone = nsPer(n, () => {
    sink ^= (structuredClone(body) as { term: number }).term;
  });
  const schema = nsPer(n, () => {
    if (checkMessage(raftMessages, body)) sink++;
  });
  const crcRaw = nsPer(n, () => {
    sink ^= crc32c(bytes);
  });
  const macRaw = nsPer(n, () => {
    hmacSha256(key, bytes, 0, bytes.length, tag);
    sink ^= tag[0]!;
  });
  const crc = nsPer(n, () => {
    const s = links.seal("crc32c", "n1", "n2", body);
    if (links.open("crc32c", "n1", "n2", body, s) !== null) throw new Error("refused");
  });
  const mac = nsPer(n, () => {
    const s = links.seal("hmac-sha256", "n1", "n2", body);
    if (links.open("hmac-sha256", "n1", "n2", body, s) !== null) throw new Error("refused");
  });
  const f = (ns: number) => `${ns.toFixed(0).padStart(6)} ns`;
  const x = (ns: number) => `${(ns / clone).toFixed(2)}× the clone`;
  console.log(`  ${name} (${bytes.length} bytes as JSON)`);
  console.log(`    structuredClone (anchor):         ${f(clone)}`);
  console.log(`    schema check:                     ${f(schema)}  (${x(schema)})`);
  console.log(`    crc32c, seal + open (per message): ${f(crc)}  (${x(crc)})`);
  console.log(
    `      of which the checksum alone:     ${f(2 * crcRaw)}  (2 × ${crcRaw.toFixed(0)} ns)`,
  );
  console.log(`    hmac-sha256, seal + open:          ${f(mac)}  (${x(mac)})`);
  console.log(
    `      of which the MAC alone:          ${f(2 * macRaw)}  (2 × ${macRaw.toFixed(0)} ns)`,
  );
}

/**
 * Prints the per-message cost of each integrity option beside its anchor.
 *
 * @example
 * ```ts
 * import { run } from "./integrity_bench.ts";
 * await run();
 * ```
 */
export function run(): Promise<void> {
  const log = console.log;
  console.log = () => {};
  measure("warm-up", append, 20_000); // compiled before it is measured
  console.log = log;
  console.log("link integrity, per message (sender seals, receiver opens)");
  measure("raft heartbeat", heartbeat, 200_000);
  measure("raft append, 16 entries", append, 20_000);
  if (sink === 0.5) console.log(sink); // keeps the work observable
  return Promise.resolve();
}

if (import.meta.main) await run();
