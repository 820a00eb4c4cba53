import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { parseMergeArgs, parseTortureArgs } from "../../torture.ts";

const DOCS = new URL("../../docs/torture/", import.meta.url);

async function yamlDocs(name: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(new URL(name, DOCS));
  return parseAllDocuments(text).map((d) => {
    assert.equal(d.errors.length, 0, `${name}: ${d.errors.join("; ")}`);
    return d.toJS() as Record<string, unknown>;
  });
}

/** The words after `task torture` in a shell line, up to a shell operator. */
function tortureArgv(script: string): string[] {
  const words = script.trim().split(/\s+/);
  const at = words.findIndex((w, i) => w === "torture" && words[i - 1] === "task");
  assert.ok(at > 0, `no 'deno task torture' in: ${script}`);
  const end = words.findIndex((w, i) => i > at && ["||", "&&", ";", "|", ">"].includes(w));
  return words.slice(at + 1, end === -1 ? undefined : end);
}

/** Checks that the shard commands cover K = 0 … N−1 and the merge reads what they write. */
async function checkRun(shardLines: string[], mergeLine: string): Promise<void> {
  const written: string[] = [];
  const indexes: number[] = [];
  const configs = new Set<string>();
  let count = -1;
  for (const line of shardLines) {
    const run = await parseTortureArgs(tortureArgv(line));
    assert.ok(run.shard !== undefined, `not a shard: ${line}`);
    assert.ok(run.result !== undefined, `writes no --result: ${line}`);
    assert.ok(run.seeds.length > 0);
    if (count !== -1) assert.equal(run.shard.count, count, line);
    count = run.shard.count;
    indexes.push(run.shard.index);
    written.push(run.result);
    configs.add(JSON.stringify(run.config) + JSON.stringify(run.c.seedStart) + run.c.seeds);
  }
  assert.deepEqual(indexes.sort((a, b) => a - b), [...Array(count).keys()]);
  assert.equal(configs.size, 1, "the shards of one run differ in their flags");
  const argv = tortureArgv(mergeLine);
  assert.equal(argv[0], "merge", mergeLine);
  const merge = parseMergeArgs(argv.slice(1));
  assert.deepEqual([...merge.files].sort(), written.sort());
}

function containerScript(job: Record<string, unknown>): string {
  // deno-lint-ignore no-explicit-any
  const c = (job as any).spec.template.spec.containers[0];
  assert.deepEqual(c.command.slice(0, 2), ["sh", "-c"]);
  return c.command[2];
}

Deno.test("the Kubernetes Indexed Job runs valid torture shards, one per completion index", async () => {
  const docs = await yamlDocs("k8s_indexed_job.yaml");
  const job = docs.find((d) => d.kind === "Job");
  assert.ok(job);
  // deno-lint-ignore no-explicit-any
  const spec = (job as any).spec;
  assert.equal(spec.completionMode, "Indexed");
  const script = containerScript(job);
  assert.match(script, /\$\{JOB_COMPLETION_INDEX\}\/\d+/);
  const lines = [...Array(spec.completions).keys()].map((k) =>
    script.replaceAll("${JOB_COMPLETION_INDEX}", String(k))
  );
  const [merge] = await yamlDocs("k8s_merge_job.yaml");
  await checkRun(lines, containerScript(merge));
  // Both Jobs mount the same claim.
  const claim = docs.find((d) => d.kind === "PersistentVolumeClaim");
  // deno-lint-ignore no-explicit-any
  const name = (claim as any).metadata.name;
  for (const j of [job, merge]) {
    // deno-lint-ignore no-explicit-any
    assert.equal((j as any).spec.template.spec.volumes[0].persistentVolumeClaim.claimName, name);
  }
});

function expand(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\$\{\{\s*matrix\.(\w+)\s*\}\}/g, (_, k: string) => {
    assert.ok(k in vars, `unknown matrix variable ${k}`);
    return String(vars[k]);
  });
}

Deno.test("the GitHub Actions matrix runs valid torture shards and merges each protocol", async () => {
  const [wf] = await yamlDocs("github_actions_matrix.yml");
  // deno-lint-ignore no-explicit-any
  const jobs = (wf as any).jobs;
  const m = jobs.shard.strategy.matrix as { protocol: string[]; shard: number[] };
  const shardRun = jobs.shard.steps.find((s: { run?: string }) => s.run !== undefined).run;
  const mergeRun = jobs.merge.steps.find((s: { run?: string }) => s.run !== undefined).run;
  assert.deepEqual(jobs.merge.needs, "shard");
  assert.deepEqual(jobs.merge.strategy.matrix.protocol, m.protocol);
  assert.ok(m.protocol.length > 0);
  for (const protocol of m.protocol) {
    const lines = m.shard.map((shard) => expand(shardRun, { protocol, shard }));
    await checkRun(lines, expand(mergeRun, { protocol }));
  }
});

Deno.test("the manifest checks catch a shard left out and a bad flag", async () => {
  const line = (k: number, n = 3) =>
    `deno task torture --protocol raft-kv --seeds 30 --shard ${k}/${n} --result s${k}.json`;
  const merge = "deno task torture merge s0.json s1.json s2.json";
  await checkRun([line(0), line(1), line(2)], merge);
  await assert.rejects(() => checkRun([line(0), line(1)], merge), /deepStrictEqual|Expected/);
  await assert.rejects(() => checkRun([line(0), line(1), line(2), line(3, 4)], merge));
  await assert.rejects(() => checkRun([line(0), line(1), `${line(2)} --nemesis flood`], merge));
  await assert.rejects(() => checkRun([line(0), line(1), line(2)], `${merge} s3.json`));
});
