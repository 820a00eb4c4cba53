import assert from "node:assert/strict";
import { helpText, runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { parseOp, ringLines } from "../../cli/commands/ops.ts";
import { statusLines } from "../../cli/commands/cluster.ts";
import { type NodeRow, statusColumns } from "../../client/status_columns.ts";
import { UsageError } from "../../cli/args.ts";
import type { NodeId, NodeStatus, Reply } from "../../protocols/node.ts";
import type { FakeCluster } from "../http/fake_cluster.ts";
import { type CliRun, withFakeCli } from "./fake_cli.ts";
import { fail } from "../../protocols/reply.ts";
import { protocolDisplay } from "../../http/protocol_admin.ts";

/** A fetch that must not be called: argument errors never reach the server. */
const noFetch: typeof fetch = () => Promise.reject(new Error("fetch must not be called"));

/** Runs the CLI against an in-process API over a fake cluster set up by `setup`. */
function withFake(
  protocol: string,
  setup: (fake: FakeCluster) => void,
  fn: (cli: CliRun) => Promise<void>,
): Promise<FakeCluster> {
  return withFakeCli({ protocol }, (cli, fake) => {
    setup(fake);
    return fn(cli);
  });
}

Deno.test("op, mode, failover and ring are listed in the help", () => {
  const help = helpText();
  for (const name of ["op JSON", "ring", "mode sync|async|semi-sync", "failover"]) {
    assert.ok(help.includes(`  ${name}`), name);
  }
  assert.match(helpText("failover"), /--to N/);
  assert.match(helpText("put"), /--context JSON/);
});

Deno.test("bad arguments of the new commands exit 2 before any request", async () => {
  const cases: [string[], RegExp][] = [
    [["op", "{oops"], /OP must be JSON/],
    [["op", "[1]"], /OP must be a JSON object/],
    [["op", '{"id":"o1"}'], /OP needs "f"/],
    [["op", '{"f":"x"}', "--node", "n 1"], /--node must be a node id/],
    [["mode", "fast"], /mode must be sync, async or semi-sync/],
    [["mode"], /mode takes sync\|async\|semi-sync, got none/],
    [["failover", "--to", "n,2"], /--to must be a node id/],
    [["ring", "--key", ""], /--key must not be empty/],
    [["get", "k", "--r", "0"], /--r must be a whole number/],
    [["put", "k", "1", "--w", "x"], /--w must be a whole number/],
    [["put", "k", "1", "--context", "[1]"], /--context must be a JSON object/],
    [["get", "k", "--consistency", "MOST"], /ONE, QUORUM or ALL/],
  ];
  for (const [argv, re] of cases) {
    const io = memoryIo({ fetch: noFetch });
    assert.equal(await runCli(argv, io), 2, argv.join(" "));
    assert.match(io.stderr[0]!, re, argv.join(" "));
  }
  assert.throws(() => parseOp("7"), UsageError);
  assert.deepEqual(parseOp('{"f":"propose","value":1}'), { f: "propose", value: 1 });
});

Deno.test("op sends any operation, to the coordinator or a pinned node, and reports refusals", async () => {
  const fake = await withFake("2pc", (fake) => {
    fake.leader = null;
    fake.status = (n: NodeId): NodeStatus => ({ role: n === "n1" ? "coordinator" : "payment" });
    fake.handler = (node, op): Reply =>
      node !== "n1"
        ? fail("wrong-node", `${node} is a participant`, { leader: "n1" })
        : op.item === "apple"
        ? fail("abort", "aborted: n2 (inventory) voted no: no stock")
        : { type: "ok", value: { txn: op.id, outcome: "committed" } };
  }, async (cli) => {
    let r = await cli("op", '{"f":"order","id":"o1","item":"item-1","qty":1,"amount":5}');
    assert.deepEqual(r, {
      code: 0,
      out: ['order ok at n1: {"txn":"o1","outcome":"committed"}'],
      err: [],
    });
    r = await cli("op", '{"f":"order","id":"o2","item":"apple","qty":1,"amount":5}');
    assert.equal(r.code, 1);
    assert.match(r.err[0]!, /^error: Aborted: node n1: aborted: n2 \(inventory\) voted no/);
    r = await cli(
      "op",
      '{"f":"order","id":"o3","item":"item-1","qty":1,"amount":5}',
      "--node",
      "n2",
      "--json",
    );
    assert.equal(r.code, 1);
    assert.match(r.err[0]!, /Wrong node: .* send it to n1/);
  });
  assert.deepEqual(fake.requests.map((q) => q.node), ["n1", "n1", "n2"]);
});

Deno.test("mode and failover send primary-backup's set-mode and failover ops", async () => {
  const fake = await withFake("primary-backup", (fake) => {
    fake.status = (n: NodeId): NodeStatus => ({ role: n === fake.leader ? "primary" : "backup" });
    fake.handler = (node, op): Reply => {
      if (node !== fake.leader) return fail("not-leader", "not the primary", { leader: "n1" });
      if (op.f === "set-mode") return { type: "ok", value: { mode: op.mode, was: "sync" } };
      fake.leader = String(op.to ?? "n3");
      return { type: "ok", value: { primary: fake.leader } };
    };
  }, async (cli) => {
    let r = await cli("mode", "semi-sync");
    assert.deepEqual(r.out, ["mode semi-sync (was sync) at primary n1"]);
    r = await cli("failover", "--to", "n2");
    assert.deepEqual(r.out, ["primary: n1 -> n2"]);
    r = await cli("failover", "--json");
    assert.deepEqual(JSON.parse(r.out[0]!), {
      f: "failover",
      value: { primary: "n3" },
      node: "n2",
    });
  });
  assert.deepEqual(fake.requests.map((q) => q.op), [
    { f: "set-mode", mode: "semi-sync" },
    { f: "failover", to: "n2" },
    { f: "failover" },
  ]);
});

Deno.test("quorum KV from the CLI: --r/--w/--consistency/--context, siblings printed, ring", async () => {
  const members = ["n1", "n2", "n3"];
  const fake = await withFake("quorum-kv", (fake) => {
    fake.leader = null;
    fake.status = (): NodeStatus => ({
      role: "replica",
      epoch: 0,
      members,
      ownership: { n1: 0.3, n2: 0.3, n3: 0.4 },
      n: 3,
      r: 2,
      w: 2,
      vnodes: 4,
      keys: 1,
      hints: 0,
      holdings: {
        cart: { versions: [{ clock: { n1: 1 }, node: "n1", value: "milk" }], hints: {} },
      },
    });
    fake.handler = (node, op): Reply =>
      op.f === "read"
        ? { type: "ok", value: { siblings: ["eggs", "milk"], context: { n1: 1, n2: 1 } } }
        : { type: "ok", value: { clock: { [node]: 2 }, acks: ["n1", "n2", "n3"] } };
  }, async (cli) => {
    let r = await cli("get", "cart", "--r", "3", "--consistency", "all");
    assert.deepEqual(r.out, [
      '2 siblings: "eggs" | "milk"  (context {"n1":1,"n2":1}; put with --context to resolve)',
    ]);
    r = await cli("put", "cart", '["eggs","milk"]', "--w", "3", "--context", '{"n1":1,"n2":1}');
    assert.deepEqual(r.out, [
      'cart = ["eggs","milk"]  (node n1, acks n1,n2,n3, clock {"n1":2})',
    ]);
    r = await cli("ring", "--key", "cart");
    assert.equal(r.code, 0, r.err.join(" "));
    assert.equal(r.out[0], "ring epoch 0 (as n1 sees it), N=3 R=2 W=2, 4 tokens per node");
    assert.match(r.out[1]!, /^NODE\s+STATE\s+TOKENS\s+SHARE\s+KEYS\s+HINTS\s+EPOCH$/);
    assert.match(r.out[4]!, /^n3\s+up\s+4\s+40\.0%\s+1\s+0\s+0$/);
    assert.match(r.out.join("\n"), /preference list: n\d, n\d, n\d/);
    assert.ok(r.out.some((l) => /^n\d\s+owner\s+"milk"@\{n1:1\}\s+-$/.test(l)), r.out.join("\n"));
  });
  assert.deepEqual(fake.requests.map((q) => q.op), [
    { f: "read", key: "cart", r: 3, consistency: "ALL" },
    { f: "write", key: "cart", value: ["eggs", "milk"], w: 3, context: { n1: 1, n2: 1 } },
  ]);
});

const node = (
  id: string,
  status: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) =>
  ({
    id,
    up: true,
    paused: false,
    role: status.role ?? null,
    term: null,
    commitIndex: null,
    leader: null,
    lastSeenMs: 4,
    suspectedBy: [],
    breaker: "closed",
    status,
    ...extra,
  }) as NodeRow;
const net = { rules: [], blocks: [] };

Deno.test("status columns suit the protocol: quorum, primary-backup, 2pc, and raft by default", () => {
  // The display comes from the server (GET /cluster), from the protocol's descriptor.
  const headers = (p: string) => statusColumns(protocolDisplay(p)).map((c) => c.header).join(" ");
  assert.equal(headers("raft-kv"), "NODE STATE ROLE TERM COMMIT LEADER SEEN SUSPECTED-BY BREAKER");
  assert.equal(headers("paxos-kv"), headers("raft-kv"));

  let lines = statusLines({
    protocol: "quorum-kv",
    term: null,
    display: protocolDisplay("quorum-kv"),
    leader: null,
    nodes: [
      node("n1", {
        role: "replica",
        n: 3,
        r: 2,
        w: 2,
        epoch: 1,
        keys: 5,
        siblingKeys: 1,
        hints: 2,
        suspects: ["n3"],
      }),
    ],
    network: net,
  });
  assert.equal(lines[0], "protocol quorum-kv, leaderless, N=3 R=2 W=2");
  assert.match(
    lines[1]!,
    /^NODE\s+STATE\s+ROLE\s+EPOCH\s+KEYS\s+SIBLINGS\s+HINTS\s+SUSPECTS\s+SEEN/,
  );
  assert.match(lines[2]!, /^n1\s+up\s+replica\s+1\s+5\s+1\s+2\s+n3\s+4ms/);

  lines = statusLines({
    protocol: "primary-backup",
    display: protocolDisplay("primary-backup"),
    leader: "n1",
    term: 2,
    nodes: [
      node("n1", {
        role: "primary",
        epoch: 2,
        mode: "semi-sync",
        effectiveMode: "async",
        seq: 9,
        lag: { n2: 0, n3: 3 },
        lagMs: { n2: 0, n3: 120 },
        suspects: [],
      }),
      node("n2", {
        role: "backup",
        epoch: 2,
        mode: "semi-sync",
        effectiveMode: "semi-sync",
        seq: 9,
      }),
    ],
    network: net,
  });
  assert.equal(lines[0], "protocol primary-backup, primary n1 (epoch 2)");
  assert.match(lines[1]!, /^NODE\s+STATE\s+ROLE\s+EPOCH\s+MODE\s+SEQ\s+LAG\s+SUSPECTS/);
  assert.match(
    lines[2]!,
    /^n1\s+up\s+primary\s+2\s+semi-sync->async\s+9\s+n2=0\/0ms,n3=3\/120ms\s+-/,
  );
  assert.match(lines[3]!, /^n2\s+up\s+backup\s+2\s+semi-sync\s+9\s+-\s+-/);

  lines = statusLines({
    protocol: "2pc",
    term: null,
    display: protocolDisplay("2pc"),
    leader: null,
    wallClockMs: 10_000,
    clocks: { n2: { skewMs: 500, drift: 0 } },
    nodes: [
      node(
        "n1",
        { role: "coordinator", voting: ["o4"], committing: [], committed: 1, aborted: 0 },
        {
          up: false,
        },
      ),
      node("n2", {
        role: "inventory",
        locks: { "stock/item-1": "o4" },
        inDoubt: ["o4"],
        blockedSince: 8_000,
        committed: 1,
        aborted: 1,
      }),
    ],
    network: net,
  });
  assert.equal(lines[0], "protocol 2pc, coordinator n1");
  assert.match(
    lines[1]!,
    /^NODE\s+STATE\s+ROLE\s+LOCKS\s+IN-DOUBT\s+BLOCKED\s+VOTING\s+COMMITTED\s+ABORTED/,
  );
  assert.match(lines[2]!, /^n1\s+crashed\s+coordinator\s+-\s+-\s+-\s+o4\s+1\s+0/);
  // Blocked since 8 000 on n2's clock, which runs 500 ms ahead of the server's 10 000.
  assert.match(lines[3]!, /^n2\s+up\s+inventory\s+stock\/item-1=o4\s+o4\s+2\.5s\s+-\s+1\s+1/);
});

Deno.test("ringLines marks unknown holders and an unconverged membership", () => {
  const lines = ringLines({
    source: "n2",
    epoch: 1,
    members: ["n1", "n2"],
    converged: false,
    n: 2,
    r: null,
    w: null,
    vnodes: 8,
    nodes: [{
      id: "n1",
      up: false,
      member: true,
      tokens: 8,
      share: 0.5,
      keys: null,
      hints: null,
      epoch: null,
    }],
    key: {
      key: "k",
      hash: 5,
      token: { token: 9, node: "n1" },
      preferenceList: ["n1", "n2"],
      holders: [
        { node: "n1", rank: 0, up: false, known: false, versions: [], hints: {} },
        {
          node: "n2",
          rank: 1,
          up: true,
          known: true,
          versions: [{ clock: { n2: 1 }, node: "n2", deleted: true, value: null }],
          hints: { n1: [{ clock: { n2: 1 }, node: "n2", valueBytes: 300 }] },
        },
      ],
    },
  });
  assert.equal(lines[1], "membership still spreading: nodes differ on the epoch");
  assert.match(lines[3]!, /^n1\s+crashed\s+8\s+50\.0%\s+-\s+-\s+-$/);
  assert.equal(lines[5], 'key "k": hash 5 -> token 9 of n1');
  assert.match(lines[8]!, /^n1\s+owner\s+\? \(down\)\s+-$/);
  assert.match(lines[9]!, /^n2\s+#2\s+deleted@\{n2:1\}\s+for n1: <300 bytes>@\{n2:1\}$/);
});
