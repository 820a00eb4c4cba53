// Deliberately broken nodes are caught, each with an explanation that names the fault.
import assert from "node:assert/strict";
import { maelstrom, NODES, shown } from "./harness.ts";

Deno.test("a broadcast node that never gossips: nodes miss acknowledged values", async () => {
  const r = await maelstrom([
    "-w",
    "broadcast",
    "--bin",
    `${NODES}broadcast.py --no-gossip`,
    "--node-count",
    "3",
    "--time-limit",
    "2",
    "--rate",
    "30",
    "--recovery-time",
    "0.5",
  ]);
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(shown(r), /INVALID: n\d never got \d+ of the \d+ acknowledged values/);
  const w = r.results!.workload as { lost: Record<string, unknown[]> };
  assert.ok(Object.keys(w.lost).length > 0);
});

Deno.test("a g-counter that counts a retried add twice reads above every possible sum", async () => {
  // 100 ms each way and a 50 ms resend: every add is resent before its confirmation.
  const r = await maelstrom([
    "-w",
    "g-counter",
    "--bin",
    `${NODES}g_counter.py`,
    "--node-count",
    "3",
    "--time-limit",
    "2",
    "--rate",
    "30",
    "--latency",
    "100",
    "--recovery-time",
    "1",
  ]);
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(shown(r), /reads \d+ but the sum can be at most \d+ .* counted more than once/);
});

Deno.test("the same g-counter counts a message the network duplicated twice (--duplicate)", async () => {
  const r = await maelstrom([
    "-w",
    "g-counter",
    "--bin",
    `${NODES}g_counter.py`,
    "--node-count",
    "3",
    "--time-limit",
    "2",
    "--rate",
    "30",
    "--duplicate",
    "0.3",
    "--recovery-time",
    "1",
  ]);
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(shown(r), /counted more than once/);
});

Deno.test("a g-counter that adds by read-then-write on seq-kv loses adds", async () => {
  const r = await maelstrom([
    "-w",
    "g-counter",
    "--bin",
    `${NODES}g_counter_shared.py`,
    "--node-count",
    "3",
    "--time-limit",
    "2",
    "--rate",
    "40",
    "--recovery-time",
    "1",
  ]);
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(shown(r), /reads \d+ but the sum is at least \d+ .* acknowledged adds are missing/);
});

Deno.test("a lin-kv node that does not replicate is not linearizable under partitions", async () => {
  const r = await maelstrom([
    "-w",
    "lin-kv",
    "--bin",
    `${NODES}lin_kv_local.py`,
    "--node-count",
    "3",
    "--time-limit",
    "4",
    "--rate",
    "50",
    "--concurrency",
    "2n",
    "--nemesis",
    "partition",
    "--nemesis-interval",
    "1",
  ]);
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(shown(r), /INVALID: not linearizable on key \d+: .* cannot be linearized/);
  const drops = (r.results!.nemesis as { action: string }[]).filter((e) =>
    e.action === "start-partition"
  );
  assert.ok(drops.length > 0, "a partition happened");
});

Deno.test("unique-ids from a per-node counter collide across nodes", async () => {
  const r = await maelstrom([
    "-w",
    "unique-ids",
    "--bin",
    `${NODES}unique_ids_clash.py`,
    "--node-count",
    "3",
    "--time-limit",
    "1",
    "--rate",
    "30",
  ]);
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(shown(r), /duplicate ids among \d+; first: id \d+ given to n\d .* and again to n\d/);
});

Deno.test("a kafka node that reorders offsets in its polls is caught", async () => {
  const r = await maelstrom([
    "-w",
    "kafka",
    "--bin",
    `${NODES}kafka.py --reverse`,
    "--node-count",
    "1",
    "--concurrency",
    "3",
    "--time-limit",
    "2",
    "--rate",
    "40",
  ]);
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(
    shown(r),
    /INVALID: key \d+: one poll returned offset \d+ after \d+: offsets out of order/,
  );
});
