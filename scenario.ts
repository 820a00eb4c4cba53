/**
 * `deno task scenario <name>`: a narrated, deterministic scenario (the chapter's
 * exercises and demos). Without a name, lists them.
 *
 * @module
 */

import { allScenarios, scenarioByName } from "./scenarios/registry.ts";
import { stripDashDash } from "./args/cli_args.ts";

async function main(argv: string[]): Promise<number> {
  const args = stripDashDash(argv);
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h") {
    console.log("usage: deno task scenario <name>\n\nscenarios:");
    for (const s of allScenarios()) console.log(`  ${s.name.padEnd(20)} ${s.description}`);
    return 0;
  }
  if (args.length > 1) throw new Error(`unexpected argument '${args[1]}'`);
  await scenarioByName(args[0]!).run((line) => console.log(line));
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
