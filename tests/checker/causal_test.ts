import assert from "node:assert/strict";
import { checkCausal } from "../../checker/causal.ts";
import { checkSessionGuarantees, classifyHistory } from "../../checker/consistency.ts";
import { history } from "./history_builder.ts";

const W = (p: number, key: string, v: unknown, call: number, status?: "ok" | "info" | "fail") =>
  [p, "write", key, v, v, call, call + 5, status] as const;
const R = (p: number, key: string, v: unknown, call: number) =>
  [p, "read", key, undefined, v, call, call + 5] as const;
const CAS = (p: number, key: string, from: unknown, to: unknown, call: number) =>
  [p, "cas", key, [from, to], [from, to], call, call + 5] as const;

/** p0 writes x then y; p1 sees y's write, then reads x. */
const crossKey = (xRead: unknown) =>
  history([W(0, "x", 1, 0), W(0, "y", 1, 10), R(1, "y", 1, 20), R(1, "x", xRead, 30)]);

Deno.test("causal: a read missing a write on another key in its causal past fails", () => {
  const r = checkCausal(crossKey(null));
  assert.equal(r.ok, false);
  assert.equal(r.violations[0]!.pattern, "overwritten-initial-value");
  assert.deepEqual(r.violations[0]!.operations.map((op) => op.id), [0, 1, 2, 3]);
  assert.match(
    r.violations[0]!.explanation,
    /p1 read the initial value null in #3, but x = 1 \(#0\) was written after it/,
  );
  assert.match(r.violations[0]!.explanation, /#1 write y=1 \(p0\) → #2 read y=1 \(p1\)/);
  // The per-key session guarantees cannot see it: the cause is on another key.
  for (const s of checkSessionGuarantees(crossKey(null))) assert.equal(s.ok, true, s.guarantee);
  assert.equal(checkCausal(crossKey(1)).ok, true);
});

Deno.test("causal: reading a value overwritten in the read's causal past fails", () => {
  const h = history([
    W(0, "x", 1, 0),
    W(0, "x", 2, 10),
    W(0, "y", 1, 20),
    R(1, "y", 1, 30),
    R(1, "x", 1, 40),
  ]);
  const r = checkCausal(h);
  assert.equal(r.ok, false);
  assert.equal(r.violations[0]!.pattern, "overwritten-value");
  assert.match(r.violations[0]!.explanation, /read 1 \(#0\) in #4, but x = 2 \(#1\)/);
});

Deno.test("causal: stale reads of concurrent writes and two cas from the same value pass", () => {
  // The cap scenario's AP history in miniature: B's cas 1→2 and A's cas 1→3 are
  // concurrent; A's stale read of 1 has no 2 in its causal past; siblings [2, 3] later.
  const h = history([
    W(0, "x", 1, 0),
    CAS(1, "x", 1, 2, 10),
    R(0, "x", 1, 20),
    CAS(0, "x", 1, 3, 30),
    R(0, "x", 3, 40),
    R(1, "x", 2, 50),
    R(0, "x", { siblings: [2, 3], context: {} }, 60),
    R(1, "x", { siblings: [2, 3], context: {} }, 70),
  ]);
  const r = checkCausal(h);
  assert.deepEqual([r.ok, r.skipped, r.checked], [true, 0, true]);
  const c = classifyHistory(h);
  assert.equal(c.checks.find((x) => x.model === "linearizable")!.status, "fail");
  assert.deepEqual(c.strongest, ["causal"]);
});

Deno.test("causal: siblings that include an overwritten value fail", () => {
  const h = history([
    W(0, "x", 1, 0),
    R(1, "x", 1, 10),
    W(1, "x", 2, 20),
    R(1, "x", { siblings: [1, 2], context: {} }, 30),
  ]);
  const r = checkCausal(h);
  assert.equal(r.ok, false);
  assert.equal(r.violations[0]!.pattern, "overwritten-value");
});

Deno.test("causal: a cycle of reads-from and process order fails", () => {
  // Each process reads the other's later write before writing its own.
  const h = history([R(0, "x", 1, 0), W(0, "y", 1, 10), R(1, "y", 1, 0), W(1, "x", 1, 10)]);
  const r = checkCausal(h);
  assert.equal(r.ok, false);
  assert.equal(r.violations[0]!.pattern, "cyclic-causal-order");
  assert.equal(r.violations[0]!.operations.length, 4);
});

Deno.test("causal: fail operations are left out, info writes count once read, big histories are not checked", () => {
  const failed = history([
    W(0, "x", 1, 0, "fail"),
    W(0, "y", 1, 10),
    R(1, "y", 1, 20),
    R(1, "x", null, 30),
  ]);
  assert.equal(checkCausal(failed).ok, true);
  const info = history([
    [0, "write", "x", 1, undefined, 0, Infinity, "info"],
    W(2, "y", 5, 1),
    R(1, "x", 1, 20),
    R(1, "y", null, 30),
    R(1, "x", 1, 40),
  ]);
  assert.equal(checkCausal(info).ok, true);
  const big = checkCausal(crossKey(null), { maxOperations: 3 });
  assert.deepEqual([big.ok, big.checked, big.operations], [true, false, 4]);
});

Deno.test("classifyHistory: causal sits between sequential and PRAM", () => {
  // Cross-key violation: each key alone is sequential (so PRAM holds per key), but the
  // history is not causal. Sequential is checked per key, so it stays the strongest.
  const c = classifyHistory(crossKey(null));
  const status = (m: string) => c.checks.find((x) => x.model === m)!.status;
  assert.equal(status("causal"), "fail");
  assert.equal(status("sequential"), "pass");
  assert.equal(status("PRAM"), "pass");
  assert.deepEqual(c.strongest, ["sequential"]);
  assert.deepEqual(c.checks.map((x) => x.model).slice(0, 4), [
    "linearizable",
    "sequential",
    "causal",
    "PRAM",
  ]);
  // Causal implies PRAM: a session that reads its own older write is not causal.
  const own = classifyHistory(history([W(0, "x", 1, 0), W(0, "x", 2, 10), R(0, "x", 1, 20)]));
  assert.equal(own.checks.find((x) => x.model === "causal")!.status, "fail");
  assert.equal(own.causal.ok, false);
});
