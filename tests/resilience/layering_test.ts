import assert from "node:assert/strict";

const FOLDER = new URL("../../resilience/", import.meta.url);
const BANNED = [/setTimeout/, /setInterval/, /\bDate\b/, /performance\.now/, /Math\.random/];
const IMPORT = /(?:from|import)\s*\(?\s*["']([^"']+)["']/g;

Deno.test("resilience is pure: no host timers, clocks or randomness, no upward imports", async () => {
  let files = 0;
  for await (const entry of Deno.readDir(FOLDER)) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    files++;
    const text = await Deno.readTextFile(new URL(entry.name, FOLDER));
    for (const pattern of BANNED) {
      assert.doesNotMatch(text, pattern, `${entry.name} mentions ${pattern}`);
    }
    for (const [, spec] of text.matchAll(IMPORT)) {
      assert.ok(spec.startsWith("./"), `${entry.name} imports ${spec}`);
    }
  }
  assert.ok(files >= 10, `only ${files} files found`);
});
