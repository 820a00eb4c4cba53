import assert from "node:assert/strict";
import { toOperations } from "../../history/operations.ts";

Deno.test("toOperations pairs each invoke with its process's completion", () => {
  const ops = toOperations([
    { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 10 },
    { process: 1, type: "invoke", f: "read", key: "x", time: 12 },
    { process: 1, type: "ok", f: "read", key: "x", value: 1, time: 30 },
    { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 40 },
  ]);
  assert.deepEqual(ops, [
    {
      id: 0,
      process: 0,
      f: "write",
      key: "x",
      input: 1,
      output: 1,
      call: 10,
      ret: 40,
      status: "ok",
    },
    {
      id: 1,
      process: 1,
      f: "read",
      key: "x",
      input: undefined,
      output: 1,
      call: 12,
      ret: 30,
      status: "ok",
    },
  ]);
});

Deno.test("toOperations gives info and never-completed operations an infinite return", () => {
  const ops = toOperations([
    { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 10 },
    { process: 0, type: "info", f: "write", key: "x", time: 20 },
    { process: 1, type: "invoke", f: "write", key: "x", value: 2, time: 30 },
    { process: 2, type: "invoke", f: "write", key: "x", value: 3, time: 35 },
    { process: 2, type: "fail", f: "write", key: "x", time: 36 },
  ]);
  assert.deepEqual(ops.map((o) => [o.status, o.ret]), [["info", Infinity], ["info", Infinity], [
    "fail",
    36,
  ]]);
});

Deno.test("toOperations moves a completion stamped before its invoke to the invoke time", () => {
  const [op] = toOperations([
    { process: 0, type: "invoke", f: "read", time: 100 },
    { process: 0, type: "ok", f: "read", value: null, time: 90 },
  ]);
  assert.equal(op.call, 100);
  assert.equal(op.ret, 100);
  assert.equal("key" in op, false);
});

Deno.test("toOperations rejects unpaired completions and double invokes", () => {
  assert.throws(
    () => toOperations([{ process: 0, type: "ok", f: "read", time: 1 }]),
    /no pending invoke/,
  );
  assert.throws(
    () =>
      toOperations([
        { process: 0, type: "invoke", f: "read", time: 1 },
        { process: 0, type: "invoke", f: "read", time: 2 },
      ]),
    /pending/,
  );
});
