/**
 * `deno task maelstrom test -w WORKLOAD --bin PROGRAM …`: runs any program that speaks
 * Maelstrom's protocol as the nodes of a cluster, under distlab's fault model, with
 * Maelstrom's workloads and checkers. Exit 0 valid, 1 invalid, 2 bad input. With
 * `--serve [PORT]` it serves distlab's API and dashboard for the run while it runs, and
 * after it ends until Ctrl-C.
 *
 * `deno task maelstrom-node PROTOCOL [--option k=v …] [--seed S]` (`maelstrom.ts node …`):
 * one distlab key-value protocol node speaking Maelstrom's protocol on stdin/stdout.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parseTestArgs, USAGE } from "./maelstrom/args.ts";
import { runProtocolNode } from "./maelstrom/protocol_node.ts";
import { runTest } from "./maelstrom/run.ts";
import { protocolByName } from "./protocols/registry.ts";

const NODE_USAGE = "usage: deno task maelstrom-node PROTOCOL [--option key=value …] [--seed S]";

/**
 * Runs the command line `args`; resolves with the exit code.
 *
 * @example
 * ```ts ignore
 * import { main } from "./maelstrom.ts";
 * await main(["test", "-w", "echo", "--bin", "./echo.py", "--time-limit", "3"]); // 0
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  const rest = args[0] === "--" ? args.slice(1) : args;
  if (rest[0] === "node") return await node(rest.slice(1));
  let options;
  try {
    options = parseTestArgs(rest);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    console.error(USAGE);
    return 2;
  }
  const r = await runTest(options, (line) => console.log(line));
  if (r.live !== undefined) {
    // The run is over; its API and dashboard stay, to look at what it did.
    console.log(`still serving ${r.live.url}/ (the finished run); Ctrl-C stops`);
    await untilSignal();
    await r.live.close();
    console.log("distlab maelstrom: stopped");
  }
  return r.exitCode;
}

/** Resolves on SIGINT (or SIGTERM, where there is one). */
function untilSignal(): Promise<void> {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  return new Promise((resolve) => {
    const on = () => {
      for (const s of signals) Deno.removeSignalListener(s, on);
      resolve();
    };
    for (const s of signals) Deno.addSignalListener(s, on);
  });
}

async function node(args: readonly string[]): Promise<number> {
  let protocol;
  const options: Record<string, unknown> = {};
  let seed = 1;
  try {
    const { values, positionals } = parseArgs({
      args: args[0] === "--" ? args.slice(1) : [...args],
      allowPositionals: true,
      strict: true,
      options: { option: { type: "string", multiple: true }, seed: { type: "string" } },
    });
    if (positionals.length !== 1) throw new Error("expected one protocol name");
    protocol = protocolByName(positionals[0]!);
    for (const kv of values.option ?? []) {
      const eq = kv.indexOf("=");
      if (eq <= 0) throw new Error(`invalid --option '${kv}': expected key=value`);
      const raw = kv.slice(eq + 1);
      let v: unknown = raw;
      try {
        v = JSON.parse(raw);
      } catch {
        // a plain string
      }
      options[kv.slice(0, eq)] = v;
    }
    if (values.seed !== undefined) {
      seed = Number(values.seed);
      if (!Number.isInteger(seed)) throw new Error(`invalid --seed '${values.seed}'`);
    }
  } catch (e) {
    console.error(`error: ${(e as Error).message.split("\n")[0]}`);
    console.error(NODE_USAGE);
    return 2;
  }
  await runProtocolNode(protocol, options, seed);
  return 0;
}

if (import.meta.main) {
  // `deno task` runs from the project's folder; paths on the command line (`--bin
  // ./node.py`, `--store`) mean the folder the user typed them in.
  if (Deno.args.filter((a) => a !== "--")[0] === "test") {
    const from = Deno.env.get("INIT_CWD"); // only `test` has --allow-env
    if (from !== undefined) Deno.chdir(from);
  }
  Deno.exit(await main(Deno.args));
}
