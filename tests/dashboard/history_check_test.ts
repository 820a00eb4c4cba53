import assert from "node:assert/strict";
import { checkHistoryText } from "../../http/dashboard/history_check.ts";
import { CheckerBusyError, createWorkerChecker } from "../../http/dashboard/worker_checker.ts";

const line = (o: Record<string, unknown>) => JSON.stringify(o);
const STALE_READ = [
  line({ process: 0, type: "invoke", f: "write", key: "y", value: 1, time: 0 }),
  line({ process: 0, type: "ok", f: "write", key: "y", value: 1, time: 5 }),
  line({ process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 10 }),
  line({ process: 0, type: "ok", f: "write", key: "x", value: 1, time: 20 }),
  line({ process: 1, type: "invoke", f: "read", key: "x", time: 30 }),
  line({ process: 1, type: "ok", f: "read", key: "x", value: null, time: 40 }),
].join("\n");

Deno.test("history check: a linearizable history, and the empty one", () => {
  const ok = checkHistoryText(STALE_READ.split("\n").slice(0, 4).join("\n"));
  assert.equal(ok.verdict, "linearizable");
  assert.equal(ok.operations, 2);
  assert.equal(checkHistoryText("").verdict, "linearizable");
});

Deno.test("history check: a stale read is not linearizable; the counterexample names operation ids", () => {
  const r = checkHistoryText(STALE_READ);
  assert.equal(r.verdict, "not-linearizable");
  assert.equal(r.key, "x");
  // Ids are in invocation order: write y = 0, write x = 1, read x = 2.
  assert.equal(r.counterexample?.operation, 2);
  assert.deepEqual([...r.counterexample!.operations].sort(), [1, 2]);
  assert.match(r.counterexample!.explanation, /read/);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(r)));
});

Deno.test("history check: malformed text is invalid, with the line; an exhausted budget is unknown", () => {
  const bad = checkHistoryText(
    '{"process":0,"type":"invoke","f":"read","key":"x","time":1}\n{oops',
  );
  assert.equal(bad.verdict, "invalid");
  assert.match(bad.reason!, /line 2/);
  const concurrent = Array.from({ length: 12 }, (_, p) => [
    line({ process: p, type: "invoke", f: "write", key: "x", value: p, time: 0 }),
    line({ process: p, type: "ok", f: "write", key: "x", value: p, time: 100 }),
  ]).flat();
  concurrent.push(line({ process: 99, type: "invoke", f: "read", key: "x", time: 200 }));
  concurrent.push(line({ process: 99, type: "ok", f: "read", key: "x", value: 42, time: 300 }));
  const r = checkHistoryText(concurrent.join("\n"), { maxSteps: 10 });
  assert.equal(r.verdict, "unknown");
  assert.ok(r.reason !== undefined);
});

Deno.test("worker checker: checks in a Worker, one at a time, within its time budget", async () => {
  // A generous budget for the easy checks: on a loaded 2-core machine a cold Worker can
  // take tens of milliseconds before its first check even starts.
  const easy = createWorkerChecker({ timeoutMs: 30_000, idleMs: 60_000 });
  try {
    const [a, b] = await Promise.all([easy.check(STALE_READ), easy.check("")]);
    assert.equal(a.verdict, "not-linearizable");
    assert.equal(b.verdict, "linearizable");
  } finally {
    easy.close();
  }
  const checker = createWorkerChecker({ timeoutMs: 50, idleMs: 60_000 });
  try {
    // 40 concurrent writes and a read among them: more orders than 50 ms can try.
    const hard = Array.from({ length: 40 }, (_, p) => [
      line({ process: p, type: "invoke", f: "write", key: "x", value: p, time: 0 }),
      line({ process: p, type: "ok", f: "write", key: "x", value: p, time: 100 }),
    ]).flat();
    hard.push(line({ process: 99, type: "invoke", f: "read", key: "x", time: 50 }));
    hard.push(line({ process: 99, type: "ok", f: "read", key: "x", value: 1, time: 60 }));
    const r = await checker.check(hard.join("\n"));
    assert.equal(r.verdict, "unknown");
    assert.match(r.reason!, /time budget of 50 ms/);
  } finally {
    checker.close();
  }
  const again = await checker.check("");
  assert.equal(again.verdict, "linearizable", "a closed checker starts a new Worker");
  checker.close();
});

Deno.test("worker checker: at most maxPending checks wait; more are refused at once", async () => {
  const checker = createWorkerChecker({ timeoutMs: 30_000, idleMs: 60_000, maxPending: 2 });
  try {
    const a = checker.check(STALE_READ);
    const b = checker.check("");
    await assert.rejects(
      checker.check(""),
      (e: unknown) => e instanceof CheckerBusyError && e.pending === 2,
    );
    assert.deepEqual([(await a).verdict, (await b).verdict], ["not-linearizable", "linearizable"]);
    assert.equal((await checker.check("")).verdict, "linearizable", "room again once they finish");
  } finally {
    checker.close();
  }
});
