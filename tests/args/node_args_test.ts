/** `deno task node` arguments, and `deno task cluster --external`. */

import assert from "node:assert/strict";
import { parseNodeArgs } from "../../args/node_args.ts";
import { parseClusterArgs, UsageError } from "../../args/cluster_args.ts";
import { main } from "../../node.ts";

const BASE = [
  ...["--id", "n1", "--listen", "127.0.0.1:7001"],
  ...["--peers", "n2=127.0.0.1:7002,n3=[::1]:7003", "--control", "http://127.0.0.1:8080"],
];

Deno.test("node args: the issue's command line parses", () => {
  const a = parseNodeArgs(["--", ...BASE, "--data-dir", "/tmp/n1", "--protocol", "raft-kv"]);
  assert.equal(a.id, "n1");
  assert.deepEqual(a.listen, { hostname: "127.0.0.1", port: 7001 });
  assert.deepEqual([...a.peers], [
    ["n2", { hostname: "127.0.0.1", port: 7002 }],
    ["n3", { hostname: "::1", port: 7003 }],
  ]);
  assert.equal(a.control, "http://127.0.0.1:8080");
  assert.equal(a.dataDir, "/tmp/n1");
  assert.equal(a.protocol, "raft-kv");
  assert.equal(parseNodeArgs([...BASE, "--queue-limit", "500"]).queueLimit, 500);
});

Deno.test("node args: bad input is one clear UsageError", () => {
  const bad: [string[], RegExp][] = [
    [["--id", "n1"], /--listen is required/],
    [BASE.map((x) => x === "127.0.0.1:7001" ? "7001" : x), /--listen: '7001' is not HOST:PORT/],
    [BASE.map((x) => x === "127.0.0.1:7001" ? "h:70000" : x), /is not HOST:PORT/],
    [[...BASE.slice(0, 4), "--peers", "n2", ...BASE.slice(6)], /--peers: 'n2' is not ID=HOST:PORT/],
    [[...BASE.slice(0, 4), "--peers", "n1=h:1", ...BASE.slice(6)], /'n1' is this node's own id/],
    [[...BASE.slice(0, 4), "--peers", "n2=h:1,n2=h:2", ...BASE.slice(6)], /'n2' is given twice/],
    [BASE.map((x) => x === "http://127.0.0.1:8080" ? "ftp://h:21" : x), /must be an http/],
    [
      BASE.map((x) => x === "http://127.0.0.1:8080" ? "127.0.0.1:8080" : x),
      /is not a URL \(e\.g\./,
    ],
    [[...BASE, "--queue-limit", "0"], /--queue-limit/],
    [[...BASE, "--bogus"], /bogus/],
  ];
  for (const [argv, why] of bad) {
    assert.throws(() => parseNodeArgs(argv), (e: unknown) => {
      assert.ok(e instanceof UsageError, String(e));
      assert.match(e.message, why);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  }
});

Deno.test("node: bad arguments exit 2 with one line; --help exits 0", async () => {
  const errors: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(" "));
  try {
    assert.equal(await main(["--id", "n1"]), 2);
  } finally {
    console.error = error;
  }
  assert.deepEqual(errors, ["distlab node: --listen is required (see --help)"]);
});

Deno.test("cluster --external names the nodes; it excludes --processes and --nodes", () => {
  const ctx = { protocols: ["raft-kv"], cwd: "/tmp" };
  const a = parseClusterArgs(["--external", "n1,n2, n3"], ctx);
  assert.deepEqual(a.external, ["n1", "n2", "n3"]);
  assert.equal(a.nodes, 3);
  for (
    const [argv, why] of [
      [["--external", ","], /--external needs 1 to/],
      [["--external", "n1,n1"], /distinct/],
      [["--external", "n1", "--processes"], /exclude each other/],
      [["--external", "n1", "--nodes", "3"], /leave out --nodes/],
    ] as [string[], RegExp][]
  ) {
    assert.throws(() => parseClusterArgs(argv, ctx), why);
  }
});
