import assert from "node:assert/strict";
import { defaultProtocol, parseClusterArgs, UsageError } from "../../args/cluster_args.ts";

const CTX = { protocols: ["heartbeat", "lww"], cwd: "/home/me/lab" };
const parse = (...argv: string[]) => parseClusterArgs(argv, CTX);

Deno.test("cluster args: defaults", () => {
  assert.deepEqual(parse(), {
    nodes: 5,
    protocol: "heartbeat",
    port: 8080,
    host: "127.0.0.1",
    dataDir: undefined,
    seed: 1,
    options: {},
    help: false,
  });
});

Deno.test("cluster args: every flag, with a leading -- ignored", () => {
  const a = parse(
    "--",
    "--nodes",
    "3",
    "--protocol",
    "lww",
    "--port",
    "0",
    "--host",
    "localhost",
    "--data-dir",
    "data",
    "--seed=-7",
    "--option",
    "intervalMs=20",
    "--option",
    "detector=fixed",
    "--option",
    "peers=[1,2]",
    "--processes",
  );
  assert.deepEqual(a, {
    nodes: 3,
    protocol: "lww",
    port: 0,
    host: "localhost",
    dataDir: "data",
    seed: -7,
    options: { intervalMs: 20, detector: "fixed", peers: [1, 2] },
    help: false,
    processes: true,
  });
  assert.throws(() => parse("--processes=yes"), UsageError);
  assert.equal(parse("--help").help, true);
});

Deno.test("cluster args: a protocol file becomes a module URL and export", () => {
  assert.deepEqual(parse("--protocol", "./my/proto.ts#echo").protocol, {
    module: "file:///home/me/lab/my/proto.ts",
    export: "echo",
  });
  assert.deepEqual(parse("--protocol", "/abs/p.js").protocol, {
    module: "file:///abs/p.js",
    export: "default",
  });
  assert.deepEqual(parse("--protocol", "https://example.com/p.ts#x").protocol, {
    module: "https://example.com/p.ts",
    export: "x",
  });
});

Deno.test("cluster args: the default protocol is raft-kv once registered", () => {
  assert.equal(defaultProtocol(["heartbeat", "raft-kv"]), "raft-kv");
  assert.equal(defaultProtocol(["heartbeat"]), "heartbeat");
  assert.equal(parseClusterArgs([], { ...CTX, protocols: ["a", "raft-kv"] }).protocol, "raft-kv");
});

Deno.test("cluster args: bad input is a one-line UsageError", () => {
  const cases: [string[], RegExp][] = [
    [["--nodes", "0"], /--nodes must be an integer from 1 to 256, got '0'/],
    [["--nodes", "2.5"], /--nodes must be an integer/],
    [["--nodes", "257"], /--nodes/],
    [["--port", "70000"], /--port must be an integer from 0 to 65535/],
    [["--port", "80x"], /--port/],
    [["--seed", "abc"], /--seed must be an integer, got 'abc'/],
    [["--protocol", "paxos"], /unknown protocol 'paxos' \(known: heartbeat, lww/],
    [["--host", "0.0.0.0"], /refusing to listen on non-loopback host '0.0.0.0'/],
    [["--host", "192.168.1.2"], /non-loopback/],
    [["--option", "novalue"], /--option wants key=value, got 'novalue'/],
    [["--option", "=3"], /--option wants key=value/],
    [["--option", '__proto__={"x":1}'], /'__proto__' is not an option name/],
    [["--option", "constructor=1"], /'constructor' is not an option name/],
    [["--data-dir", ""], /--data-dir must not be empty/],
    [["--nemesis", "meteor"], /unknown nemesis 'meteor' \(known: partition, kill/],
    [["--nemesis", "kill", "--nemesis-for", "10ms"], /--nemesis-for must be from 1s to 24h/],
    [["--nemesis-for", "5s"], /--nemesis needs at least one fault kind/],
    [["--nemesis", "kill,disk"], /the disk nemesis runs in the simulator only/],
    [["--nemesis", "membership"], /the membership nemesis runs in the simulator only/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["positional"], /Unexpected argument 'positional'/],
    [["--nodes"], /--nodes/],
    [["--seed", "-7"], /--seed=-XYZ/],
    [["--links", "tcp"], /--links must be direct or routed, got 'tcp'/],
    [["--links", "routed", "--processes"], /--links routed is for Worker nodes/],
  ];
  for (const [argv, re] of cases) {
    assert.throws(
      () => parse(...argv),
      (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes("\n"),
      argv.join(" "),
    );
  }
});

Deno.test("cluster args: --links chooses direct ports or the main thread's router", () => {
  assert.equal(parse().links, undefined);
  assert.equal(parse("--links", "routed").links, "routed");
  assert.equal(parse("--links", "direct").links, "direct");
});

Deno.test("cluster args: loopback hosts are accepted", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) {
    assert.ok(["127.0.0.1", "127.1.2.3", "localhost", "::1"].includes(parse("--host", h).host));
  }
});

Deno.test("cluster args: memory and load limits, each checked", () => {
  assert.equal(parse().limits, undefined, "absent: the API's defaults");
  assert.deepEqual(
    parse(
      "--history-limit=5000",
      "--max-clients=10",
      "--max-streams=2",
      "--stream-buffer=64KiB",
      "--max-in-flight=100",
      "--node-concurrency=8",
      "--node-queue=0",
      "--max-backlog=50",
    ).limits,
    {
      historyLimit: 5000,
      maxClients: 10,
      maxStreams: 2,
      streamBuffer: 65536,
      maxInFlight: 100,
      nodeConcurrency: 8,
      nodeQueue: 0,
      maxBacklog: 50,
    },
  );
  const bad: [string[], RegExp][] = [
    [["--history-limit", "1"], /--history-limit must be an integer from 2 to/],
    [["--max-clients", "x"], /--max-clients must be an integer/],
    [["--max-in-flight", "0"], /--max-in-flight must be an integer from 1/],
    [["--max-backlog", "0"], /--max-backlog must be an integer from 1/],
    [["--stream-buffer", "12"], /--stream-buffer must be a size from 1KiB/],
  ];
  for (const [argv, message] of bad) {
    assert.throws(
      () => parse(...argv),
      (e: Error) => e instanceof UsageError && message.test(e.message),
    );
  }
});
