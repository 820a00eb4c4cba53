import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { runFallacies, scenario } from "../../scenarios/fallacies.ts";

const r = runFallacies();
const run = (n: number) => r.runs.find((x) => x.number === n)!;
const mixed = r.runs.find((x) => x.fault.includes("older"))!;

Deno.test("fallacies: one run per fallacy, 1 to 8, beside a fault-free baseline", () => {
  assert.deepEqual(r.runs.map((x) => x.number), [0, 1, 2, 3, 4, 5, 6, 7, 8, 8]);
  assert.equal(new Set(r.runs.map((x) => x.fallacy)).size, 9);
  const base = run(0);
  assert.equal(base.calls.okRate, 1);
  assert.equal(base.dropped, 0);
  assert.equal(base.wrongAnswers + base.lostWrites + base.strayKeys, 0);
  assert.ok(base.calls.p99 < 20);
});

Deno.test("fallacies 1-5: loss, latency, bandwidth, tampering and a cut each change the run", () => {
  const base = run(0);
  assert.ok(run(1).dropped > 0 && run(1).calls.timeout > 0, "1: messages lost, calls unknown");
  assert.equal(run(2).calls.okRate, 1, "2: slower, not failing");
  assert.ok(run(2).calls.p50 > 10 * base.calls.p50, "2: latency");
  assert.ok(run(3).calls.timeout > 0 && run(3).dropped === 0, "3: queued, not lost");
  assert.ok(run(4).wrongAnswers > 0, "4: altered answers reach the client as ok");
  assert.ok(run(4).dropped > 0, "4: answers whose shape broke are refused at the boundary");
  assert.equal(run(5).byRoute.n2!.okRate, 1, "5: n2 still reaches n1");
  assert.equal(run(5).byRoute.n3!.ok, 0, "5: n3 does not");
});

Deno.test("fallacy 6: one operator's heal-all silently ends another's fault", () => {
  const [healAll, byId] = r.admins;
  assert.equal(healAll!.howXEnds, "heal all");
  assert.ok(healAll!.yLossLastedMs <= 510, `${healAll!.yLossLastedMs}`);
  assert.equal(healAll!.yRemoveFoundRule, false);
  assert.equal(byId!.yLossLastedMs, 1500);
  assert.equal(byId!.yRemoveFoundRule, true);
  assert.ok(byId!.lostToY > healAll!.lostToY);
  assert.ok(run(6).dropped > 0);
});

Deno.test("fallacy 7: every call costs messages and bytes; clock metadata grows with the cluster", () => {
  const [three, nine] = r.transport;
  assert.equal(three!.nodes, 3);
  assert.equal(nine!.nodes, 9);
  assert.equal(three!.messagesPerCall, 2, "a forward and its result");
  assert.ok(three!.payloadBytesPerMessage > 0 && three!.metadataBytesPerMessage > 0);
  assert.ok(nine!.metadataBytesPerMessage > three!.metadataBytesPerMessage);
  assert.ok(Math.abs(nine!.payloadBytesPerMessage - three!.payloadBytesPerMessage) < 5);
  assert.deepEqual(Object.keys(three!.byType).sort(), ["forward", "result"]);
});

Deno.test("fallacy 8: the slow node's route is slower and fails more", () => {
  const r8 = run(8);
  assert.ok(r8.byRoute.n3!.p50 > 5 * r8.byRoute.n2!.p50);
  assert.ok(r8.byRoute.n3!.timeout > 0);
  assert.equal(r8.byRoute.n2!.okRate, 1);
});

Deno.test("fallacy 8: a node on an older message format corrupts data while every call says ok", () => {
  assert.equal(mixed.number, 8);
  assert.equal(mixed.calls.okRate, 1, "nothing fails visibly");
  assert.ok(mixed.lostWrites > 0, "acknowledged writes are not where they were written");
  assert.ok(mixed.wrongAnswers > 0);
  assert.ok(mixed.strayKeys > 0, "a key no client wrote");
  assert.equal(mixed.dropped, 0);
});

Deno.test("fallacies: deterministic", async () => {
  assert.deepEqual(runFallacies(), r);
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
});
