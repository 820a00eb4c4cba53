import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { scenario } from "../../scenarios/paxos.ts";

Deno.test("the paxos scenario is deterministic and shows one value chosen, duelling, and a minority that cannot decide", async () => {
  const lines = await collectLines(scenario);
  assert.deepEqual(await collectLines(scenario), lines, "same lines on a second run");
  const text = lines.join("\n");
  assert.equal(scenario.name, "paxos");
  // 1. Two proposers: both clients are told the same value, every node learned it.
  const told = lines.filter((l) => /n[15]'s client is told/.test(l)).map((l) =>
    l.split(" told ")[1]
  );
  assert.equal(told.length, 2);
  assert.equal(told[0], told[1]);
  assert.match(text, /learned: n1=(".+") n2=\1 n3=\1 n4=\1 n5=\1;/);
  assert.match(text, /agreement: holds \(1 instance decided, one value\)/);
  assert.match(text, /Prepare\(1\.1\)/);
  assert.match(text, /Nack\(/);
  // 2. Duelling: more rounds on average without backoff.
  const mean = (label: string) => {
    const row = lines.find((l) => l.trimStart().startsWith(label))!;
    return Number(row.trim().split(/\s{2,}/)[2]);
  };
  assert.ok(mean("none") > 2 * mean("randomized"), `${mean("none")} vs ${mean("randomized")}`);
  // 3. The minority never decides; after the heal it learns the majority's value.
  assert.match(text, /decided anywhere: false; n1's client: no answer/);
  assert.match(
    text,
    /majority side learned: n3="majority" n4="majority" n5="majority"; minority: n1=null n2=null/,
  );
  assert.match(text, /n1's client is finally told "majority"; n1 learned "majority"/);
  assert.match(text, /agreement after the heal: holds/);
});
