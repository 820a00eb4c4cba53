import assert from "node:assert/strict";
import { deadlineMs, notYet, TIME_SCALE, waitFor, within } from "./deadline.ts";

Deno.test("waitFor returns the probe's first result", async () => {
  let n = 0;
  assert.equal(await waitFor("n reaches 3", () => (++n >= 3 ? n : notYet(n))), 3);
});

Deno.test("a wait that runs out names what it waited for and the last state it saw", async () => {
  let n = 0;
  await assert.rejects(
    waitFor("the moon is square", () => notYet({ polls: ++n }), { timeout: 40, intervalMs: 5 }),
    (e: Error) =>
      /^timed out after \d+ ms waiting until the moon is square; last seen: \{"polls":\d+\}$/
        .test(e.message) && n >= 2,
  );
});

Deno.test("a probe that throws is not yet done, and its error is what was seen", async () => {
  await assert.rejects(
    waitFor("a server answers", () => {
      throw new TypeError("connection refused");
    }, { timeout: 20, intervalMs: 5 }),
    /last seen: TypeError: connection refused$/,
  );
  let calls = 0;
  const v = await waitFor("the second call", () => {
    if (++calls < 2) throw new Error("not yet");
    return "up";
  });
  assert.deepEqual([v, calls], ["up", 2]);
});

Deno.test("deadlines are base figures times DISTLAB_TEST_TIME_SCALE", () => {
  assert.ok(TIME_SCALE > 0);
  assert.equal(deadlineMs(1000), Math.round(1000 * TIME_SCALE));
  assert.ok(
    deadlineMs("short") < deadlineMs("cluster") && deadlineMs("cluster") < deadlineMs("long"),
  );
});

Deno.test("within resolves in time and otherwise names what was late", async () => {
  assert.equal(await within("a resolved promise", Promise.resolve(7), "short"), 7);
  await assert.rejects(
    within("a promise that never settles", new Promise(() => {}), 20),
    /^Error: timed out after \d+ ms: a promise that never settles$|timed out after \d+ ms: a promise that never settles/,
  );
});

Deno.test("a bad DISTLAB_TEST_TIME_SCALE is refused with a clear message", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `await import(${JSON.stringify(new URL("./deadline.ts", import.meta.url).href)})`,
    ],
    env: { DISTLAB_TEST_TIME_SCALE: "fast" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.success, false);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /DISTLAB_TEST_TIME_SCALE must be a positive number, got 'fast'/,
  );
});
