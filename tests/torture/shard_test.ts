import assert from "node:assert/strict";
import fc from "fast-check";
import { parseShard, shardSeeds } from "../../torture/shard.ts";
import { mergeSummaries, TIMING_FIELDS, type TortureSummary } from "../../torture/summary.ts";
import { runScript } from "../support/run_script.ts";
const torture = (args: string[]) => runScript("torture.ts", args);

function withoutTiming(s: unknown): Record<string, unknown> {
  const copy = { ...(s as Record<string, unknown>) };
  for (const k of TIMING_FIELDS) delete copy[k];
  return copy;
}

Deno.test("shards split the seeds: every seed in exactly one shard, in order", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 40 }),
      (start, seeds, count) => {
        const all = shardSeeds(start, seeds);
        const parts = [...Array(count).keys()].map((index) =>
          shardSeeds(start, seeds, { index, count })
        );
        const joined = parts.flat().sort((a, b) => a - b);
        assert.deepEqual(joined, all);
        for (const p of parts) assert.deepEqual(p, [...p].sort((a, b) => a - b));
        // Sizes differ by at most one: no shard gets the slow tail alone.
        const sizes = parts.map((p) => p.length);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
      },
    ),
  );
});

Deno.test("--shard takes K/N with K from 0 to N-1 and refuses anything else", () => {
  assert.deepEqual(parseShard("0/1"), { index: 0, count: 1 });
  assert.deepEqual(parseShard("3/4"), { index: 3, count: 4 });
  for (const bad of ["4/4", "1/0", "-1/4", "1", "a/b", "1/4/2", ""]) {
    assert.throws(() => parseShard(bad), /--shard/, bad);
  }
});

Deno.test("torture sharded in 4 and merged equals the same seeds in one run", async () => {
  const dir = await Deno.makeTempDir();
  // lww fails on most seeds, so failures, their order and the shrink limit are compared too.
  const common = ["--protocol", "lww", "--seeds", "10", "--duration", "2s", "--out", dir];
  const single = await torture([...common, "--result", `${dir}/all.json`, "--json"]);
  assert.equal(single.code, 1, single.err);
  const files = [];
  for (let k = 0; k < 4; k++) {
    const file = `${dir}/shard-${k}.json`;
    const r = await torture([...common, "--shard", `${k}/4`, "--result", file, "--json"]);
    assert.ok(r.code === 0 || r.code === 1, r.err);
    const part = JSON.parse(await Deno.readTextFile(file)) as TortureSummary;
    assert.equal(part.shard, `${k}/4`);
    assert.equal(part.runs, k < 2 ? 3 : 2);
    files.push(file);
  }
  const merged = await torture(["merge", ...files.reverse(), "--json"]);
  assert.equal(merged.code, single.code, merged.err);
  const a = JSON.parse(await Deno.readTextFile(`${dir}/all.json`));
  const b = JSON.parse(merged.out);
  assert.ok(a.violations >= 3, `only ${a.violations} failing seeds: the shrink limit is untested`);
  assert.equal(JSON.stringify(withoutTiming(b)), JSON.stringify(withoutTiming(a)));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a transactional protocol's shards merge to its single run", async () => {
  const dir = await Deno.makeTempDir();
  const common = ["--protocol", "2pc", "--seeds", "4", "--duration", "2s", "--json"];
  const single = await torture(common);
  assert.equal(single.code, 0, single.err);
  const files = [];
  for (let k = 0; k < 2; k++) {
    files.push(`${dir}/s${k}.json`);
    const r = await torture([...common, "--shard", `${k}/2`, "--result", files[k]]);
    assert.equal(r.code, 0, r.err);
  }
  const merged = await torture(["merge", ...files, "--json"]);
  assert.equal(merged.code, 0, merged.err);
  const a = JSON.parse(single.out);
  assert.ok(a.invariantChecks > 0);
  assert.deepEqual(withoutTiming(JSON.parse(merged.out)), withoutTiming(a));
  await Deno.remove(dir, { recursive: true });
});

function part(shard: string, over: Partial<TortureSummary> = {}): TortureSummary {
  return {
    protocol: "raft-kv",
    config: { nodes: 5 },
    seeds: { start: 1, count: 4 },
    shard,
    runs: 2,
    operations: 10,
    ok: 9,
    fail: 0,
    info: 1,
    rejectedMessages: 0,
    violations: 0,
    wallMs: 5,
    failures: [],
    ...over,
  };
}

Deno.test("merge refuses a missing, repeated or foreign shard, naming the file", () => {
  const ok = [{ name: "a", summary: part("0/2") }, { name: "b", summary: part("1/2") }];
  assert.equal(mergeSummaries(ok).runs, 4);
  const cases: [string, { name: string; summary: unknown }[], RegExp][] = [
    ["missing", [ok[0]], /missing shard 1\/2/],
    ["twice", [ok[0], { name: "c", summary: part("0/2") }], /c: shard 0\/2 given twice/],
    ["split", [ok[0], { name: "d", summary: part("1/3") }], /d: shard 1\/3 of another split/],
    [
      "config",
      [ok[0], { name: "e", summary: part("1/2", { config: { nodes: 3 } }) }],
      /e: another run/,
    ],
    ["seeds", [ok[0], { name: "f", summary: part("1/2", { seeds: { start: 1, count: 8 } }) }], /f/],
    ["not a shard", [{ name: "g", summary: { ...part("0/1"), shard: undefined } }], /g: not a/],
    ["not a summary", [{ name: "h", summary: [1, 2] }], /h: not a torture summary/],
    ["nothing", [], /no shard results/],
  ];
  for (const [what, parts, re] of cases) assert.throws(() => mergeSummaries(parts), re, what);
});

Deno.test("merge sums per-kind counters and keeps only the first three shrunk failures", () => {
  const f = (seed: number) => ({ seed, violation: "x", replay: "r", shrunk: { faults: "1 -> 0" } });
  const merged = mergeSummaries([
    {
      name: "a",
      summary: part("0/2", { failures: [f(1), f(3)], violations: 2, ...{ kinds: { a: 1 } } }),
    },
    {
      name: "b",
      summary: part("1/2", { failures: [f(2), f(4)], violations: 2, ...{ kinds: { a: 2 } } }),
    },
  ]) as TortureSummary & { kinds: { a: number } };
  assert.deepEqual(merged.failures.map((x) => x.seed), [1, 2, 3, 4]);
  assert.deepEqual(merged.failures.map((x) => x.shrunk !== undefined), [true, true, true, false]);
  assert.equal(merged.violations, 4);
  assert.equal(merged.kinds.a, 3);
  assert.equal(merged.shard, undefined);
});

Deno.test("torture merge: bad input is one line and exit 2", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/bad.json`, "{not json");
  for (
    const [args, re] of [
      [["merge"], /give the shards' result files/],
      [["merge", `${dir}/none.json`], /none\.json: cannot read/],
      [["merge", `${dir}/bad.json`], /bad\.json: not JSON/],
      [["--protocol", "lww", "--seeds", "2", "--shard", "2/2"], /K counts from 0/],
      [["--protocol", "lww", "--seeds", "2", "--shard", "0/3"], /more shards than the 2 seeds/],
    ] as [string[], RegExp][]
  ) {
    const r = await torture(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.err, re);
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
  }
  await Deno.remove(dir, { recursive: true });
});
