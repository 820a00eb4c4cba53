import assert from "node:assert/strict";
import { failedTests, realTimeTestFiles } from "../../tools/test_stress.ts";

const OUTPUT = `./tests/b_test.ts => one fails ... FAILED (1ms)
./tests/b_test.ts => two ok ... ok (90µs)
./tests/a_test.ts => one fails ... FAILED (1ms)

 ERRORS 

one fails => ./tests/a_test.ts:2:6
error: AssertionError: nope

1 !== 2

Deno.test("one fails", () => { assert.equal(1, 2, "nope"); });
    at file:///tmp/tests/a_test.ts:2:39

one fails => ./tests/b_test.ts:2:6
error: Error: timed out after 30000 ms waiting until a leader; last seen: null
    at file:///tmp/tests/b_test.ts:2:39

 FAILURES 

one fails => ./tests/a_test.ts:2:6
one fails => ./tests/b_test.ts:2:6

FAILED | 1 passed | 2 failed (18ms)
`;

Deno.test("test-stress names every failed test of a parallel run with its error", () => {
  assert.deepEqual(failedTests(OUTPUT), [
    {
      test: "./tests/b_test.ts => one fails",
      detail: "error: Error: timed out after 30000 ms waiting until a leader; last seen: null",
    },
    {
      test: "./tests/a_test.ts => one fails",
      detail:
        'error: AssertionError: nope | 1 !== 2 | Deno.test("one fails", () => { assert.equal(1, 2, "nope"); });',
    },
  ]);
});

Deno.test("test-stress reports a run that failed without a failed test", () => {
  assert.deepEqual(failedTests("ok | 3 passed | 0 failed (1s)\n"), []);
  const broken = failedTests('error: Module not found "file:///x.ts".\n');
  assert.equal(broken.length, 1);
  assert.equal(broken[0]!.test, "(the run itself)");
});

Deno.test("test-stress finds the real-time test files by what they start", async () => {
  const dir = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
  const files = (await realTimeTestFiles(dir)).map((f) => f.slice(dir.length + 1));
  for (
    const f of ["http/real_cluster_test.ts", "e2e/cluster_e2e_test.ts", "dashboard/browser_test.ts"]
  ) {
    assert.ok(files.includes(f), `${f} runs in real time`);
  }
  for (const f of ["checker/linearizability_test.ts", "raft/election_test.ts"]) {
    assert.ok(!files.includes(f), `${f} runs in virtual time`);
  }
});
