import assert from "node:assert/strict";
import { TIMING_FIELDS } from "../../torture/summary.ts";
import { parseTortureArgs } from "../../torture.ts";
import { runScript } from "../support/run_script.ts";
const torture = (args: string[]) => runScript("torture.ts", args);

function withoutTiming(text: string): string {
  const s = JSON.parse(text) as Record<string, unknown>;
  for (const k of TIMING_FIELDS) delete s[k];
  return JSON.stringify(s);
}

Deno.test("torture on three threads prints the summary one thread prints, failures included", async () => {
  const dir = await Deno.makeTempDir();
  // lww fails on most seeds: failures, their order and the shrink limit are compared too.
  const common = ["--protocol", "lww", "--seeds", "7", "--duration", "2s", "--json"];
  const one = await torture([...common, "--jobs", "1", "--out", `${dir}/one`]);
  const three = await torture([...common, "--jobs", "3", "--out", `${dir}/three`]);
  assert.equal(one.code, 1, one.err);
  assert.equal(three.code, 1, three.err);
  assert.ok(JSON.parse(one.out).violations >= 3, "too few failing seeds to compare");
  assert.equal(
    withoutTiming(three.out).replaceAll(`${dir}/three`, "OUT"),
    withoutTiming(one.out).replaceAll(`${dir}/one`, "OUT"),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a transactional protocol's shard on two threads equals it on one", async () => {
  const common = ["--protocol", "2pc", "--seeds", "6", "--duration", "2s", "--shard", "1/2"];
  const one = await torture([...common, "--json", "--jobs", "1"]);
  const two = await torture([...common, "--json", "--jobs", "2"]);
  assert.equal(one.code, 0, one.err);
  assert.equal(two.code, 0, two.err);
  const s = JSON.parse(two.out);
  assert.equal(s.shard, "1/2");
  assert.equal(s.runs, 3);
  assert.ok(s.invariantChecks > 0);
  assert.equal(withoutTiming(two.out), withoutTiming(one.out));
});

Deno.test("--jobs defaults to the cores, never more than the seeds, and refuses 0", async () => {
  const many = await parseTortureArgs(["--protocol", "raft-kv", "--seeds", "200"]);
  assert.equal(many.jobs, Math.min(navigator.hardwareConcurrency, 200));
  const few = await parseTortureArgs(["--protocol", "raft-kv", "--seeds", "1", "--jobs", "8"]);
  assert.equal(few.jobs, 1);
  const bad = await torture(["--protocol", "raft-kv", "--jobs", "0"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^torture: .*jobs/);
  assert.equal(bad.err.trim().split("\n").length, 1);
});
