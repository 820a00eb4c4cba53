// README.ja.md is README.md in Japanese: the same headings in the same order (prose
// translated), and every code and output block kept as it is. A section added to the
// English README without its Japanese counterpart fails here.
import assert from "node:assert/strict";

const read = (name: string) => Deno.readTextFile(new URL(`../../${name}`, import.meta.url));

/** A fenced block: its opening line's info string and its lines, without the fences. */
interface Block {
  info: string;
  body: string;
  /** 1-based line number of the opening fence. */
  line: number;
}

/** Splits a Markdown text into its headings (outside fences) and its fenced blocks. */
function parse(text: string): { headings: string[]; blocks: Block[] } {
  const headings: string[] = [];
  const blocks: Block[] = [];
  let open: { info: string; lines: string[]; line: number } | undefined;
  text.split("\n").forEach((l, i) => {
    if (open) {
      if (/^```\s*$/.test(l)) {
        blocks.push({ info: open.info, body: open.lines.join("\n"), line: open.line });
        open = undefined;
      } else open.lines.push(l);
    } else if (l.startsWith("```")) open = { info: l.slice(3).trim(), lines: [], line: i + 1 };
    else if (/^#{1,6} /.test(l)) headings.push(l);
  });
  assert.equal(open, undefined, "a fenced block is never closed");
  return { headings, blocks };
}

const level = (h: string) => /^#+/.exec(h)![0];

/**
 * Blocks whose shell comments README.ja.md translates, as it does for a console session
 * a reader copies line by line; they are compared with each line's trailing `# …`
 * comment removed, so their commands and output must still match exactly. Each entry
 * is the first line of the English block.
 */
const COMMENTS_TRANSLATED = new Set([
  // "Nodes as OS processes": the placeholder `<pid of the leader>` is itself prose.
  "$ deno task cluster --processes --nodes 3 --data-dir /tmp/lab",
  // "Byzantine nodes, and PBFT": `# or --mode none`.
  "$ deno task cli byzantine n2 --mode equivocate",
]);

/** Without the `kill -9 <…>` placeholder and every line's trailing shell comment. */
const uncommented = (body: string) =>
  body.split("\n").map((l) => l.replace(/\s+#\s.*$/, "").replace(/<[^>]*>/g, "<>")).join("\n");

Deno.test("README.ja.md has README.md's headings: the same levels in the same order", async () => {
  const en = parse(await read("README.md")).headings;
  const ja = parse(await read("README.ja.md")).headings;
  const shape = (hs: string[]) => hs.map((h) => level(h)).join(" ");
  assert.equal(
    shape(ja),
    shape(en),
    `README.md's headings:\n${en.join("\n")}\nREADME.ja.md's:\n${ja.join("\n")}`,
  );
});

Deno.test("every fenced block of README.md is in README.ja.md, in the same order", async () => {
  const en = parse(await read("README.md")).blocks;
  const ja = parse(await read("README.ja.md")).blocks;
  const missing: string[] = [];
  let from = 0;
  for (const b of en) {
    const first = b.body.split("\n")[0];
    const same = COMMENTS_TRANSLATED.has(first)
      ? (j: Block) => j.info === b.info && uncommented(j.body) === uncommented(b.body)
      : (j: Block) => j.info === b.info && j.body === b.body;
    const at = ja.findIndex((j, i) => i >= from && same(j));
    if (at < 0) missing.push(`README.md line ${b.line} (\`\`\`${b.info}): ${first}`);
    else from = at + 1;
  }
  assert.deepEqual(missing, [], "blocks of README.md missing from README.ja.md, or out of order");
});

Deno.test("the allow-list names only blocks that exist and differ in comments alone", async () => {
  const en = parse(await read("README.md")).blocks;
  const ja = parse(await read("README.ja.md")).blocks;
  for (const first of COMMENTS_TRANSLATED) {
    const b = en.find((b) => b.body.split("\n")[0] === first);
    assert.ok(b, `README.md has no block starting ${first}`);
    assert.ok(
      !ja.some((j) => j.body === b.body),
      `README.ja.md keeps the block starting ${first} verbatim: drop it from the allow-list`,
    );
  }
});
