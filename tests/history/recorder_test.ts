import assert from "node:assert/strict";
import { createHistoryRecorder } from "../../history/recorder.ts";
import { formatHistory, parseHistory } from "../../history/jsonl.ts";

Deno.test("HistoryRecorder appends invoke and completion events with the host's time", () => {
  const rec = createHistoryRecorder();
  rec.invoke(1, "write", "x", 5, 100);
  rec.invoke(2, "read", "x", undefined, 120);
  rec.complete(2, "ok", 5, 300);
  rec.complete(1, "info", undefined, 400, "timeout");
  assert.deepEqual(rec.events(), [
    { process: 1, type: "invoke", f: "write", key: "x", value: 5, time: 100 },
    { process: 2, type: "invoke", f: "read", key: "x", time: 120 },
    { process: 2, type: "ok", f: "read", key: "x", value: 5, time: 300 },
    { process: 1, type: "info", f: "write", key: "x", time: 400, error: "timeout" },
  ]);
  // What it records is a valid history.
  assert.deepEqual(parseHistory(formatHistory(rec.events())), rec.events());
});

Deno.test("HistoryRecorder refuses a second invoke or a completion with nothing pending", () => {
  const rec = createHistoryRecorder();
  rec.invoke(1, "read", "x", undefined, 0);
  assert.throws(() => rec.invoke(1, "read", "y", undefined, 1), /pending/);
  assert.throws(() => rec.complete(2, "ok", null, 2), /no pending/);
  assert.equal(rec.events().length, 1);
});

Deno.test("HistoryRecorder lists pending processes and returns copies of its events", () => {
  const rec = createHistoryRecorder();
  rec.invoke(3, "read", undefined, undefined, 0);
  rec.invoke(1, "write", "k", 1, 0);
  assert.deepEqual(rec.pending(), [1, 3]);
  rec.complete(3, "fail", undefined, 5);
  assert.deepEqual(rec.pending(), [1]);
  const copy = rec.events();
  copy.pop();
  assert.equal(rec.events().length, 3);
  assert.equal("key" in rec.events()[0], false);
});
