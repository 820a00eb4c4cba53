import assert from "node:assert/strict";
import { langFromEnv, langFromTag, takeLangFlag } from "../../i18n/lang.ts";
import { templateKey, translator } from "../../i18n/catalogue.ts";
import { englishRuns } from "../../i18n/untranslated.ts";
import { displayWidth } from "../../i18n/width.ts";
import { table as cliTable } from "../../cli/format.ts";
import { table as scenarioTable } from "../../scenarios/scenario.ts";

const env = (vars: Record<string, string>) => (k: string) => vars[k];

Deno.test("lang: LC_ALL, then LC_MESSAGES, then LANG decide; ja* is Japanese, else English", () => {
  assert.equal(langFromEnv(env({ LANG: "ja_JP.UTF-8" })), "ja");
  assert.equal(langFromEnv(env({ LANG: "en_US.UTF-8" })), "en");
  assert.equal(langFromEnv(env({ LANG: "C.UTF-8" })), "en");
  assert.equal(langFromEnv(env({})), "en");
  assert.equal(langFromEnv(env({ LC_ALL: "ja_JP.UTF-8", LANG: "en_US.UTF-8" })), "ja");
  assert.equal(langFromEnv(env({ LC_ALL: "en_US.UTF-8", LANG: "ja_JP.UTF-8" })), "en");
  assert.equal(langFromEnv(env({ LC_MESSAGES: "ja_JP", LANG: "en_US" })), "ja");
  // An empty variable is unset, as POSIX has it.
  assert.equal(langFromEnv(env({ LC_ALL: "", LANG: "ja_JP.UTF-8" })), "ja");
  assert.equal(langFromTag("ja"), "ja");
  assert.equal(langFromTag("ja-JP"), "ja");
  assert.equal(langFromTag("jam"), "en");
  assert.equal(langFromTag(undefined), "en");
});

Deno.test("lang: --lang is taken from anywhere in the arguments; a language not spoken is refused", () => {
  assert.deepEqual(takeLangFlag(["clocks", "--lang", "ja"]), { lang: "ja", rest: ["clocks"] });
  assert.deepEqual(takeLangFlag(["--lang=en", "status", "--json"]), {
    lang: "en",
    rest: ["status", "--json"],
  });
  assert.deepEqual(takeLangFlag(["status"]), { rest: ["status"] });
  assert.throws(() => takeLangFlag(["--lang", "fr"]), /ja or en/);
  assert.throws(() => takeLangFlag(["--lang"]), /needs a value/);
});

Deno.test("catalogue: values are numbered so Japanese may reorder them; English passes through", () => {
  const ja = { "{0} of {1} calls ok": "{1} 回中 {0} 回成功" };
  assert.equal(templateKey(["", " of ", " calls ok"]), "{0} of {1} calls ok");
  assert.equal(translator("ja", ja)`${3} of ${5} calls ok`, "5 回中 3 回成功");
  assert.equal(translator("en", ja)`${3} of ${5} calls ok`, "3 of 5 calls ok");
  // No entry: the English is printed (and the untranslated-English test catches it).
  assert.equal(translator("ja", ja)`${1} node is down`, "1 node is down");
  // Nothing to translate: no lookup at all.
  assert.equal(translator("ja", {})`  ${"n1"}  ${2}`, "  n1  2");
});

Deno.test("untranslated: three English words in a row are a sentence; names, quotes and values are not", () => {
  assert.deepEqual(englishRuns("n1 がリーダーになった (任期 3)"), []);
  assert.deepEqual(englishRuns("n1 steps down"), []);
  assert.deepEqual(englishRuns("n1 steps down now"), ["steps down now"]);
  assert.deepEqual(englishRuns("  the link is slow: 60 ± 20 ms"), ["the link is slow"]);
  assert.deepEqual(englishRuns("使い方: deno task cli help"), []);
  assert.deepEqual(englishRuns('値 "hello world again" を書く'), []);
  assert.deepEqual(englishRuns("Prepare Promise Accept の順に届く"), []);
  assert.deepEqual(englishRuns("raft-kv quorum-kv primary-backup"), []);
  assert.deepEqual(englishRuns("PreVote CheckQuorum ReadIndex"), []);
  // A full stop ends a run: two words, then two more, are not a sentence.
  assert.deepEqual(englishRuns("ok done. the end"), []);
});

Deno.test("width: a table with Japanese headers aligns by display width, not by length", () => {
  assert.equal(displayWidth("リーダー"), 8);
  assert.equal(displayWidth("n1"), 2);
  for (const table of [cliTable, scenarioTable]) {
    const lines = table([["ノード", "役割", "任期"], ["n1", "リーダー", "3"], [
      "n2",
      "follower",
      "3",
    ]]);
    const body = lines.filter((l) => !l.startsWith("-"));
    // Every column starts at the same display column on every line.
    const starts = (l: string, cell: string) => displayWidth(l.slice(0, l.indexOf(cell)));
    assert.equal(starts(body[0]!, "役割"), starts(body[1]!, "リーダー"), lines.join("\n"));
    assert.equal(starts(body[1]!, "リーダー"), starts(body[2]!, "follower"), lines.join("\n"));
    assert.equal(starts(body[0]!, "任期"), starts(body[1]!, "3"), lines.join("\n"));
    assert.equal(starts(body[0]!, "任期"), starts(body[2]!, "3"), lines.join("\n"));
  }
  // The scenario table's rule under the header is as wide as the column.
  assert.equal(scenarioTable([["任期"], ["3"]])[1], "----");
});
