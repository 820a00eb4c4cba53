import assert from "node:assert/strict";
import {
  CHAPTER_SECTIONS,
  scenarioListing,
  sectionScenarios,
} from "../../scenarios/chapter_map.ts";
import { allScenarios, scenarioNames } from "../../scenarios/registry.ts";

/** The chapter's numbered sections and its three exercises. */
const CHAPTER = [
  "§1",
  "§2",
  "§3",
  "§4",
  "§5",
  "§6",
  "§7",
  "§8",
  "§9",
  "exercise 1",
  "exercise 2",
  "exercise 3",
];

Deno.test("chapter map: every section and exercise of the chapter, in order, has a scenario", () => {
  assert.deepEqual(CHAPTER_SECTIONS.map((s) => s.id), CHAPTER);
  const known = new Set(scenarioNames());
  for (const s of CHAPTER_SECTIONS) {
    assert.ok(s.topics.length > 0, `${s.id} has no topic`);
    for (const t of s.topics) {
      assert.ok(known.has(t.scenario), `${s.id} (${t.topic}): no scenario '${t.scenario}'`);
    }
  }
});

Deno.test("chapter map: the topics issue 18 found missing have their own scenarios", () => {
  const scenarioOf = (id: string, topic: string) =>
    CHAPTER_SECTIONS.find((s) => s.id === id)!.topics.find((t) => t.topic.includes(topic))
      ?.scenario;
  assert.equal(scenarioOf("§2", "fallacy"), "fallacies");
  assert.equal(scenarioOf("§5", "partitioning"), "partitioning");
  assert.equal(scenarioOf("§5", "consistent hashing"), "partitioning");
  assert.equal(scenarioOf("§7", "Lamport"), "clocks");
  assert.equal(scenarioOf("§9", "bulkhead"), "bulkhead");
  assert.equal(scenarioOf("§9", "gray failure"), "gray-failure");
});

Deno.test("chapter map: every registered scenario belongs to some section", () => {
  const mapped = new Set(CHAPTER_SECTIONS.flatMap(sectionScenarios));
  for (const name of scenarioNames()) assert.ok(mapped.has(name), `'${name}' is in no section`);
});

Deno.test("chapter map: the scenario listing names each section with its scenarios", () => {
  const lines = scenarioListing(allScenarios());
  for (const s of CHAPTER_SECTIONS) {
    const line = lines.find((l) => l.trimStart().startsWith(s.id + " "));
    assert.ok(line !== undefined, `no line for ${s.id}`);
    for (const name of sectionScenarios(s)) assert.ok(line.includes(name), `${s.id}: ${name}`);
  }
  for (const name of scenarioNames()) {
    assert.ok(lines.some((l) => l.trimStart().startsWith(name + " ")), `no line for ${name}`);
  }
});

Deno.test("chapter map: `deno task scenario` with no name prints the listing", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "scenario.ts"],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(
    new TextDecoder().decode(out.stdout).trimEnd().split("\n"),
    scenarioListing(allScenarios()),
  );
});
