/**
 * `deno task cli <command>`: the command table, help texts, global options and exit
 * codes — 0 done, 1 the server refused or could not be reached (its problem title and
 * detail on stderr), 2 bad arguments (one line on stderr).
 *
 * @module
 */

import { GLOBAL_OPTIONS, type OptionSpec, parseCommandArgs, UsageError } from "./args.ts";
import { ApiClient, ConnectionError, ServerError } from "./client.ts";
import type { Command } from "./command.ts";
import * as clusterCommands from "./commands/cluster.ts";
import * as faultCommands from "./commands/faults.ts";
import * as kvCommands from "./commands/kv.ts";
import * as observeCommands from "./commands/observe.ts";
import * as opCommands from "./commands/ops.ts";
import type { CliIo } from "./io.ts";

const c = clusterCommands, f = faultCommands, k = kvCommands, o = observeCommands;
const p = opCommands;

/**
 * Every command, in the order help lists them.
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./main.ts";
 * COMMANDS.map((c) => c.name).includes("partition"); // true
 * ```
 */
export const COMMANDS: readonly Command[] = [
  c.status,
  c.leader,
  k.put,
  k.get,
  k.del,
  k.cas,
  p.op,
  p.ring,
  p.mode,
  p.failover,
  f.partition,
  f.isolate,
  f.cut,
  f.link,
  f.skew,
  f.heal,
  f.faults,
  f.unfault,
  c.crash,
  c.restart,
  c.pause,
  c.resume,
  c.timeout,
  c.transfer,
  c.members,
  o.watch,
  o.history,
];

const DEFAULT_URL = "http://127.0.0.1:8080";

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  return Object.entries(options).map(([name, o]) => {
    const flag = `--${name}${o.arg ? " " + o.arg : ""}${o.short ? `, -${o.short}` : ""}`;
    return `  ${flag.padEnd(22)}${o.help}`;
  });
}

/**
 * The help text: of every command, or of one.
 *
 * @example
 * ```ts
 * import { helpText } from "./main.ts";
 * helpText("put").startsWith("usage: deno task cli put KEY VALUE"); // true
 * ```
 */
export function helpText(command?: string): string {
  const cmd = COMMANDS.find((x) => x.name === command);
  if (cmd !== undefined) {
    return [
      `usage: deno task cli ${cmd.name}${cmd.args ? " " + cmd.args : ""} [options]`,
      "",
      cmd.summary,
      ...(cmd.details ? [cmd.details] : []),
      "",
      "options:",
      ...optionLines({ ...cmd.options, ...GLOBAL_OPTIONS }),
    ].join("\n");
  }
  const width = Math.max(...COMMANDS.map((x) => `${x.name} ${x.args}`.length)) + 2;
  return [
    "usage: deno task cli [options] <command> [arguments] [options]",
    "",
    "commands:",
    ...COMMANDS.map((x) => `  ${`${x.name} ${x.args}`.padEnd(width)}${x.summary}`),
    "",
    "options of every command (before or after it):",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    'Values parse as JSON when they can (42, true, {"a":1}), else as strings.',
    "'deno task cli help COMMAND' shows a command's own options.",
  ].join("\n");
}

/**
 * Runs the CLI with `argv`; resolves with the exit code.
 *
 * @example
 * ```ts ignore
 * import { runCli } from "./main.ts";
 * import { denoIo } from "./io.ts";
 * Deno.exit(await runCli(["status"], denoIo()));
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: string[];
  try {
    args = globalsAfterCommand(argv[0] === "--" ? argv.slice(1) : [...argv]);
  } catch (e) {
    if (e instanceof UsageError) return usage(io, e.message);
    throw e;
  }
  const name = args[0];
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? args[1] : undefined;
    if (topic !== undefined && !COMMANDS.some((x) => x.name === topic)) {
      return usage(io, `unknown command '${topic}'`);
    }
    io.out(helpText(topic));
    return 0;
  }
  const cmd = COMMANDS.find((x) => x.name === name);
  if (cmd === undefined) {
    return usage(
      io,
      name.startsWith("-") ? `a command is needed, got '${name}'` : `unknown command '${name}'`,
    );
  }
  let client: ApiClient;
  let parsed;
  try {
    parsed = parseCommandArgs(args.slice(1), cmd.options ?? {});
    if (parsed.values.help === true) {
      io.out(helpText(cmd.name));
      return 0;
    }
    const [min, max] = cmd.arity;
    const n = parsed.positionals.length;
    if (n < min || n > max) {
      const want = cmd.args === "" ? "no arguments" : cmd.args;
      throw new UsageError(
        `${cmd.name} takes ${want}, got ${n === 0 ? "none" : parsed.positionals.join(" ")}`,
      );
    }
    const url = stringValue(parsed.values.url) ?? io.env("DISTLAB_URL") ?? DEFAULT_URL;
    if (!/^https?:\/\/[^\s/]+/.test(url)) {
      throw new UsageError(`--url must be an http(s) URL such as ${DEFAULT_URL}, got '${url}'`);
    }
    const token = stringValue(parsed.values.token) ?? io.env("DISTLAB_TOKEN");
    const retries = stringValue(parsed.values.retries);
    if (retries !== undefined && !/^\d{1,2}$/.test(retries)) {
      throw new UsageError(`--retries must be a whole number from 0 to 99, got '${retries}'`);
    }
    client = new ApiClient({
      url,
      io,
      maxAttempts: retries === undefined ? 5 : Number(retries) + 1,
      ...(token !== undefined && token !== "" ? { token } : {}),
      onRetry: (e) =>
        io.err(
          `retrying in ${Math.round(e.delayMs)} ms: ${
            e.error instanceof Error ? e.error.message : e.error
          }`,
        ),
    });
  } catch (e) {
    if (e instanceof UsageError) return usage(io, e.message, cmd.name);
    throw e;
  }
  try {
    await cmd.run(
      { client, io, json: parsed.values.json === true, values: parsed.values },
      parsed.positionals,
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return usage(io, e.message, cmd.name);
    if (e instanceof ServerError || e instanceof ConnectionError) {
      io.err(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function stringValue(v: string | boolean | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function usage(io: CliIo, message: string, command?: string): number {
  io.err(`error: ${message} (see 'deno task cli help${command ? " " + command : ""}')`);
  return 2;
}

/**
 * Global options may come before the command, as with etcdctl, kubectl and docker:
 * `--url U get k` becomes `get --url U k`. A lone `--help` stays where it is (the
 * help). An unknown option before the command is a usage error.
 */
function globalsAfterCommand(args: string[]): string[] {
  const moved: string[] = [];
  let i = 0;
  while (i < args.length && args[i]!.startsWith("-") && args[i] !== "--help" && args[i] !== "-h") {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = arg.startsWith("--") ? GLOBAL_OPTIONS[name] : undefined;
    if (spec === undefined || name === "help") {
      throw new UsageError(`unknown option '${arg}' before the command`);
    }
    if (spec.type === "string" && eq < 0) {
      if (i + 1 >= args.length) throw new UsageError(`${arg} needs a value`);
      moved.push(arg, args[i + 1]!);
      i += 2;
    } else {
      moved.push(arg);
      i += 1;
    }
  }
  if (moved.length === 0) return args;
  const rest = args.slice(i);
  if (rest.length === 0) throw new UsageError(`a command is needed after ${moved.join(" ")}`);
  return [rest[0]!, ...moved, ...rest.slice(1)];
}
