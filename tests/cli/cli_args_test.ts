import assert from "node:assert/strict";
import {
  parseCommandArgs,
  parseNodeList,
  parseSkew,
  parseValue,
  UsageError,
} from "../../cli/args.ts";
import { helpText, runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { eventLine } from "../../cli/commands/observe.ts";
import { statusLines } from "../../cli/commands/cluster.ts";

/** A fetch that must not be called: argument errors never reach the server. */
const noFetch: typeof fetch = () => Promise.reject(new Error("fetch must not be called"));

Deno.test("values parse as JSON when they can, else as strings", () => {
  assert.equal(parseValue("42"), 42);
  assert.equal(parseValue("-1.5"), -1.5);
  assert.deepEqual(parseValue('{"a":[1]}'), { a: [1] });
  assert.equal(parseValue('"42"'), "42");
  assert.equal(parseValue("true"), true);
  assert.equal(parseValue("hello world"), "hello world");
  assert.equal(parseValue("{oops"), "{oops");
});

Deno.test("skews, node groups and negative numbers are understood", () => {
  assert.equal(parseSkew("+200ms"), 200);
  assert.equal(parseSkew("-50ms"), -50);
  assert.equal(parseSkew("1.5s"), 1500);
  assert.equal(parseSkew("7"), 7);
  assert.throws(() => parseSkew("soon"), UsageError);
  assert.deepEqual(parseNodeList("n1,n2"), ["n1", "n2"]);
  assert.throws(() => parseNodeList("n1,,n2"), UsageError);
  const p = parseCommandArgs(["n3", "-50ms", "--drift", "-0.01"], {
    drift: { type: "string", help: "" },
  });
  assert.deepEqual(p.positionals, ["n3", "-50ms"]);
  assert.equal(p.values.drift, "-0.01");
});

Deno.test("bad arguments: one line on stderr, exit code 2, nothing sent", async () => {
  const cases: [string[], RegExp][] = [
    [["nope"], /unknown command 'nope'/],
    [["--json"], /a command is needed after --json/],
    [["--bogus", "status"], /unknown option '--bogus' before the command/],
    [["--url"], /--url needs a value/],
    [["put", "k"], /put takes KEY VALUE, got k/],
    [["put", "k", "null"], /null is no value/],
    [["get"], /get takes KEY, got none/],
    [["status", "extra"], /status takes no arguments/],
    [["get", "k", "--bogus"], /Unknown option '--bogus'/],
    [["get", "k", "--consistency", "strong"], /--consistency must be linearizable/],
    [["link", "n1", "n2"], /link needs at least one of --drop/],
    [["link", "n1", "n2", "--drop", "1.5"], /--drop must be a number from 0 to 1/],
    [["link", "n1", "n2", "--drop", "x"], /--drop must be a number/],
    [["skew", "n1"], /skew needs a SKEW, --drift, or both/],
    [["skew", "n1", "fast"], /a skew is e.g. \+200ms/],
    [["partition", "n1,,n2"], /a group is node ids/],
    [["members", "grow", "n6"], /members wants 'add' or 'remove'/],
    [["crash", "n1,n2"], /NODE must be a node id/],
    [["unfault", "x"], /ID must be a fault number/],
    [["status", "--url", "ftp://x"], /--url must be an http\(s\) URL/],
    [["status", "--retries", "-1"], /--retries must be a whole number/],
    [["help", "nope"], /unknown command 'nope'/],
  ];
  for (const [argv, re] of cases) {
    const io = memoryIo({ fetch: noFetch });
    const code = await runCli(argv, io);
    assert.equal(code, 2, argv.join(" "));
    assert.equal(io.stderr.length, 1, argv.join(" "));
    assert.match(io.stderr[0]!, /^error: /);
    assert.match(io.stderr[0]!, re, argv.join(" "));
    assert.deepEqual(io.stdout, []);
  }
});

Deno.test("help and --help for every command; a leading -- is ignored", async () => {
  let io = memoryIo({ fetch: noFetch });
  assert.equal(await runCli(["--", "help"], io), 0);
  const all = io.stdout.join("\n");
  for (
    const name of [
      "status",
      "put",
      "get",
      "del",
      "cas",
      "partition",
      "isolate",
      "cut",
      "link",
      "skew",
      "heal",
      "crash",
      "restart",
      "pause",
      "resume",
      "watch",
      "history",
      "leader",
      "transfer",
      "members",
    ]
  ) {
    assert.match(all, new RegExp(`^  ${name} `, "m"), name);
    io = memoryIo({ fetch: noFetch });
    assert.equal(await runCli([name, "--help"], io), 0);
    assert.equal(io.stdout.join("\n"), helpText(name));
    assert.match(helpText(name), new RegExp(`^usage: deno task cli ${name}`));
    assert.match(helpText(name), /--json/);
  }
  io = memoryIo({ fetch: noFetch });
  assert.equal(await runCli([], io), 0);
  assert.match(io.stdout.join("\n"), /^usage:/);
});

Deno.test("status and watch lines are readable", () => {
  const lines = statusLines({
    protocol: "raft-kv",
    leader: "n1",
    term: 3,
    nodes: [
      {
        id: "n1",
        up: true,
        paused: false,
        role: "leader",
        term: 3,
        commitIndex: 9,
        leader: "n1",
        lastSeenMs: 4,
        suspectedBy: [],
        breaker: "closed",
      },
      {
        id: "n2",
        up: false,
        paused: false,
        role: "crashed",
        term: null,
        commitIndex: null,
        leader: null,
        lastSeenMs: null,
        suspectedBy: ["n1"],
        breaker: "open",
      },
    ],
    network: { rules: [{ id: 2, from: "n1", to: "*", drop: 0.5 }], blocks: [] },
    clocks: { n1: { skewMs: 0, drift: 0 }, n2: { skewMs: 200, drift: 0 } },
  });
  assert.deepEqual(lines, [
    "protocol raft-kv, leader n1 (term 3)",
    "NODE  STATE    ROLE     TERM  COMMIT  LEADER  SEEN  SUSPECTED-BY  BREAKER",
    "n1    up       leader   3     9       n1      4ms   -             closed",
    "n2    crashed  crashed  -     -       -       -     n1            open",
    'fault #2: link n1 -> * {"drop":0.5}',
    "clock n2: skew 200ms, drift 0",
  ]);
  assert.equal(
    eventLine({ time: 1500, kind: "send", node: "n1", peer: "n2", body: { t: 1 } }, false),
    '   1.500s  send       n1 -> n2  {"t":1}',
  );
  assert.equal(
    eventLine({ time: 0, kind: "crash", node: "n1" }, true),
    "\x1b[31m   0.000s  crash      n1\x1b[0m",
  );
});
