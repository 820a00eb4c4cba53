import assert from "node:assert/strict";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { statusLines } from "../../cli/commands/cluster.ts";
import { cliTranslator } from "../../cli/main.ts";
import { englishRuns } from "../../i18n/untranslated.ts";
import { displayWidth } from "../../i18n/width.ts";

function englishIn(text: string): string[] {
  return text.split("\n").filter((l) => englishRuns(l).length > 0);
}

Deno.test("cli --lang ja help: the help is Japanese, every line of it", async () => {
  const io = memoryIo();
  assert.equal(await runCli(["--lang", "ja", "help"], io), 0);
  const text = io.stdout.join("\n");
  assert.match(text, /^使い方: deno task cli/);
  assert.match(text, /現在のリーダーとその任期/);
  assert.deepEqual(englishIn(text), []);
  const en = memoryIo();
  await runCli(["help", "--lang", "en"], en);
  assert.match(en.stdout.join("\n"), /^usage: deno task cli/);
});

Deno.test("cli help COMMAND in Japanese, with --lang listed among the options", async () => {
  const io = memoryIo();
  assert.equal(await runCli(["help", "link", "--lang=ja"], io), 0);
  const text = io.stdout.join("\n");
  assert.match(text, /^使い方: deno task cli link/);
  assert.match(text, /--lang ja\|en/);
  assert.deepEqual(englishIn(text), []);
});

Deno.test("cli: LANG=ja_JP.UTF-8 makes Japanese the default; --lang en overrides it", async () => {
  const ja = memoryIo({ env: { LANG: "ja_JP.UTF-8" } });
  assert.equal(await runCli(["help"], ja), 0);
  assert.match(ja.stdout.join("\n"), /^使い方/);
  const en = memoryIo({ env: { LANG: "ja_JP.UTF-8" } });
  await runCli(["--lang", "en", "help"], en);
  assert.match(en.stdout.join("\n"), /^usage/);
  const c = memoryIo({ env: { LANG: "C.UTF-8" } });
  await runCli(["help"], c);
  assert.match(c.stdout.join("\n"), /^usage/);
});

Deno.test("cli: usage errors in Japanese, exit 2", async () => {
  const io = memoryIo({ env: { LANG: "ja_JP.UTF-8" } });
  assert.equal(await runCli(["bogus"], io), 2);
  assert.deepEqual(io.stderr, [
    "エラー: 知らないコマンドです: 'bogus' ('deno task cli help' を参照)",
  ]);
  const put = memoryIo();
  assert.equal(await runCli(["--lang", "ja", "put", "k"], put), 2);
  assert.match(put.stderr[0]!, /^エラー: put の引数は KEY VALUE ですが、k が渡されました/);
  const bad = memoryIo();
  assert.equal(await runCli(["--lang", "de", "help"], bad), 2);
  assert.match(bad.stderr[0]!, /--lang must be ja or en, got 'de'/);
});

Deno.test("cli status in Japanese: translated headers, columns aligned by display width", () => {
  const lines = statusLines(
    {
      protocol: "raft-kv",
      leader: "n1",
      term: 3,
      network: { blocks: [], rules: [] },
      nodes: [
        { id: "n1", up: true, status: { role: "leader" }, lastSeenMs: 5, suspectedBy: [] },
        { id: "n2", up: true, status: { role: "follower" }, lastSeenMs: 12, suspectedBy: [] },
      ],
    } as unknown as Parameters<typeof statusLines>[0],
    cliTranslator("ja"),
  );
  assert.match(lines[0]!, /^プロトコル raft-kv、/);
  const [head, n1] = [lines[1]!, lines[2]!];
  assert.match(head, /^ノード {2}状態/);
  // "状態" starts where the row's state cell starts: padding counts a kanji as two columns.
  assert.equal(displayWidth(head.slice(0, head.indexOf("状態"))), n1.indexOf("up"));
  assert.notEqual(head.indexOf("状態"), n1.indexOf("up"));
});

Deno.test("cli: a command's own message in Japanese (the server's problem details stay as sent)", async () => {
  const fetchHeal = (() =>
    Promise.resolve(
      new Response(JSON.stringify({ healed: true }), {
        headers: { "content-type": "application/json" },
      }),
    )) as typeof fetch;
  const ja = memoryIo({ fetch: fetchHeal, env: { LANG: "ja_JP.UTF-8" } });
  assert.equal(await runCli(["heal"], ja), 0);
  assert.deepEqual(ja.stdout, ["修復: ネットワークはまた信頼できる"]);
  const en = memoryIo({ fetch: fetchHeal });
  assert.equal(await runCli(["heal"], en), 0);
  assert.deepEqual(en.stdout, ["healed: the network is reliable again"]);
});
