// Every bad input of `maelstrom test` is exit 2 with one line that names the node and
// what it printed.
import assert from "node:assert/strict";
import { maelstrom, maelstromCommand, NODES, shown } from "./harness.ts";
import { deadlineMs, within } from "../support/deadline.ts";

const short = ["-w", "echo", "--node-count", "2", "--time-limit", "1", "--rate", "10"];

async function badInput(bin: string, extra: string[] = []) {
  const r = await maelstrom([...short, "--bin", bin, ...extra]);
  assert.equal(r.exitCode, 2, shown(r));
  assert.equal(r.lines.filter((l) => l.startsWith("error:")).length, 1, shown(r));
  assert.equal((r.results as { valid: unknown }).valid, "error");
  return r.error!;
}

Deno.test("a missing binary", async () => {
  const e = await badInput(`${NODES}no_such_node.py`);
  assert.match(e, /^node n0: cannot start .*no_such_node\.py: no such file or program$/);
});

Deno.test("a binary that is not executable", async () => {
  const path = await Deno.makeTempFile({ suffix: ".py" });
  try {
    await Deno.copyFile(`${NODES}echo.py`, path);
    await Deno.chmod(path, 0o644);
    const e = await badInput(path);
    assert.match(e, /^node n0: cannot start .*: permission denied/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a binary that crashes at start: its exit code and stderr, colour codes removed", async () => {
  const e = await badInput(`${NODES}crash_on_start.py`);
  assert.match(e, /^node n\d exited \(code 3\); stderr: "boom: cannot open config"$/);
});

Deno.test("a binary that crashes on its first request", async () => {
  const e = await badInput(`${NODES}crash_after_init.py`);
  assert.match(e, /^node n\d exited \(code 1\); stderr: ".*no handler for echo"$/);
});

Deno.test("a node that prints something that is not JSON on stdout", async () => {
  const e = await badInput(`${NODES}prints_text.py`);
  assert.match(e, /^node n\d printed .*not JSON.* on stdout: "hello from a node"$/);
});

Deno.test("a node that never answers init", async () => {
  // Long enough for Python to start and say something even on a starved machine.
  const wait = deadlineMs(3000);
  const r = await maelstrom([
    ...short,
    "--bin",
    `${NODES}never_inits.py`,
    "--init-timeout",
    String(wait / 1000),
  ]);
  assert.equal(r.exitCode, 2, shown(r));
  assert.match(
    r.error!,
    new RegExp(`^node n\\d did not answer init within ${wait} ms; stderr: "listening…"$`),
  );
});

async function cli(args: string[]) {
  const out = await within(
    `deno run maelstrom.ts ${args.join(" ")}`,
    maelstromCommand(args).output(),
    deadlineMs("long"),
  );
  return {
    code: out.code,
    out: new TextDecoder().decode(out.stdout),
    err: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("bad flags: exit 2 with the reason and the usage", async () => {
  for (
    const [args, why] of [
      [["test", "-w", "nope", "--bin", "x"], /unknown workload 'nope'/],
      [["test", "-w", "echo"], /expected --bin/],
      [["test", "--bin", "x", "--node-count", "0"], /invalid --node-count '0'/],
      [["test", "--bin", "x", "--concurrency", "zero"], /invalid --concurrency 'zero'/],
      [["test", "--bin", "x", "--nemesis", "flood"], /unknown --nemesis 'flood'/],
      [["test", "--bin", "x", "--frob"], /Unknown option '--frob'/],
      [["test", "--bin", "x", "--drop", "1.5"], /invalid --drop '1.5': expected a probability/],
      [["test", "--bin", "x", "--lin-kv-service", "nope"], /unknown protocol 'nope' \(known: /],
      [["serve"], /unknown command 'serve'/],
    ] as [string[], RegExp][]
  ) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, why);
    assert.match(r.err, /^usage: deno task maelstrom test/m);
  }
});

Deno.test("the command's exit codes: 0 valid, 1 invalid, 2 a missing binary", async () => {
  const store = await Deno.makeTempDir();
  try {
    const base = [
      "test",
      "--store",
      store,
      "--node-count",
      "2",
      "--time-limit",
      "1",
      "--rate",
      "20",
    ];
    const ok = await cli([...base, "-w", "echo", "--bin", `${NODES}echo.py`]);
    assert.equal(ok.code, 0, ok.out + ok.err);
    const bad = await cli([...base, "-w", "unique-ids", "--bin", `${NODES}unique_ids_clash.py`]);
    assert.equal(bad.code, 1, bad.out + bad.err);
    const missing = await cli([...base, "-w", "echo", "--bin", `${NODES}nope.py`]);
    assert.equal(missing.code, 2, missing.out + missing.err);
    assert.match(missing.out, /^error: node n0: cannot start/m);
    // Results are laid out as store/<workload>/<timestamp>/.
    const dir = /^results: (.*)\/$/m.exec(ok.out)?.[1];
    assert.ok(dir !== undefined && dir.startsWith(`${store}/echo/`), ok.out);
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(files, [
      "history.jsonl",
      "messages.jsonl",
      "node-logs",
      "results.json",
      "shiviz.log",
      "space-time.svg",
    ]);
    assert.deepEqual([...Deno.readDirSync(`${dir}/node-logs`)].map((e) => e.name).sort(), [
      "n0.log",
      "n1.log",
    ]);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});
