import assert from "node:assert/strict";
import { checkLinearizability } from "../../checker/linearizability.ts";
import { casRegisterModel, kvModel, modelByName, registerModel } from "../../checker/models.ts";
import type { Model } from "../../checker/model.ts";
import { history, operations } from "./history_builder.ts";

const W = (p: number, v: unknown, call: number, ret: number, status?: "ok" | "fail" | "info") =>
  [p, "write", "x", v, v, call, ret, status] as const;
const R = (p: number, v: unknown, call: number, ret: number, status?: "ok" | "fail" | "info") =>
  [p, "read", "x", undefined, v, call, ret, status] as const;
const CAS = (
  p: number,
  from: unknown,
  to: unknown,
  call: number,
  ret: number,
  status?: "ok" | "fail" | "info",
) => [p, "cas", "x", [from, to], [from, to], call, ret, status] as const;

function verdict(specs: Parameters<typeof history>[0], model = kvModel) {
  return checkLinearizability(history(specs), model).verdict;
}

Deno.test("an empty history is linearizable", () => {
  assert.equal(checkLinearizability([], kvModel).verdict, "linearizable");
});

Deno.test("a stale read after a completed write is not linearizable", () => {
  const r = checkLinearizability(
    history([W(0, 1, 0, 10), W(0, 2, 20, 30), R(1, 1, 40, 50)]),
    kvModel,
  );
  assert.equal(r.verdict, "not-linearizable");
  if (r.verdict !== "not-linearizable") return;
  assert.equal(r.key, "x");
  const c = r.counterexample;
  assert.equal(c.operation.f, "read");
  assert.equal(c.operation.output, 1);
  assert.ok(c.operations.includes(c.operation));
  assert.ok(c.operations.some((op) => op.f === "write" && op.input === 2));
  assert.equal(c.state, 2);
  assert.deepEqual(c.states, [2]);
  assert.match(c.explanation, /read x → 1 cannot be linearized/);
  assert.match(c.explanation, /state was 2/);
  assert.match(c.explanation, /write x 2/);
});

Deno.test("a read of the initial value after a completed write is not linearizable", () => {
  assert.equal(verdict([W(0, 1, 0, 10), R(1, null, 20, 30)]), "not-linearizable");
});

Deno.test("a read of a missing key returns null", () => {
  assert.equal(verdict([R(0, null, 0, 10)]), "linearizable");
  assert.equal(verdict([R(0, 0, 0, 10)]), "not-linearizable");
});

Deno.test("a read concurrent with a write may see the old or the new value", () => {
  assert.equal(verdict([W(0, 1, 0, 100), R(1, null, 10, 20)]), "linearizable");
  assert.equal(verdict([W(0, 1, 0, 100), R(1, 1, 10, 20)]), "linearizable");
  // …but not both in the wrong order: new value, then old value, in real-time order.
  assert.equal(
    verdict([W(0, 1, 0, 100), R(1, 1, 10, 20), R(2, null, 30, 40)]),
    "not-linearizable",
  );
});

Deno.test("operations stamped at the same instant count as concurrent", () => {
  // The read is invoked exactly when the write returns: it may precede the write.
  assert.equal(verdict([W(0, 1, 0, 10), R(1, null, 10, 20)]), "linearizable");
});

Deno.test("an info write that later appears is linearizable", () => {
  assert.equal(
    verdict([W(0, 1, 0, 10, "info"), R(1, null, 20, 30), R(1, 1, 40, 50)]),
    "linearizable",
  );
});

Deno.test("an info write that never appears is linearizable", () => {
  assert.equal(
    verdict([W(0, 1, 0, 10), W(1, 2, 20, 30, "info"), R(2, 1, 40, 50), R(2, 1, 60, 70)]),
    "linearizable",
  );
});

Deno.test("a write that never completed may take effect long after", () => {
  assert.equal(
    verdict([W(0, 1, 0, Infinity), R(1, null, 100, 110), R(1, 1, 500, 510)]),
    "linearizable",
  );
});

Deno.test("an info write cannot appear before it was invoked", () => {
  assert.equal(verdict([R(1, 1, 0, 10), W(0, 1, 20, 30, "info")]), "not-linearizable");
});

Deno.test("a failed write did not happen: reading its value is not linearizable", () => {
  assert.equal(verdict([W(0, 1, 0, 10, "fail"), R(1, 1, 20, 30)]), "not-linearizable");
  assert.equal(verdict([W(0, 1, 0, 10, "fail"), R(1, null, 20, 30)]), "linearizable");
});

Deno.test("a cas that returned ok must have matched", () => {
  assert.equal(verdict([W(0, 1, 0, 10), CAS(1, 1, 2, 20, 30), R(2, 2, 40, 50)]), "linearizable");
  assert.equal(verdict([W(0, 1, 0, 10), CAS(1, 5, 2, 20, 30)]), "not-linearizable");
  assert.equal(verdict([CAS(1, null, 2, 0, 10), R(2, 2, 20, 30)]), "linearizable");
});

Deno.test("a cas that failed did not happen", () => {
  assert.equal(
    verdict([W(0, 1, 0, 10), CAS(1, 1, 2, 20, 30, "fail"), R(2, 1, 40, 50)]),
    "linearizable",
  );
  assert.equal(
    verdict([W(0, 1, 0, 10), CAS(1, 1, 2, 20, 30, "fail"), R(2, 2, 40, 50)]),
    "not-linearizable",
  );
});

Deno.test("an info cas either matched and took effect, or is left out", () => {
  assert.equal(
    verdict([W(0, 1, 0, 10), CAS(1, 1, 2, 20, 30, "info"), R(2, 2, 40, 50)]),
    "linearizable",
  );
  assert.equal(
    verdict([W(0, 1, 0, 10), CAS(1, 1, 2, 20, 30, "info"), R(2, 1, 40, 50)]),
    "linearizable",
  );
  // A cas expecting 7 can never have applied, so 2 cannot appear.
  assert.equal(
    verdict([W(0, 1, 0, 10), CAS(1, 7, 2, 20, 30, "info"), R(2, 2, 40, 50)]),
    "not-linearizable",
  );
});

Deno.test("a delete makes the key read null", () => {
  const D = (p: number, call: number, ret: number) =>
    [p, "delete", "x", undefined, undefined, call, ret] as const;
  assert.equal(verdict([W(0, 1, 0, 10), D(0, 20, 30), R(1, null, 40, 50)]), "linearizable");
  assert.equal(verdict([W(0, 1, 0, 10), D(0, 20, 30), R(1, 1, 40, 50)]), "not-linearizable");
});

Deno.test("values compare as JSON, not by identity", () => {
  assert.equal(
    verdict([W(0, { a: [1, 2], b: "x" }, 0, 10), R(1, { b: "x", a: [1, 2] }, 20, 30)]),
    "linearizable",
  );
  assert.equal(verdict([W(0, { a: 1 }, 0, 10), R(1, { a: 2 }, 20, 30)]), "not-linearizable");
});

Deno.test("with several keys, the counterexample names the bad key and holds the bad read", () => {
  const specs = [];
  for (let k = 0; k < 5; k++) {
    const key = `k${k}`;
    specs.push([0, "write", key, k, k, k * 100, k * 100 + 10] as const);
    specs.push([1, "read", key, undefined, k, k * 100 + 20, k * 100 + 30] as const);
  }
  specs.push([2, "write", "k3", 33, 33, 1000, 1010] as const);
  specs.push([3, "read", "k3", undefined, 3, 1020, 1030] as const); // stale
  const r = checkLinearizability(history(specs), kvModel);
  assert.equal(r.verdict, "not-linearizable");
  if (r.verdict !== "not-linearizable") return;
  assert.equal(r.key, "k3");
  const bad = r.counterexample.operations.find((op) =>
    op.f === "read" && op.key === "k3" && op.output === 3 && op.call === 1020
  );
  assert.ok(bad, "the stale read is in the counterexample");
  assert.ok(r.counterexample.operations.every((op) => op.key === "k3"));
  assert.match(r.counterexample.explanation, /^Key "k3": /);
});

Deno.test("the counterexample lists operations concurrent with the one that cannot be placed", () => {
  const r = checkLinearizability(
    history([W(0, 1, 0, 10), W(1, 2, 20, 30), W(2, 3, 35, 100), R(3, 1, 40, 50)]),
    kvModel,
  );
  assert.equal(r.verdict, "not-linearizable");
  if (r.verdict !== "not-linearizable") return;
  const c = r.counterexample;
  assert.deepEqual(c.operations.map((op) => op.input ?? op.output), [2, 3, 1]);
  assert.deepEqual(new Set(c.states), new Set([2, 3]));
  assert.match(c.explanation, /Concurrent with it: #2 p2 write x 3/);
});

Deno.test("a step budget that runs out gives unknown, never a guess", () => {
  const specs = [W(0, 1, 0, 10), W(0, 2, 20, 30), R(1, 2, 40, 50)];
  const r = checkLinearizability(history(specs), kvModel, { maxSteps: 2 });
  assert.equal(r.verdict, "unknown");
  if (r.verdict === "unknown") assert.match(r.reason, /step budget of 2/);
  assert.equal(
    checkLinearizability(history(specs), kvModel, { maxSteps: 100 }).verdict,
    "linearizable",
  );
});

Deno.test("a time budget uses the injected clock and gives unknown when it runs out", () => {
  // 40 concurrent writes of distinct values and 40 reads of a value nobody wrote: the
  // search must explore many orders before it can conclude, so the clock gets read.
  const specs = [];
  for (let i = 0; i < 40; i++) specs.push([i, "write", "x", i, i, 0, 1000] as const);
  specs.push([99, "read", "x", undefined, -1, 0, 1000] as const);
  let fake = 0;
  const r = checkLinearizability(history(specs), kvModel, {
    now: () => (fake += 1),
    timeoutMs: 3,
  });
  assert.equal(r.verdict, "unknown");
  if (r.verdict === "unknown") assert.match(r.reason, /time budget of 3 ms/);
});

Deno.test("an operation the model does not support gives unknown with the model's reason", () => {
  const r = checkLinearizability(
    history([[0, "append", "x", 1, 1, 0, 10]]),
    kvModel,
  );
  assert.equal(r.verdict, "unknown");
  if (r.verdict === "unknown") assert.match(r.reason, /f "append"/);
  const cas = checkLinearizability(history([CAS(0, 1, 2, 0, 10)]), registerModel);
  assert.equal(cas.verdict, "unknown");
  const bad = checkLinearizability(history([[0, "cas", "x", 5, 5, 0, 10]]), casRegisterModel);
  assert.equal(bad.verdict, "unknown");
  if (bad.verdict === "unknown") assert.match(bad.reason, /\[expected, new\]/);
});

Deno.test("the register model ignores keys; the kv model checks keys separately", () => {
  const specs = [
    [0, "write", "a", 1, 1, 0, 10] as const,
    [1, "read", "b", undefined, null, 20, 30] as const,
  ];
  assert.equal(verdict(specs, registerModel), "not-linearizable");
  assert.equal(verdict(specs, kvModel), "linearizable");
});

Deno.test("checkLinearizability accepts paired operations as well as events", () => {
  const ops = operations([W(0, 1, 0, 10), R(1, 2, 20, 30)]);
  assert.equal(checkLinearizability(ops, kvModel).verdict, "not-linearizable");
});

Deno.test("modelByName knows register, cas-register and kv, and lists them otherwise", () => {
  assert.equal(modelByName("register"), registerModel);
  assert.equal(modelByName("cas-register"), casRegisterModel);
  assert.equal(modelByName("kv"), kvModel);
  assert.throws(() => modelByName("queue"), /known: register, cas-register, kv/);
});

Deno.test("a protocol can supply its own model", () => {
  // A counter: "add" adds its value, "read" returns the total.
  const counter: Model<number> = {
    name: "counter",
    init: () => 0,
    step: (s, input, output, indefinite) =>
      input.f === "add"
        ? { ok: true, state: s + (input.value as number) }
        : indefinite || output === s
        ? { ok: true, state: s }
        : { ok: false },
    hash: (s) => s,
    readOnly: (input) => input.f === "read",
  };
  const add = (p: number, v: number, c: number, r: number, status?: "ok" | "info") =>
    [p, "add", "c", v, undefined, c, r, status] as const;
  const read = (p: number, v: number, c: number, r: number) =>
    [p, "read", "c", undefined, v, c, r] as const;
  assert.equal(
    verdict([add(0, 2, 0, 100), add(1, 3, 0, 100), read(2, 3, 10, 20)], counter),
    "linearizable",
  );
  assert.equal(
    verdict([add(0, 2, 0, 10), add(1, 3, 20, 30), read(2, 2, 40, 50)], counter),
    "not-linearizable",
  );
  assert.equal(verdict([add(0, 2, 0, 10, "info"), read(2, 2, 40, 50)], counter), "linearizable");
  const r = checkLinearizability(history([add(0, 2, 0, 10), read(1, 5, 20, 30)]), counter);
  assert.equal(r.verdict, "not-linearizable");
  if (r.verdict === "not-linearizable") {
    assert.equal(r.key, undefined);
    assert.match(r.counterexample.explanation, /#1 p1 read c → 5/);
  }
});
