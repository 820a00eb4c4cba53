import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;

async function sim(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", root + "sim.ts", ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("sim: the same command prints the same trace hash, another seed a different one", async () => {
  const args = ["--nodes", "5", "--duration", "5s", "--nemesis", "partition,kill", "--trace-hash"];
  const a = await sim("--seed", "42", ...args);
  const b = await sim("--seed", "42", ...args);
  const c = await sim("--seed", "43", ...args);
  const hash = (s: string) => /trace-hash ([0-9a-f]{16})/.exec(s)?.[1];
  assert.equal(a.code, 0, a.err);
  assert.ok(hash(a.out));
  assert.equal(hash(a.out), hash(b.out));
  assert.notEqual(hash(a.out), hash(c.out));
});

Deno.test("sim: --json prints machine-readable output", async () => {
  const r = await sim("--protocol", "register", "--duration", "2s", "--clients", "3", "--json");
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.protocol, "register");
  assert.equal(j.linearizability, "linearizable");
  assert.ok(j.operations.ops > 0);
});

Deno.test("sim: bad input gets a one-line error and exit 2, never a stack trace", async () => {
  for (
    const args of [
      ["--protocol", "nope"],
      ["--bogus"],
      ["--nodes", "0"],
      ["--nodes", "abc"],
      ["--duration", "soon"],
      ["--nemesis", "meteor"],
      ["--history", "/tmp/x.jsonl"],
      ["--seed", "-1"],
      ["--option", "__proto__=1"],
    ]
  ) {
    const r = await sim(...args);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
    assert.match(r.err, /^sim: /);
    assert.doesNotMatch(r.err, /at .*\.ts:\d+/);
  }
});

Deno.test("sim runs a protocol from a file: --protocol FILE.ts#export", async () => {
  const r = await sim(
    "--protocol",
    root + "protocols/register/register.ts#register",
    "--clients",
    "2",
    "--duration",
    "1s",
    "--json",
  );
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).linearizability, "linearizable");
  const missing = await sim("--protocol", "no_such_file.ts#x");
  assert.equal(missing.code, 2);
  assert.match(missing.err, /^sim: cannot load protocol module/);
});

Deno.test("torture and check-history: bad input (a negative number, an unknown flag, a protocol with nothing to check) is one line and exit 2", async () => {
  for (
    const [script, args] of [
      ["torture.ts", ["--seeds", "-3"]],
      // heartbeat takes no KV operations: nothing to check, so not "not linearizable".
      ["torture.ts", ["--protocol", "heartbeat", "--seeds", "2"]],
      ["check_history.ts", ["--budget", "-1"]],
    ] as const
  ) {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", root + script, ...args],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const err = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 2, `${script} ${args.join(" ")}`);
    assert.equal(err.trim().split("\n").length, 1, err);
  }
});
