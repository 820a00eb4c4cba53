import assert from "node:assert/strict";
import { checkSequential } from "../../checker/sequential.ts";
import { casRegisterModel, kvModel } from "../../checker/models.ts";
import { history } from "./history_builder.ts";

const W = (p: number, v: unknown, call: number, ret: number, status?: "ok" | "info" | "fail") =>
  [p, "write", "x", v, v, call, ret, status] as const;
const R = (p: number, v: unknown, call: number, ret: number) =>
  [p, "read", "x", undefined, v, call, ret] as const;

Deno.test("a stale read by another process is sequential though not linearizable", () => {
  const r = checkSequential(
    history([W(0, 1, 0, 10), R(1, null, 20, 30), R(1, 1, 40, 50)]),
    kvModel,
  );
  assert.equal(r.verdict, "sequential");
});

Deno.test("a process that does not see its own earlier write is not sequential", () => {
  const r = checkSequential(history([W(0, 1, 0, 10), R(0, null, 20, 30)]), kvModel);
  assert.equal(r.verdict, "not-sequential");
  if (r.verdict !== "not-sequential") return;
  assert.equal(r.key, "x");
  assert.deepEqual(r.operations.map((op) => op.f), ["read"]);
  assert.match(r.explanation, /keeps each process's own order/);
});

Deno.test("two processes that see two writes in opposite orders are not sequential", () => {
  const r = checkSequential(
    history([
      W(0, 1, 0, 10),
      W(1, 2, 0, 10),
      R(2, 1, 20, 30),
      R(2, 2, 40, 50),
      R(3, 2, 20, 30),
      R(3, 1, 40, 50),
    ]),
    kvModel,
  );
  assert.equal(r.verdict, "not-sequential");
});

Deno.test("an info write may be placed or left out; a failed one is left out", () => {
  assert.equal(
    checkSequential(history([W(0, 1, 0, 10, "info"), R(1, 1, 20, 30)]), kvModel).verdict,
    "sequential",
  );
  assert.equal(
    checkSequential(history([W(0, 1, 0, 10, "info"), R(1, null, 20, 30)]), kvModel).verdict,
    "sequential",
  );
  assert.equal(
    checkSequential(history([W(0, 1, 0, 10, "fail"), R(1, 1, 20, 30)]), kvModel).verdict,
    "not-sequential",
  );
});

Deno.test("the sequential search gives unknown when its budget runs out", () => {
  const specs = [];
  for (let p = 0; p < 8; p++) {
    specs.push(W(p, p, 0, 10));
    specs.push(R(p, -1, 20, 30)); // nobody wrote -1: every interleaving must be tried
  }
  const r = checkSequential(history(specs), casRegisterModel, { maxSteps: 50 });
  assert.equal(r.verdict, "unknown");
});
