import assert from "node:assert/strict";
import { DASHBOARD_JA, toJapanese } from "../../dashboard/i18n.ts";
import { englishRuns } from "../../i18n/untranslated.ts";

Deno.test("dashboard i18n: labels, values in patterns, spaces kept, unknown text left alone", () => {
  assert.equal(toJapanese("leader"), "リーダー");
  assert.equal(toJapanese(" leader "), " リーダー ");
  assert.equal(toJapanese("7 buffered"), "バッファー 7 件");
  // The most specific pattern wins over a shorter one that would also match.
  assert.equal(toJapanese("leader n3 · last index 6"), "リーダー n3 · 最終インデックス 6");
  assert.equal(toJapanese("leader n3 · term 4"), "リーダー n3 · 任期 4");
  assert.equal(toJapanese("n1"), undefined);
  assert.equal(toJapanese(""), undefined);
});

Deno.test("dashboard i18n: no English sentence left in the Japanese catalogue", () => {
  const english = Object.values(DASHBOARD_JA).filter((ja) => englishRuns(ja).length > 0);
  assert.deepEqual(english, []);
});

Deno.test("dashboard i18n: every label and tooltip of the page has Japanese", async () => {
  const html = await Deno.readTextFile(
    new URL("../../dashboard/static/index.html", import.meta.url),
  );
  const body = html.slice(html.indexOf("<body"));
  const texts = [
    ...[...body.matchAll(/>([^<>]+)</g)].map((m) => m[1]!.trim()),
    ...[...html.matchAll(/(?:title|aria-label)="([^"]+)"/g)].map((m) => m[1]!),
  ].filter((t) => /[A-Za-z]{2,}/.test(t) && !/^(?:distlab|SVG|ShiViz|English|cas)$/.test(t));
  const missing = texts.filter((t) => toJapanese(t) === undefined);
  assert.deepEqual(missing, []);
});
