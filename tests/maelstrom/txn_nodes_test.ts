// Maelstrom's transactional workloads end to end, on the one-node Python store of
// nodes/txn.py, the replicated one of nodes/txn_lin_kv.py (the whole database in the
// lin-kv service, installed by cas) and the TypeScript one of nodes/txn_locked.ts (a key
// per key in lin-kv, under a lock): whole transactions pass both workloads; transactions
// that interleave their micro-ops, or that install their writes without checking for
// conflicts, are caught with the anomaly and the transactions named.
import assert from "node:assert/strict";
import { maelstrom, NODES, shown, tsNode } from "./harness.ts";

const quick = ["--time-limit", "2", "--rate", "60"];

/** Runs `workload` on `nodes` nodes of `bin` (with `mode`), with `concurrency` clients. */
const txnRun =
  (bin: string, nodes: string, concurrency: string) =>
  (workload: string, mode: string, ...extra: string[]) =>
    maelstrom([
      "-w",
      workload,
      "--bin",
      `${bin}${mode === "" ? "" : ` ${mode}`}`,
      "--node-count",
      nodes,
      "--concurrency",
      concurrency,
      ...quick,
      ...extra, // later flags win
    ]);

const run = txnRun(`${NODES}txn.py`, "1", "4");
/** The one-node store broken by `mode`, on two hot keys so that transactions collide. */
const broken = (workload: string, mode: string) =>
  run(workload, mode, "--key-count", "2", "--time-limit", "3");
const replicated = txnRun(`${NODES}txn_lin_kv.py`, "3", "2n");
const locked = txnRun(tsNode("txn_locked.ts"), "3", "2n");

interface TxnResults {
  strongest: string[];
  "anomaly-types": string[];
  not: string[];
  "also-not": string[];
  counts: Record<string, number>;
  txns: { ok: number };
}

for (const workload of ["txn-list-append", "txn-rw-register"]) {
  Deno.test(`${workload}: a store that runs each transaction whole is strict-serializable`, async () => {
    const r = await run(workload, "");
    assert.equal(r.exitCode, 0, shown(r));
    assert.match(
      shown(r),
      /valid: strict-serializable: \d+ committed transactions, \d+ ww, \d+ wr/,
    );
    const w = r.results!.workload as unknown as TxnResults;
    assert.deepEqual(w.strongest, ["strict-serializable"]);
    assert.ok(w.txns.ok > 20, shown(r));
    assert.match(shown(r), /^ {2}txn: ok \d+, fail 0, info 0$/m);
  });
}

Deno.test("txn-list-append: micro-ops interleaved across transactions are not read committed", async () => {
  const r = await broken("txn-list-append", "--interleave");
  assert.equal(r.exitCode, 1, shown(r));
  const w = r.results!.workload as unknown as TxnResults;
  assert.ok(["G0", "G1b", "G1c"].some((t) => w.counts[t]), JSON.stringify(w.counts));
  assert.ok(!w.strongest.includes("read-committed"), w.strongest.join());
  assert.match(
    shown(r),
    /INVALID: not strict-serializable; strongest model left: .*(G0|G1b|G1c) ×/,
  );
});

Deno.test("txn-rw-register: the same interleaving shows registers read mid-transaction", async () => {
  const r = await broken("txn-rw-register", "--interleave");
  assert.equal(r.exitCode, 1, shown(r));
  const w = r.results!.workload as unknown as TxnResults;
  assert.ok(!w.strongest.includes("read-committed"), JSON.stringify(w.counts));
  assert.match(
    shown(r),
    /intermediate read: |G1c \(circular|G0 \(write cycle|after its own reads and writes made it/,
  );
});

Deno.test("txn-rw-register: transactions that install writes without a conflict check lose updates", async () => {
  const r = await broken("txn-rw-register", "--no-conflict-check");
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(
    shown(r),
    /lost update: T\d+ \(process \d+, ok: .*\) and T\d+ .* all read key \d+ = (\d+|null) and then wrote it/,
  );
  const w = r.results!.workload as unknown as TxnResults;
  assert.ok(!w.strongest.includes("snapshot-isolation"), w.strongest.join());
  assert.ok(w["anomaly-types"].includes("lost-update"), w["anomaly-types"].join());
  assert.ok(w.not.includes("cursor-stability"), w.not.join());
  assert.ok(w["also-not"].includes("strict-serializable"), w["also-not"].join());
});

Deno.test("txn-list-append: the same store loses appends, and the lists say so", async () => {
  const r = await broken("txn-list-append", "--no-conflict-check");
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(shown(r), /lost update: |disagree on the list's order \(an append lost or moved\)/);
});

for (const workload of ["txn-list-append", "txn-rw-register"]) {
  Deno.test(`${workload}: three nodes sharing one database by cas on lin-kv are strict-serializable`, async () => {
    const r = await replicated(workload, "");
    assert.equal(r.exitCode, 0, shown(r));
    const w = r.results!.workload as unknown as TxnResults;
    assert.deepEqual(w.strongest, ["strict-serializable"]);
    const net = r.results!.net as { servers: { "msg-count": number } };
    assert.ok(net.servers["msg-count"] > 0, "the nodes used the lin-kv service");
  });
}

Deno.test("txn-list-append: replicas that install their copy with a blind write lose appends", async () => {
  const r = await replicated("txn-list-append", "--blind-write");
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(shown(r), /lost update: |disagree on the list's order \(an append lost or moved\)/);
});

for (const workload of ["txn-list-append", "txn-rw-register"]) {
  Deno.test(`${workload} (TypeScript): three nodes taking a lock in lin-kv are strict-serializable`, async () => {
    const r = await locked(workload, "");
    assert.equal(r.exitCode, 0, shown(r));
    assert.deepEqual((r.results!.workload as unknown as TxnResults).strongest, [
      "strict-serializable",
    ]);
  });
}
