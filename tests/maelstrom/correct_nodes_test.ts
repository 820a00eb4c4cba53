// Correct nodes, in Python and in TypeScript, pass each workload — under partitions
// where the workload has something to lose.
import assert from "node:assert/strict";
import { maelstrom, NODES, shown, tsNode } from "./harness.ts";

const quick = ["--node-count", "3", "--time-limit", "2", "--rate", "40"];

Deno.test("echo (Python): every echo comes back, exit 0", async () => {
  const r = await maelstrom(["-w", "echo", "--bin", `${NODES}echo.py`, ...quick]);
  assert.equal(r.exitCode, 0, shown(r));
  const stats = r.results!.stats as { "ok-count": number };
  assert.ok(stats["ok-count"] > 0, shown(r));
  assert.match(shown(r), /valid: all \d+ echoes came back unchanged/);
});

Deno.test("unique-ids (Python): ids are distinct", async () => {
  const r = await maelstrom(["-w", "unique-ids", "--bin", `${NODES}unique_ids.py`, ...quick]);
  assert.equal(r.exitCode, 0, shown(r));
});

Deno.test("broadcast (Python, anti-entropy gossip) converges through partitions and latency", async () => {
  const r = await maelstrom([
    "-w",
    "broadcast",
    "--bin",
    `${NODES}broadcast.py`,
    "--node-count",
    "5",
    "--time-limit",
    "3",
    "--rate",
    "40",
    "--latency",
    "5",
    "--nemesis",
    "partition",
    "--nemesis-interval",
    "1",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
  const net = r.results!.net as { servers: { "msg-count": number } };
  assert.ok(net.servers["msg-count"] > 0, "the nodes gossiped through the host");
});

Deno.test("g-counter (TypeScript, on seq-kv) is exact under partitions", async () => {
  const r = await maelstrom([
    "-w",
    "g-counter",
    "--bin",
    tsNode("g_counter.ts"),
    ...quick,
    "--nemesis",
    "partition",
    "--nemesis-interval",
    "1",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
});

Deno.test("g-counter (Python, gossip with retries deduplicated) is exact under latency", async () => {
  const r = await maelstrom([
    "-w",
    "g-counter",
    "--bin",
    `${NODES}g_counter.py --dedupe`,
    ...quick,
    "--latency",
    "100",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
});

Deno.test("g-counter (Python, deduplicated) is exact when the network loses, duplicates and reorders", async () => {
  const r = await maelstrom([
    "-w",
    "g-counter",
    "--bin",
    `${NODES}g_counter.py --dedupe`,
    ...quick,
    "--drop",
    "0.2",
    "--duplicate",
    "0.3",
    "--reorder",
    "0.2",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
});

Deno.test("g-set (Python, state-based CRDT) converges through partitions", async () => {
  const r = await maelstrom([
    "-w",
    "g-set",
    "--bin",
    `${NODES}g_set.py`,
    ...quick,
    "--nemesis",
    "partition",
    "--nemesis-interval",
    "1",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
});

Deno.test("pn-counter (Python, gossip with deduplicated retries) is exact under latency", async () => {
  const r = await maelstrom([
    "-w",
    "pn-counter",
    "--bin",
    `${NODES}g_counter.py --dedupe`,
    ...quick,
    "--latency",
    "100",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
  const lower = (r.results!.workload as { lower: number }).lower;
  assert.equal(typeof lower, "number");
});

Deno.test("kafka (Python, one node as in Gossip Glomers 5a): no lost, reordered or inconsistent offsets", async () => {
  const r = await maelstrom([
    "-w",
    "kafka",
    "--bin",
    `${NODES}kafka.py`,
    "--node-count",
    "1",
    "--concurrency",
    "3",
    "--time-limit",
    "2",
    "--rate",
    "40",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
});

Deno.test("lin-kv (TypeScript proxy to the lin-kv service) is linearizable under partitions", async () => {
  const r = await maelstrom([
    "-w",
    "lin-kv",
    "--bin",
    tsNode("lin_kv_proxy.ts"),
    "--node-count",
    "3",
    "--time-limit",
    "3",
    "--rate",
    "50",
    "--concurrency",
    "2n",
    "--nemesis",
    "partition",
    "--nemesis-interval",
    "1",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
  assert.match(shown(r), /valid: linearizable/);
});

Deno.test("a node behind a wrapper (as with `deno task`) is killed and restarted cleanly", async () => {
  const r = await maelstrom([
    "-w",
    "echo",
    "--bin",
    `${NODES}wrapped_echo.sh`,
    "--node-count",
    "2",
    "--time-limit",
    "3",
    "--rate",
    "20",
    "--nemesis",
    "kill",
    "--nemesis-interval",
    "1",
    "--rpc-timeout",
    "1",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
  const actions = (r.results!.nemesis as { action: string }[]).map((e) => e.action);
  assert.ok(actions.includes("kill") && actions.includes("restart"), actions.join(","));
});

Deno.test("the lin-kv service served by distlab's raft-kv (a Worker cluster) keeps the proxy linearizable", async () => {
  const r = await maelstrom([
    "-w",
    "lin-kv",
    "--bin",
    tsNode("lin_kv_proxy.ts"),
    "--lin-kv-service",
    "raft-kv",
    "--node-count",
    "3",
    "--time-limit",
    "3",
    "--rate",
    "30",
    "--concurrency",
    "2n",
    "--nemesis",
    "partition",
    "--nemesis-interval",
    "1",
  ]);
  assert.equal(r.exitCode, 0, shown(r));
  assert.match(shown(r), /starting the lin-kv service: 3 raft-kv nodes/);
});
