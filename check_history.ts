/**
 * `deno task check-history FILE [--model kv|register|cas-register] [--timeout 60s] [--json]`:
 * checks any history file in distlab's JSON Lines format (including one written by
 * another tool) for linearizability, and reports the session guarantees it keeps.
 * Exit 0 linearizable, 1 not linearizable, 3 unknown (budget ran out), 2 bad input.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parseHistory } from "./history/jsonl.ts";
import { checkLinearizability } from "./checker/linearizability.ts";
import { MODEL_NAMES, modelByName } from "./checker/models.ts";
import { classifyHistory } from "./checker/consistency.ts";
import { oneLineMessage, parseDuration, stripDashDash } from "./args/cli_args.ts";

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: stripDashDash(argv),
    strict: true,
    allowPositionals: true,
    options: {
      model: { type: "string", default: "kv" },
      timeout: { type: "string", default: "60s" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      `usage: deno task check-history FILE [--model ${
        MODEL_NAMES.join("|")
      }] [--timeout T] [--json]`,
    );
    return 0;
  }
  if (positionals.length !== 1) throw new Error("give exactly one history file");
  const file = positionals[0]!;
  const model = modelByName(values.model);
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e instanceof Error ? e.message : e}`);
  }
  const events = parseHistory(text);
  const started = performance.now();
  const result = checkLinearizability(events, model, {
    now: () => performance.now(),
    timeoutMs: parseDuration(values.timeout, "timeout"),
  });
  const ms = performance.now() - started;
  const classification = classifyHistory(events, { linearizability: result });
  if (values.json) {
    console.log(
      JSON.stringify(
        { file, model: model.name, ms: Math.round(ms), result, classification },
        null,
        2,
      ),
    );
  } else {
    const ops = events.filter((e) => e.type === "invoke").length;
    console.log(`${file}: ${ops} operations, model ${model.name}, checked in ${Math.round(ms)} ms`);
    console.log(`linearizability: ${result.verdict}`);
    if (result.verdict === "unknown") console.log(`  ${result.reason}`);
    if (result.verdict === "not-linearizable") {
      console.log(result.counterexample.explanation);
      console.log("operations involved:");
      for (const op of result.counterexample.operations) console.log(`  ${JSON.stringify(op)}`);
    }
    console.log(`strongest models satisfied: ${classification.strongest.join(" + ") || "none"}`);
  }
  return result.verdict === "linearizable" ? 0 : result.verdict === "not-linearizable" ? 1 : 3;
}

if (import.meta.main) {
  try {
    Deno.exit(main(Deno.args));
  } catch (e) {
    console.error(`check-history: ${oneLineMessage(e)}`);
    Deno.exit(2);
  }
}
