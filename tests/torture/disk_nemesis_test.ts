/**
 * Fixed-seed torture slices with the disk nemesis, per protocol: no violation, storage
 * faults injected and found, and every stop a storage fault (never a bug). The full
 * runs (200 seeds each) are in the README.
 */
import assert from "node:assert/strict";
import { type TortureConfig, tortureSeed } from "../../torture/torture.ts";
import { tortureTxnSeed } from "../../torture/txn_torture.ts";
import { addFaultCounts, emptyFaultCounts } from "../../nodes/storage/disk_faults.ts";
import { generateSchedule, parseNemesis } from "../../nodes/nemesis.ts";
import { createRng } from "../../protocols/random.ts";
import { runSimulation } from "../../torture/sim_run.ts";
import { DISK_FAULT_KINDS } from "../../protocols/storage.ts";
import { formatSummary, mergeSummaries } from "../../torture/summary.ts";

const SEEDS = [1, 2, 3, 4, 5, 6];

function kvSlice(protocol: string, options: Record<string, unknown> = {}, least = 3): void {
  const c: TortureConfig = {
    protocol,
    nodes: 5,
    seeds: SEEDS.length,
    seedStart: 1,
    durationMs: 8000,
    clients: 4,
    keys: 3,
    nemesis: ["partition", "kill", "disk"],
    options,
  };
  const total = emptyFaultCounts();
  let stops = 0;
  for (const seed of SEEDS) {
    const o = tortureSeed(c, seed);
    assert.equal(o.verdict.violation, null, `seed ${seed}: ${o.verdict.violation}`);
    assert.ok(o.verdict.counts.ok > 100, `seed ${seed}: only ${o.verdict.counts.ok} ok`);
    addFaultCounts(total, o.run.diskFaults);
    stops += o.run.stopped.length;
  }
  const injected = DISK_FAULT_KINDS.reduce((n, k) => n + total.injected[k], 0);
  const detected = DISK_FAULT_KINDS.reduce((n, k) => n + total.detected[k], 0);
  assert.ok(injected >= least && detected >= least, JSON.stringify(total));
  assert.ok(stops >= least, `${stops} stops`);
}

Deno.test("raft-kv under partition,kill,disk: 6 seeds, no violation", () => kvSlice("raft-kv"));

Deno.test("paxos-kv under partition,kill,disk: 6 seeds, no violation", () => kvSlice("paxos-kv"));

Deno.test("quorum-kv (strict R=W=2) under partition,kill,disk: 6 seeds, no stale read", () => {
  // A quorum replica syncs only the keys it holds: fewer syncs, fewer faults drawn.
  kvSlice("quorum-kv", { sloppy: false, r: 2, w: 2 }, 2);
});

Deno.test("2pc under partition,kill,disk: 6 seeds, no invariant violated", () => {
  let stops = 0;
  for (const seed of SEEDS) {
    const o = tortureTxnSeed("2pc", seed, {
      durationMs: 8000,
      nemesis: ["partition", "kill", "disk"],
    });
    assert.equal(o.violation, null, `seed ${seed}: ${o.violation}`);
    stops += o.stopped.length;
  }
  assert.ok(stops >= 1, `${stops} stops`);
});

Deno.test("the disk nemesis: one kind per fault, ending in a reboot; simulator only", () => {
  const steps = generateSchedule(createRng(4), {
    kinds: parseNemesis("disk"),
    nodes: ["n1", "n2", "n3"],
    durationMs: 20_000,
  });
  const on = steps.filter((s) => s.op === "disk" && s.faults !== null);
  assert.ok(on.length >= 5);
  for (const s of on) if (s.op === "disk") assert.equal(Object.keys(s.faults!).length, 1);
  const ends = steps.filter((s) => s.fault === on[0]!.fault).map((s) => s.op);
  assert.deepEqual(ends, ["disk", "crash", "restart", "disk", "restart"]);
  assert.throws(() => parseNemesis("disk,flood"), /unknown nemesis 'flood'/);
});

Deno.test("a run without the disk nemesis keeps its trace hash (no disk draw)", () => {
  const run = (options: Record<string, unknown>) =>
    runSimulation({
      protocol: "raft-kv",
      nodes: 5,
      seed: 7,
      durationMs: 10_000,
      clients: 3,
      nemesis: parseNemesis("partition,kill,loss,delay"),
      trace: "hash",
      options,
    });
  // The leader's parallel write (appends before its own sync) changed raft-kv's trace;
  // with it off, the trace is the one from before, byte for byte.
  const r = run({});
  assert.equal(r.traceHash, "e8498090ec038e3b");
  assert.equal(r.stopped.length, 0);
  assert.equal(run({ parallelWrite: false }).traceHash, "3c2a93677fe306dd");
});

Deno.test("shards' storage fault counts add up, their stopped nodes join in seed order", () => {
  const part = (shard: string, seed: number, flips: number) => {
    const storageFaults = emptyFaultCounts();
    storageFaults.injected["bit-flip"] = flips;
    storageFaults.detected["bit-flip"] = 1;
    return {
      protocol: "raft-kv",
      config: {},
      seeds: { start: 1, count: 2 },
      shard,
      runs: 1,
      operations: 0,
      ok: 0,
      fail: 0,
      info: 0,
      rejectedMessages: 0,
      violations: 0,
      wallMs: 1,
      failures: [],
      storageFaults,
      repairedFromAPeer: 1,
      stoppedNodes: [{
        seed,
        node: "n1",
        atMs: 5,
        reason: "storage fault (disk-full): x",
        times: 1,
      }],
    };
  };
  const merged = mergeSummaries([
    { name: "b.json", summary: part("1/2", 2, 3) },
    { name: "a.json", summary: part("0/2", 1, 4) },
  ]);
  assert.equal(merged.storageFaults?.injected["bit-flip"], 7);
  assert.equal(merged.storageFaults?.detected["bit-flip"], 2);
  assert.equal(merged.repairedFromAPeer, 2);
  assert.deepEqual(merged.stoppedNodes?.map((s) => s.seed), [1, 2]);
  const text = formatSummary(merged);
  assert.match(text, /storage faults +\(injected\/detected\) fsync-error 0\/0, .*bit-flip 7\/2/);
  assert.match(text, /repaired +2 times, from a peer/);
  assert.match(text, /seed 1 n1 at 5 ms: storage fault \(disk-full\)/);
});
