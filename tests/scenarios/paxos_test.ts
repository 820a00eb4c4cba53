import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { runPaxos, scenario } from "../../scenarios/paxos.ts";

const r = runPaxos();

Deno.test("paxos: deterministic", async () => {
  assert.equal(scenario.name, "paxos");
  assert.deepEqual(runPaxos(), r);
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
});

Deno.test("paxos race: both clients are told the same value and every node learns it", () => {
  const values = new Set(Object.values(r.race.told).map((v) => JSON.stringify(v)));
  assert.equal(values.size, 1);
  assert.deepEqual(Object.keys(r.race.told).sort(), ["n1", "n5"]);
  const chosen = r.race.told.n1;
  assert.ok(chosen === "red" || chosen === "blue");
  for (const v of Object.values(r.race.learned)) assert.equal(v, chosen);
  assert.ok(r.race.agreement);
  assert.ok(r.race.deliveries.some((d) => d.text === "Prepare(1.1)"));
  assert.ok(r.race.deliveries.some((d) => d.type === "nack"), "the loser is refused");
});

Deno.test("paxos: a Promise carries the accepted value and the proposer adopts it", () => {
  const a = r.adoption;
  assert.deepEqual(a.acceptedRed, ["n2"], "only a minority accepted red");
  assert.deepEqual(a.promise, {
    from: "n2",
    ballot: "2.5",
    acceptedBallot: "1.1",
    acceptedValue: "red",
  });
  assert.deepEqual(a.accept, { ballot: "2.5", value: "red" });
  assert.equal(a.proposed, "blue");
  assert.equal(a.told, "red", "n5's client proposed blue and is told red");
  assert.ok(a.agreement);
});

Deno.test("paxos duelling: without backoff far more rounds; FLP is named", async () => {
  const [none, randomized] = r.duel;
  assert.deepEqual([none!.backoff, randomized!.backoff], [false, true]);
  assert.equal(none!.rounds.length, 10);
  assert.ok(none!.mean > 2 * randomized!.mean, `${none!.mean} vs ${randomized!.mean}`);
  assert.ok(none!.max > randomized!.max);
  const lines = await collectLines(scenario);
  const duel = lines.findIndex((l) => l.startsWith("3. Duelling proposers"));
  const next = lines.findIndex((l) => l.startsWith("4. "));
  assert.ok(lines.slice(duel, next).some((l) => l.includes("FLP impossibility")));
});

Deno.test("paxos minority: no decision while split; after the heal n1 learns the majority's value", () => {
  const m = r.minority;
  assert.ok(m.n1Rounds > 1, "n1 keeps trying");
  assert.equal(m.decidedDuringSplit, false);
  assert.deepEqual(m.majorityLearned, { n3: "majority", n4: "majority", n5: "majority" });
  assert.deepEqual(m.minorityLearned, { n1: null, n2: null });
  assert.equal(m.n1Answer, "majority");
  assert.equal(m.n1LearnedAfterHeal, "majority");
  assert.ok(m.agreement);
});
