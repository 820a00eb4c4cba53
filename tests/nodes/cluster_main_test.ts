import assert from "node:assert/strict";
import { deadlineMs } from "../support/deadline.ts";
import { startMain } from "../e2e/main_process.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

function deno(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-net", "--allow-env", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    // A run that should have been refused must not hang the suite.
    signal: AbortSignal.timeout(deadlineMs("long")),
  });
}

Deno.test("deno task cluster: bad input is one line on stderr and exit code 2", async () => {
  for (
    const argv of [["--nodes", "x"], ["--host", "10.0.0.1"], ["--protocol", "nope"], [
      // Checked with the live defaults it would run with (1,000–2,000 ms elections).
      "--option",
      "electionMinMs=3000",
    ], [
      "--latency",
      "99999999999999ms",
    ], [
      "--protocol",
      "heartbeat",
      "--option",
      "intervalMs=-1",
    ]]
  ) {
    const out = await deno(argv).output();
    const err = new TextDecoder().decode(out.stderr).trimEnd();
    assert.equal(out.code, 2, argv.join(" "));
    assert.match(err, /^error: /);
    assert.equal(err.split("\n").length, 1, `one line: ${err}`);
    assert.equal(out.stdout.length, 0);
  }
});

Deno.test("deno task cluster: serves the API and stops cleanly on SIGINT", async () => {
  const child = deno([
    "--",
    "--nodes",
    "2",
    "--port",
    "0",
    "--protocol",
    "heartbeat",
    "--option",
    "intervalMs=50",
  ]).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/API: (\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const api = /API: (\S+)/.exec(text)?.[1];
  assert.ok(api, `printed the API URL: ${text}`);
  assert.match(text, /curl -s -X POST .*\/nodes\/n2\/crash/);

  const res = await fetch(`${api}/cluster`);
  const body = await res.json();
  assert.equal(body.protocol, "heartbeat");
  assert.deepEqual(body.nodes.map((n: { id: string }) => n.id), ["n1", "n2"]);
  const crash = await fetch(`${api}/nodes/n2/crash`, { method: "POST" });
  assert.equal((await crash.json()).up, false);

  child.kill("SIGINT");
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const status = await child.status;
  const err = await new Response(child.stderr).text();
  assert.equal(status.code, 0, err);
  assert.match(text, /distlab: stopped/);
});

Deno.test("deno task cluster: a port in use is one line on stderr and exit code 1", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = String((listener.addr as Deno.NetAddr).port);
    const out = await deno(["--nodes", "1", "--port", port, "--protocol", "heartbeat"]).output();
    const err = new TextDecoder().decode(out.stderr).trimEnd();
    assert.equal(out.code, 1);
    assert.match(err, /^error: .*(in use|Address)/i);
    assert.equal(err.split("\n").length, 1, err);
  } finally {
    listener.close();
  }
});

Deno.test("deno task cluster: SIGTERM stops it cleanly, with a loaded raft-kv cluster", async () => {
  const server = await startMain("--port", "0", "--nodes", "5");
  const writes = Array.from(
    { length: 50 },
    (_, i) =>
      fetch(`${server.url}/api/v1/kv/k${i}`, { method: "PUT", body: String(i) })
        .then((r) => r.body?.cancel()).catch(() => {}),
  );
  await Promise.all(writes);
  assert.equal(await server.stop("SIGTERM"), 0);
});
