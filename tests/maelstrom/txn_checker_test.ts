// The Elle-like transactional checker on histories written by hand: one per anomaly,
// each beside a near twin that is fine, and the models each history leaves standing.
import assert from "node:assert/strict";
import { checkTxns, type TxnCheckOptions, type TxnCheckResult } from "../../checker/elle_like.ts";
import { findCycles } from "../../checker/txn_cycles.ts";
import { TxnGraph } from "../../checker/txn_graph.ts";
import { modelsLeft } from "../../checker/txn_models.ts";
import { parseTestArgs } from "../../maelstrom/args.ts";
import { txnGenerator } from "../../maelstrom/workloads/txn_generator.ts";
import { createRng } from "../../protocols/random.ts";
import { history, type OpSpec } from "../checker/history_builder.ts";

type Mop = readonly [string, unknown, unknown];

/** A transaction of process `p` from `call` to `ret`; its reads carry what they read. */
function txn(
  p: number,
  mops: readonly Mop[],
  call: number,
  ret: number,
  status: "ok" | "fail" | "info" = "ok",
): OpSpec {
  const asked = mops.map(([f, k, v]) => [f, k, f === "r" ? null : v]);
  return [p, "txn", "", asked, status === "ok" ? mops : asked, call, ret, status];
}

function check(
  specs: readonly OpSpec[],
  kind: TxnCheckOptions["kind"],
  models?: TxnCheckOptions["models"],
): TxnCheckResult {
  return checkTxns(history(specs), models === undefined ? { kind } : { kind, models });
}

/** The anomaly types found. */
const types = (r: TxnCheckResult) => Object.keys(r.counts).sort();

Deno.test("a serial list-append history is strict-serializable, with its edges", () => {
  const r = check([
    txn(0, [["append", "x", 1]], 0, 1),
    txn(1, [["r", "x", [1]], ["append", "x", 2]], 2, 3),
    txn(2, [["r", "x", [1, 2]]], 4, 5),
  ], "list-append");
  assert.equal(r.valid, true, r.explanation);
  assert.deepEqual(r.strongest, ["strict-serializable"]);
  assert.deepEqual(types(r), []);
  // T1 read [1] and appended 2 itself: no rw edge to itself.
  assert.deepEqual({ ww: r.edges.ww, wr: r.edges.wr, rw: r.edges.rw }, { ww: 1, wr: 2, rw: 0 });
  assert.match(r.explanation, /^strict-serializable: 3 committed transactions/);
});

Deno.test("G0: two transactions append to x and y in opposite orders", () => {
  const both = (px: number, py: number) => [
    txn(0, [["append", "x", px], ["append", "y", py]], 0, 1),
    txn(1, [["append", "x", 3 - px], ["append", "y", 3 - py]], 0, 1),
    txn(2, [["r", "x", [1, 2]], ["r", "y", [1, 2]]], 2, 3),
  ];
  assert.equal(check(both(1, 1), "list-append").valid, true, "same order everywhere: fine");
  const r = check(both(1, 2), "list-append");
  assert.equal(r.valid, false);
  assert.deepEqual(types(r), ["G0"]);
  assert.deepEqual([...r.anomalies.G0![0]!.txns].sort(), [0, 1]);
  assert.match(r.explanation, /G0 \(write cycle\): T\d → T\d → T\d: T\d ww→ T\d \(key "[xy]"/);
  assert.deepEqual(r.strongest, [], "no model on the map allows a write cycle");
});

Deno.test("G1a: reading a value written by a failed transaction", () => {
  const h = (status: "ok" | "fail") => [
    txn(0, [["w", "x", 1]], 0, 1, status),
    txn(1, [["r", "x", 1]], 2, 3),
  ];
  assert.equal(check(h("ok"), "rw-register").valid, true);
  const r = check(h("fail"), "rw-register");
  assert.deepEqual(types(r), ["G1a"]);
  assert.match(
    r.explanation,
    /aborted read: T1 .* read 1 at key "x", written by T0 .*, which failed/,
  );
  assert.deepEqual(r.strongest, ["read-uncommitted"]);
});

Deno.test("G1b: reading a write its transaction overwrote (registers and lists)", () => {
  const reg = (seen: number) => [
    txn(0, [["w", "x", 1], ["w", "x", 2]], 0, 1),
    txn(1, [["r", "x", seen]], 2, 3),
  ];
  assert.equal(check(reg(2), "rw-register").valid, true);
  const r = check(reg(1), "rw-register");
  assert.deepEqual(types(r), ["G1b"]);
  assert.match(
    r.explanation,
    /intermediate read: T1 .* read 1 at key "x", which T0 .* wrote and then overwrote/,
  );
  const list = (seen: number[]) => [
    txn(0, [["append", "x", 1], ["append", "x", 2]], 0, 1),
    txn(1, [["r", "x", seen]], 2, 3),
  ];
  assert.equal(check(list([1, 2]), "list-append").valid, true);
  assert.deepEqual(types(check(list([1]), "list-append")), ["G1b"]);
});

Deno.test("G1c: each of two transactions reads the other's write", () => {
  const h = (yRead: unknown) => [
    txn(0, [["w", "x", 1], ["r", "y", yRead]], 0, 2),
    txn(1, [["w", "y", 1], ["r", "x", 1]], 1, 3),
  ];
  const fine = check(h(null), "rw-register");
  assert.deepEqual(types(fine), []);
  const r = check(h(1), "rw-register");
  assert.deepEqual(types(r), ["G1c"]);
  assert.match(
    r.explanation,
    /G1c \(circular information flow\): T[01] → T[01] → T[01]: .* wr→ .* wr→/,
  );
  assert.deepEqual(r.strongest, ["read-uncommitted"]);
});

Deno.test("future read: a transaction reads what it writes only later (a trivial G1c)", () => {
  const h = (read: unknown[]) => [txn(0, [["r", "x", read], ["append", "x", 1]], 0, 1)];
  assert.equal(check(h([]), "list-append").valid, true);
  const r = check(h([1]), "list-append");
  assert.deepEqual(types(r), ["future-read"]);
  assert.match(
    r.explanation,
    /future read: T0 .* read an element 1 at key "x", which it wrote itself only later/,
  );
  assert.deepEqual(r.strongest, ["read-uncommitted"]);
  const reg = check([txn(0, [["r", "x", 1], ["w", "x", 1]], 0, 1)], "rw-register");
  assert.deepEqual(types(reg), ["future-read"]);
});

Deno.test("lost update: two transactions read the same version and both write it", () => {
  const h = (secondRead: number) => [
    txn(0, [["w", "x", 1]], 0, 1),
    txn(1, [["r", "x", 1], ["w", "x", 2]], 2, 5),
    txn(2, [["r", "x", secondRead], ["w", "x", 3]], 3, 6),
  ];
  assert.deepEqual(types(check(h(2), "rw-register", ["serializable"])), []);
  const r = check(h(1), "rw-register");
  assert.ok(types(r).includes("lost-update"), r.explanation);
  assert.deepEqual([...r.anomalies["lost-update"]![0]!.txns], [1, 2]);
  assert.match(
    r.explanation,
    /lost update: T1 .* and T2 .* all read key "x" = 1 and then wrote it/,
  );
  assert.deepEqual(r.strongest, ["read-committed"]);
  assert.equal(check(h(1), "rw-register", ["read-committed"]).valid, true);
});

Deno.test("G-single (read skew): one read sees a transaction's write, another misses it", () => {
  const h = (xRead: number[]) => [
    txn(0, [["r", "x", xRead], ["r", "y", [1]]], 0, 3),
    txn(1, [["append", "x", 1], ["append", "y", 1]], 1, 2),
    txn(2, [["r", "x", [1]]], 4, 5),
  ];
  assert.equal(check(h([1]), "list-append").valid, true);
  const r = check(h([]), "list-append");
  assert.deepEqual(types(r), ["G-single"]);
  assert.match(r.explanation, /T0 rw→ T1 .*T1 wr→ T0|T1 wr→ T0 .*T0 rw→ T1/);
  assert.deepEqual(r.strongest, ["cursor-stability"]);
});

Deno.test("G-nonadjacent (long fork): two readers see two writes in opposite orders", () => {
  const r = check([
    txn(0, [["r", "a", []], ["r", "b", [1]]], 0, 9),
    txn(1, [["append", "a", 1]], 1, 2),
    txn(2, [["r", "a", [1]], ["r", "b", []]], 0, 9),
    txn(3, [["append", "b", 1]], 1, 2),
  ], "list-append");
  assert.deepEqual(types(r), ["G-nonadjacent"]);
  assert.deepEqual(r.strongest, ["cursor-stability"], "snapshot isolation forbids a long fork");
});

Deno.test("G-nonadjacent is found even where a shorter cycle has two rw edges in a row", () => {
  const g = new TxnGraph();
  const [a, b, c, d, e] = [1, 2, 3, 4, 5];
  g.add(a, b, "rw", "1");
  g.add(b, c, "rw", "2"); // a → b → c → a: two rw in a row (G2-item)
  g.add(c, a, "ww", "3");
  g.add(b, d, "ww", "4"); // a → b → d → e → a: rw, ww, rw, wr (G-nonadjacent)
  g.add(d, e, "rw", "5");
  g.add(e, a, "wr", "6");
  const found = findCycles(g, 1_000).cases;
  assert.deepEqual(found.map((x) => x.type), ["G-nonadjacent"]);
  assert.deepEqual(found[0]!.txns, [a, b, d, e]);
});

Deno.test("G2-item (write skew): snapshot isolation allows it, serializability does not", () => {
  const r = check([
    txn(0, [["r", "x", []], ["r", "y", []], ["append", "x", 1]], 0, 3),
    txn(1, [["r", "x", []], ["r", "y", []], ["append", "y", 1]], 0, 3),
    txn(2, [["r", "x", [1]], ["r", "y", [1]]], 4, 5),
  ], "list-append");
  assert.deepEqual(types(r), ["G2-item"]);
  assert.deepEqual(r.strongest, ["snapshot-isolation", "cursor-stability"]);
  assert.equal(r.valid, false);
  assert.match(r.explanation, /G2-item .*T[01] rw→ T[01].*T[01] rw→ T[01]/);
});

Deno.test("a cycle search out of steps says unknown, never valid", () => {
  const skew = [
    txn(0, [["r", "x", []], ["r", "y", []], ["append", "x", 1]], 0, 3),
    txn(1, [["r", "x", []], ["r", "y", []], ["append", "y", 1]], 0, 3),
    txn(2, [["r", "x", [1]], ["r", "y", [1]]], 4, 5),
  ];
  const r = checkTxns(history(skew), { kind: "list-append", maxSteps: 1 });
  assert.equal(r.valid, "unknown", r.explanation);
  assert.ok(r.exhausted);
  assert.match(r.explanation, /the cycle search ran out of steps before it finished/);
  assert.equal(checkTxns(history(skew), { kind: "list-append" }).valid, false);
});

Deno.test("a stale read is serializable but not strict-serializable (G-single-realtime)", () => {
  const h = (read: number | null) => [
    txn(0, [["w", "x", 1]], 0, 1),
    txn(1, [["r", "x", read]], 2, 3),
  ];
  assert.equal(check(h(1), "rw-register").valid, true);
  const r = check(h(null), "rw-register");
  assert.deepEqual(types(r), ["G-single-realtime"]);
  assert.deepEqual(r.strongest, ["serializable"]);
  assert.match(r.explanation, /T0 completed before T1 was invoked/);
  assert.equal(check(h(null), "rw-register", ["serializable"]).valid, true);
  const concurrent = [txn(0, [["w", "x", 1]], 0, 3), txn(1, [["r", "x", null]], 1, 2)];
  assert.equal(check(concurrent, "rw-register").valid, true, "overlapping: either order");
});

Deno.test("what no model allows (internal contradictions, garbage, duplicates, malformed replies) and disagreeing orders", () => {
  const internal = check([txn(0, [["append", "x", 1], ["r", "x", []]], 0, 1)], "list-append");
  assert.deepEqual(types(internal), ["internal"]);
  assert.deepEqual(
    check([txn(0, [["append", "x", 1], ["r", "x", [1]]], 0, 1)], "list-append").valid,
    true,
  );
  const regInternal = check([txn(0, [["w", "x", 1], ["r", "x", null]], 0, 1)], "rw-register");
  assert.deepEqual(types(regInternal), ["internal"]);
  const garbage = check([txn(0, [["r", "x", 99]], 0, 1)], "rw-register");
  assert.deepEqual(types(garbage), ["garbage-read"]);
  assert.match(garbage.explanation, /read 99 at key "x", which no transaction wrote/);
  const twice = check([
    txn(0, [["append", "x", 1]], 0, 1),
    txn(1, [["r", "x", [1, 1]]], 2, 3),
  ], "list-append");
  assert.deepEqual(types(twice), ["duplicate-elements"]);
  const order = check([
    txn(0, [["append", "x", 1]], 0, 1),
    txn(1, [["append", "x", 2]], 0, 1),
    txn(2, [["r", "x", [1, 2]]], 2, 3),
    txn(3, [["r", "x", [2, 1]]], 2, 3),
  ], "list-append");
  assert.deepEqual(types(order), ["incompatible-order"]);
  assert.match(order.explanation, /they disagree on the list's order/);
  // The node answered a write of 1 with a write of 2.
  const [p, f, key, asked, , call, ret] = txn(0, [["w", "x", 1]], 0, 1);
  const malformed = check([[p, f, key, asked, [["w", "x", 2]], call, ret]], "rw-register");
  assert.deepEqual(types(malformed), ["malformed"]);
  const [q, g, k, a, , c, e] = txn(0, [["w", "x", 1]], 0, 1);
  const missing = check([[q, g, k, a, null, c, e]], "rw-register");
  assert.match(
    missing.explanation,
    /T0 \(process 0\): txn_ok: its txn is not a list of \[f, k, v\]/,
  );
  for (const r of [internal, garbage, twice, malformed, missing]) {
    assert.deepEqual(r.strongest, []);
  }
  assert.deepEqual(order.strongest, ["read-uncommitted"], "a lost append is a dirty read");
});

Deno.test("an unknown (info) transaction whose write was read committed; a failed one did not", () => {
  const h = (status: "info" | "fail") => [
    txn(0, [["append", "x", 1]], 0, status === "fail" ? 1 : Infinity, status),
    txn(1, [["r", "x", [1]]], 2, 3),
  ];
  assert.equal(check(h("info"), "list-append").valid, true);
  assert.deepEqual(types(check(h("fail"), "list-append")), ["G1a"]);
});

Deno.test("rw-register infers versions only from what a transaction read before it wrote", () => {
  // T1 read 1 then wrote 2: 1 < 2, so T2, which read 1, comes before T1 (rw), and T0 → T1 (ww).
  const r = check([
    txn(0, [["w", "x", 1]], 0, 1),
    txn(1, [["r", "x", 1], ["w", "x", 2]], 2, 3),
    txn(2, [["r", "x", 1]], 2, 3),
  ], "rw-register");
  assert.equal(r.valid, true);
  assert.deepEqual({ ww: r.edges.ww, wr: r.edges.wr, rw: r.edges.rw }, { ww: 1, wr: 2, rw: 1 });
});

Deno.test("the models map: a found anomaly rules out every model that forbids it, and no weaker one", () => {
  assert.deepEqual(modelsLeft(new Set()).strongest, ["strict-serializable"]);
  assert.deepEqual(modelsLeft(new Set(["G1c"])).strongest, ["read-uncommitted"]);
  assert.deepEqual(modelsLeft(new Set(["G0"])).strongest, []);
  assert.deepEqual(modelsLeft(new Set(["G2-item"])).strongest, [
    "snapshot-isolation",
    "cursor-stability",
  ]);
  assert.deepEqual(modelsLeft(new Set(["lost-update"])).strongest, ["read-committed"]);
  assert.deepEqual(modelsLeft(new Set(["G2-item-realtime"])).strongest, ["serializable"]);
});

Deno.test("Maelstrom's defaults for the transactional workloads, and its generator's promises", () => {
  const o = parseTestArgs(["test", "-w", "txn-list-append", "--bin", "./n.py"]);
  assert.deepEqual(
    [o.keyCount, o.maxTxnLength, o.maxWritesPerKey, o.consistencyModels],
    [10, 4, 16, ["strict-serializable"]],
  );
  assert.equal(parseTestArgs(["test", "-w", "lin-kv", "--bin", "./n.py"]).keyCount, 3);
  assert.throws(
    () => parseTestArgs(["test", "--bin", "./n.py", "--consistency-models", "causal"]),
    /unknown consistency model 'causal': expected one of strict-serializable, /,
  );
  assert.throws(
    () =>
      parseTestArgs(["test", "-w", "txn-rw-register", "--bin", "./n.py", "--max-txn-length", "0"]),
    /invalid --max-txn-length '0': expected a whole number ≥ 1/,
  );
  const next = txnGenerator({ write: "append", keyCount: 3, maxTxnLength: 4, maxWritesPerKey: 5 });
  const rng = createRng(7);
  const seen = new Map<unknown, Set<unknown>>();
  const keys = new Set<unknown>();
  for (let i = 0; i < 500; i++) {
    const t = next(rng);
    assert.ok(t.length >= 1 && t.length <= 4, JSON.stringify(t));
    for (const [f, k, v] of t) {
      keys.add(k);
      if (f === "r") {
        assert.equal(v, null);
        continue;
      }
      assert.equal(f, "append");
      const s = seen.get(k) ?? new Set();
      assert.ok(!s.has(v), `value ${v} appended twice to key ${k}`);
      s.add(v);
      seen.set(k, s);
      assert.ok(s.size <= 5, `key ${k} got more than 5 appends`);
    }
  }
  assert.ok(keys.size > 3, "full keys were retired for fresh ones");
});
