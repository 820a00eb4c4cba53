import assert from "node:assert/strict";
import {
  checkConvergence,
  checkMonotonicReads,
  checkMonotonicWrites,
  checkReadYourWrites,
  checkSessionGuarantees,
  checkWritesFollowReads,
  classifyHistory,
} from "../../checker/consistency.ts";
import { history } from "./history_builder.ts";

const W = (p: number, v: unknown, call: number, ret: number, status?: "ok" | "info" | "fail") =>
  [p, "write", "x", v, v, call, ret, status] as const;
const R = (p: number, v: unknown, call: number, ret: number) =>
  [p, "read", "x", undefined, v, call, ret] as const;

Deno.test("read-your-writes fails when a session reads the initial value after its write", () => {
  const r = checkReadYourWrites(history([W(0, 1, 0, 10), R(0, null, 20, 30)]));
  assert.equal(r.ok, false);
  assert.equal(r.violations[0].key, "x");
  assert.deepEqual(r.violations[0].operations.map((op) => op.f), ["write", "read"]);
  assert.match(r.violations[0].explanation, /p0 wrote 1 \(#0\) and later read null \(#1\)/);
});

Deno.test("read-your-writes holds when another session reads stale data", () => {
  assert.equal(checkReadYourWrites(history([W(0, 1, 0, 10), R(1, null, 20, 30)])).ok, true);
  assert.equal(checkReadYourWrites(history([W(0, 1, 0, 10), R(0, 1, 20, 30)])).ok, true);
});

Deno.test("read-your-writes fails when two sessions each miss their own write for the other's", () => {
  const r = checkReadYourWrites(
    history([W(0, 1, 0, 10), W(1, 2, 0, 10), R(0, 2, 20, 30), R(1, 1, 20, 30)]),
  );
  assert.equal(r.ok, false);
  assert.match(r.violations[0].explanation, /a cycle/);
});

Deno.test("monotonic reads fails when a session goes back to an older version", () => {
  // Back to the initial value.
  assert.equal(
    checkMonotonicReads(history([W(0, 1, 0, 10), R(1, 1, 20, 30), R(1, null, 40, 50)])).ok,
    false,
  );
  // Two sessions see 1 and 2 in opposite orders: no single version order fits both.
  const r = checkMonotonicReads(
    history([
      W(0, 1, 0, 10),
      W(0, 2, 20, 30),
      R(1, 1, 40, 50),
      R(1, 2, 60, 70),
      R(2, 2, 40, 50),
      R(2, 1, 60, 70),
    ]),
  );
  assert.equal(r.ok, false);
  assert.equal(r.violations[0].operations.length, 4);
  // Moving forward is fine.
  assert.equal(
    checkMonotonicReads(
      history([W(0, 1, 0, 10), W(0, 2, 20, 30), R(1, 1, 40, 50), R(1, 2, 60, 70)]),
    )
      .ok,
    true,
  );
});

Deno.test("writing 1, 2 then reading 1 breaks PRAM but neither RYW nor MW alone", () => {
  const h = history([W(0, 1, 0, 10), W(0, 2, 20, 30), R(0, 1, 40, 50)]);
  const results = new Map(checkSessionGuarantees(h).map((r) => [r.guarantee, r]));
  assert.equal(results.get("read-your-writes")!.ok, true);
  assert.equal(results.get("monotonic-writes")!.ok, true);
  assert.equal(results.get("monotonic-reads")!.ok, true);
  assert.equal(results.get("PRAM")!.ok, false);
  assert.equal(checkMonotonicWrites(h).ok, true);
  assert.match(results.get("PRAM")!.violations[0].explanation, /p0 wrote 1 \(#0\) before 2 \(#1\)/);
});

Deno.test("writes-follow-reads fails when each session's write follows a read of the other's", () => {
  // p0 reads p1's 2 then writes 1; p1 reads p0's 1 then writes 2.
  const r = checkWritesFollowReads(
    history([R(0, 2, 0, 10), W(0, 1, 20, 30), R(1, 1, 0, 10), W(1, 2, 20, 30)]),
  );
  assert.equal(r.ok, false);
  assert.match(r.violations[0].explanation, /read 2 \(#0\) and then wrote 1/);
  assert.equal(
    checkWritesFollowReads(history([W(1, 2, 0, 5), R(0, 2, 10, 20), W(0, 1, 30, 40)])).ok,
    true,
  );
});

Deno.test("cas reads its expected value and writes its new one", () => {
  const cas = (p: number, a: unknown, b: unknown, call: number, ret: number) =>
    [p, "cas", "x", [a, b], [a, b], call, ret] as const;
  // p0 cas 1→2 succeeded, then reads 1 again: a read older than its own write.
  const r = checkSessionGuarantees(history([W(1, 1, 0, 5), cas(0, 1, 2, 10, 20), R(0, 1, 30, 40)]));
  const byName = new Map(r.map((x) => [x.guarantee, x]));
  assert.equal(byName.get("read-your-writes")!.ok, false);
  assert.match(
    byName.get("read-your-writes")!.violations[0].explanation,
    /cas #1 replaced 1 with 2/,
  );
  // Without the trailing read, nothing is wrong.
  assert.ok(
    checkSessionGuarantees(history([W(1, 1, 0, 5), cas(0, 1, 2, 10, 20), R(0, 2, 30, 40)]))
      .every((x) => x.ok),
  );
});

Deno.test("reads that name no unique write are skipped and counted", () => {
  const r = checkReadYourWrites(
    history([W(0, 1, 0, 10), W(1, 1, 0, 10), R(0, 1, 20, 30), R(0, 9, 40, 50)]),
  );
  assert.equal(r.ok, true);
  assert.equal(r.skipped, 2);
});

Deno.test("an info write counts once a read has seen it", () => {
  // p0's info write of 1 was seen, so its later read of null goes backwards.
  const r = checkReadYourWrites(
    history([W(0, 1, 0, 10, "info"), R(1, 1, 20, 30), R(0, null, 40, 50)]),
  );
  assert.equal(r.ok, false);
  assert.equal(
    checkReadYourWrites(history([W(0, 1, 0, 10, "info"), R(0, null, 40, 50)])).ok,
    true,
  );
});

Deno.test("checkConvergence reports keys on which replicas disagree; absent counts as null", () => {
  assert.deepEqual(checkConvergence({ n1: { x: 1 }, n2: { x: 1 } }), {
    converged: true,
    divergent: [],
    divergentKeys: [],
  });
  assert.deepEqual(checkConvergence({ n2: { x: 1, y: [1] }, n1: { x: 2, y: [1] } }), {
    converged: false,
    divergent: [{ key: "x", values: { n1: 2, n2: 1 } }],
    divergentKeys: ["x"],
  });
  assert.deepEqual(checkConvergence({ n1: { x: null }, n2: {} }).converged, true);
  assert.deepEqual(checkConvergence({ n1: { x: 3 }, n2: {} }).divergent, [
    { key: "x", values: { n1: 3, n2: null } },
  ]);
  assert.equal(checkConvergence({}).converged, true);
});

Deno.test("classifyHistory calls a linearizable history linearizable", () => {
  const c = classifyHistory(history([W(0, 1, 0, 10), R(1, 1, 20, 30)]), {
    finalReads: { n1: { x: 1 }, n2: { x: 1 } },
  });
  assert.deepEqual(c.strongest, ["linearizable"]);
  const status = Object.fromEntries(c.checks.map((x) => [x.model, x.status]));
  assert.deepEqual(status, {
    linearizable: "pass",
    sequential: "pass",
    causal: "pass",
    PRAM: "pass",
    "read-your-writes": "pass",
    "monotonic-reads": "pass",
    "monotonic-writes": "pass",
    "writes-follow-reads": "pass",
    eventual: "pass",
  });
  assert.equal(c.checks.find((x) => x.model === "sequential")!.detail, "implied by linearizable");
  assert.equal(c.sequential, undefined);
});

Deno.test("classifyHistory calls a stale read by another session sequential", () => {
  const c = classifyHistory(history([W(0, 1, 0, 10), R(1, null, 20, 30)]));
  assert.deepEqual(c.strongest, ["sequential"]);
  assert.equal(c.checks[0].status, "fail");
  assert.equal(c.checks.find((x) => x.model === "eventual")!.status, "not-checked");
});

Deno.test("classifyHistory falls back to the session guarantees that hold", () => {
  const c = classifyHistory(history([W(0, 1, 0, 10), W(0, 2, 20, 30), R(0, 1, 40, 50)]));
  assert.deepEqual(c.strongest, [
    "read-your-writes",
    "monotonic-reads",
    "monotonic-writes",
    "writes-follow-reads",
  ]);
  assert.equal(c.checks.find((x) => x.model === "PRAM")!.status, "fail");
  assert.equal(c.checks.find((x) => x.model === "sequential")!.status, "fail");
});

Deno.test("classifyHistory falls back to eventual when only convergence holds", () => {
  // p0 reads its own write, then the initial value: RYW and MR fail; the two sessions'
  // write-after-read cycle breaks WFR; MW alone cannot fail, so it is not enough either.
  const c = classifyHistory(
    history([
      W(0, 1, 0, 10),
      R(0, null, 20, 30),
      R(1, 1, 40, 50),
      R(1, null, 60, 70),
      R(2, 4, 0, 10),
      [2, "write", "x", 3, 3, 20, 30],
      R(3, 3, 0, 10),
      [3, "write", "x", 4, 4, 20, 30],
    ]),
    { finalReads: { n1: { x: 4 }, n2: { x: 4 } } },
  );
  const failing = c.checks.filter((x) => x.status === "fail").map((x) => x.model);
  assert.deepEqual(failing, [
    "linearizable",
    "sequential",
    "causal",
    "PRAM",
    "read-your-writes",
    "monotonic-reads",
    "writes-follow-reads",
  ]);
  assert.deepEqual(c.strongest, ["monotonic-writes"]);
  const none = classifyHistory(
    history([W(0, 1, 0, 10), R(0, null, 20, 30), R(1, 1, 40, 50), R(1, null, 60, 70)]),
    {
      finalReads: { n1: { x: 1 }, n2: { x: 1 } },
    },
  );
  assert.deepEqual(none.strongest, ["monotonic-writes", "writes-follow-reads"]);
});

Deno.test("classifyHistory reports a sequential search over budget as not checked", () => {
  const specs = [];
  for (let p = 0; p < 8; p++) {
    specs.push(W(p, p, 0, 10));
    specs.push(R(p, -1, 20, 30));
  }
  const c = classifyHistory(history(specs), { sequentialBudget: { maxSteps: 50 } });
  const seq = c.checks.find((x) => x.model === "sequential")!;
  assert.equal(seq.status, "not-checked");
  assert.match(seq.detail, /gave up/);
});

Deno.test("classifyHistory reports divergent replicas", () => {
  const c = classifyHistory(history([W(0, 1, 0, 10)]), {
    model: "cas-register",
    finalReads: { n1: { x: 1 }, n2: { x: 2 } },
  });
  const eventual = c.checks.find((x) => x.model === "eventual")!;
  assert.equal(eventual.status, "fail");
  assert.match(eventual.detail, /disagree on 1 key/);
  assert.equal(c.convergence?.converged, false);
});

Deno.test("classifyHistory reuses a linearizability result it is given", () => {
  const h = history([W(0, 1, 0, 10), R(1, 1, 20, 30)]);
  const given = { verdict: "unknown", reason: "budget spent elsewhere", steps: 7 } as const;
  const c = classifyHistory(h, { linearizability: given });
  assert.equal(c.linearizability, given);
  assert.equal(c.checks[0].status, "unknown");
  assert.equal(c.checks[0].detail, "budget spent elsewhere");
  assert.deepEqual(c.strongest, ["sequential"]);
});
