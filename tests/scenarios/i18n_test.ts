import assert from "node:assert/strict";
import { allScenarios } from "../../scenarios/registry.ts";
import { scenarioListing } from "../../scenarios/chapter_map.ts";
import { englishRuns } from "../../i18n/untranslated.ts";
import { type Catalogue, takeUsedKeys } from "../../i18n/catalogue.ts";

function passThrough(names: string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const n of names) {
    const v = Deno.env.get(n);
    if (v !== undefined) vars[n] = v;
  }
  return vars;
}

async function run(name: string, flags: string[], lang: "en" | "ja") {
  const s = allScenarios().find((x) => x.name === name)!;
  const lines: string[] = [];
  const result = await s.run((l) => lines.push(l), flags, lang);
  return { lines, result };
}

for (const s of allScenarios()) {
  for (const flags of [[], ...(s.flags ?? []).map((f) => [f])]) {
    const label = [s.name, ...flags].join(" ");
    Deno.test(`${label}: Japanese and English runs find the same; the Japanese has no English sentence`, async () => {
      const en = await run(s.name, flags, "en");
      const ja = await run(s.name, flags, "ja");
      assert.notEqual(en.result, undefined, `${label} returns no findings`);
      assert.deepEqual(ja.result, en.result);
      assert.equal(ja.lines.length > 0, true);
      assert.notDeepEqual(ja.lines, en.lines);
      const english = ja.lines.filter((l) => englishRuns(l).length > 0);
      assert.deepEqual(english, [], `${label}: untranslated English in the Japanese run`);
    });
  }
}

Deno.test("scenario listing in Japanese: the chapter's own headings and every description", () => {
  const lines = scenarioListing(allScenarios(), "ja");
  assert.match(lines[0]!, /^使い方/);
  assert.ok(lines.some((l) => l.includes("§7") && l.includes("時間と順序: clocks")));
  assert.deepEqual(lines.filter((l) => englishRuns(l).length > 0), []);
  for (const s of allScenarios()) {
    assert.ok(s.descriptionJa, `${s.name} has no Japanese description`);
  }
});

Deno.test("deno task scenario: LANG=ja_JP.UTF-8 makes Japanese the default; --lang en overrides", async () => {
  const scenario = (args: string[], env: Record<string, string>) =>
    new Deno.Command(Deno.execPath(), {
      // No --allow-env, as in deno.json's task: the locale comes through navigator.language.
      args: ["run", "--allow-read", "--allow-write", "scenario.ts", ...args],
      cwd: new URL("../../", import.meta.url).pathname,
      // Only the locale under test: LC_ALL or LC_MESSAGES from the caller would win over LANG.
      clearEnv: true,
      env: { ...passThrough(["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"]), ...env },
      stdout: "piped",
      stderr: "piped",
    }).output().then((o) => {
      const text = new TextDecoder().decode(o.stdout);
      assert.ok(o.success, new TextDecoder().decode(o.stderr));
      return text;
    });
  const ja = await scenario(["clocks"], { LANG: "ja_JP.UTF-8" });
  assert.match(ja, /^論理時計: 章のランポート時計の図/);
  const en = await scenario(["clocks", "--lang", "en"], { LANG: "ja_JP.UTF-8" });
  assert.match(en, /^Logical clocks: the chapter's Lamport figure/);
  const c = await scenario(["clocks"], { LANG: "C.UTF-8" });
  assert.match(c, /^Logical clocks/);
});

Deno.test("scenario catalogues hold no stale entry: each is printed by a run, or written in its scenario", async () => {
  const used = new Set<string>();
  takeUsedKeys();
  for (const s of allScenarios()) {
    for (const flags of [[], ...(s.flags ?? []).map((f) => [f])]) {
      await s.run(() => {}, flags, "ja");
      for (const k of takeUsedKeys()) used.add(k);
    }
  }
  const dir = new URL("../../scenarios/", import.meta.url);
  const stale: string[] = [];
  for await (const f of Deno.readDir(new URL("ja/", dir))) {
    const { JA } = await import(new URL(`ja/${f.name}`, dir).href) as { JA: Catalogue };
    const source = await Deno.readTextFile(new URL(f.name, dir));
    for (const key of Object.keys(JA)) {
      if (used.has(key) || !/[A-Za-z]/.test(key)) continue;
      // A branch this seed does not take: its English must still be in the scenario.
      const parts = key.split(/\{\d+\}|\n/).filter((p) => /[A-Za-z]/.test(p));
      if (!parts.every((p) => source.includes(p))) stale.push(`${f.name}: ${key}`);
    }
  }
  assert.deepEqual(stale, []);
});
