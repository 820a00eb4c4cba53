/**
 * `deno task scenario <name> [--lang ja|en]`: a narrated, deterministic scenario (the
 * chapter's exercises and demos). Without a name, lists them by chapter section. The
 * language defaults to the locale's (`LC_ALL`, `LC_MESSAGES`, `LANG`: `ja…` is Japanese).
 *
 * @module
 */

import { allScenarios, scenarioByName } from "./scenarios/registry.ts";
import { scenarioListing } from "./scenarios/chapter_map.ts";
import { stripDashDash } from "./args/cli_args.ts";
import { systemLang, takeLangFlag } from "./i18n/lang.ts";

async function main(argv: string[]): Promise<number> {
  const taken = takeLangFlag(stripDashDash(argv));
  const lang = taken.lang ?? systemLang();
  const args = taken.rest;
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h") {
    for (const line of scenarioListing(allScenarios(), lang)) console.log(line);
    return 0;
  }
  const [name, ...flags] = args;
  const s = scenarioByName(name!);
  const unknown = flags.find((f) => !(s.flags ?? []).includes(f));
  if (unknown !== undefined) {
    throw new Error(
      lang === "ja" ? `知らない引数です: '${unknown}'` : `unexpected argument '${unknown}'`,
    );
  }
  await s.run((line) => console.log(line), flags, lang);
  console.log("");
  console.log(lang === "ja" ? "用語集: docs/glossary.md" : "Glossary: docs/glossary.md");
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`scenario: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(2);
  }
}
