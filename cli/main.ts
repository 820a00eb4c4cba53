/**
 * `deno task cli <command>`: the command table, help texts, global options and exit
 * codes — 0 done, 1 the server refused or could not be reached (its problem title and
 * detail on stderr), 2 bad arguments (one line on stderr). `--lang ja|en` (default from
 * `LC_ALL`, `LC_MESSAGES`, `LANG`) picks the language of help, usage errors and table
 * headers; the server's problem details are printed as the server sends them.
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
import { type Tr, translator } from "../i18n/catalogue.ts";
import { langFromEnv, takeLangFlag } from "../i18n/lang.ts";
import { padEndWidth } from "../i18n/width.ts";
import { CLI_JA } from "./ja.ts";

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
  f.byzantine,
  f.disk,
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

/** `--lang` is taken out of the arguments before anything else; help lists it with the rest. */
const LANG_OPTION: OptionSpec = {
  type: "string",
  arg: "ja|en",
  help: "the language of the messages: ja or en (default from LC_ALL, LC_MESSAGES, LANG)",
};

function optionLines(options: Readonly<Record<string, OptionSpec>>, t: Tr): string[] {
  return Object.entries(options).map(([name, o]) => {
    const flag = `--${name}${o.arg ? " " + o.arg : ""}${o.short ? `, -${o.short}` : ""}`;
    return `  ${flag.padEnd(22)}${t.text(o.help)}`;
  });
}

/**
 * The help text: of every command, or of one.
 *
 * @example
 * ```ts
 * import { helpText } from "./main.ts";
 * helpText("put").startsWith("usage: deno task cli put KEY VALUE"); // true
 * helpText(undefined, cliTranslator("ja")).startsWith("使い方"); // true
 * ```
 */
export function helpText(command?: string, t: Tr = cliTranslator("en")): string {
  const cmd = COMMANDS.find((x) => x.name === command);
  if (cmd !== undefined) {
    return [
      t`usage: deno task cli ${cmd.name}${cmd.args ? " " + cmd.args : ""} [options]`,
      "",
      t.text(cmd.summary),
      ...(cmd.details ? [t.text(cmd.details)] : []),
      "",
      t`options:`,
      ...optionLines({ ...cmd.options, ...GLOBAL_OPTIONS, lang: LANG_OPTION }, t),
    ].join("\n");
  }
  const width = Math.max(...COMMANDS.map((x) => `${x.name} ${x.args}`.length)) + 2;
  return [
    t`usage: deno task cli [options] <command> [arguments] [options]`,
    "",
    t`commands:`,
    ...COMMANDS.map((x) => `  ${padEndWidth(`${x.name} ${x.args}`, width)}${t.text(x.summary)}`),
    "",
    t`options of every command (before or after it):`,
    ...optionLines({ ...GLOBAL_OPTIONS, lang: LANG_OPTION }, t),
    "",
    t`Values parse as JSON when they can (42, true, {"a":1}), else as strings.`,
    t`'deno task cli help COMMAND' shows a command's own options.`,
  ].join("\n");
}

/**
 * The CLI's translator for `lang`: its own catalogue of help, errors and headers.
 *
 * @example
 * ```ts
 * import { cliTranslator } from "./main.ts";
 * cliTranslator("ja").text("NODE"); // "ノード"
 * ```
 */
export function cliTranslator(lang: "en" | "ja"): Tr {
  return translator(lang, CLI_JA);
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
  let t = cliTranslator(langFromEnv(io.env));
  try {
    const taken = takeLangFlag(argv[0] === "--" ? argv.slice(1) : [...argv]);
    if (taken.lang !== undefined) t = cliTranslator(taken.lang);
    args = globalsAfterCommand(taken.rest, t);
  } catch (e) {
    if (e instanceof UsageError || e instanceof Error) return usage(io, t, e.message);
    throw e;
  }
  const name = args[0];
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? args[1] : undefined;
    if (topic !== undefined && !COMMANDS.some((x) => x.name === topic)) {
      return usage(io, t, t`unknown command '${topic}'`);
    }
    io.out(helpText(topic, t));
    return 0;
  }
  const cmd = COMMANDS.find((x) => x.name === name);
  if (cmd === undefined) {
    return usage(
      io,
      t,
      name.startsWith("-") ? t`a command is needed, got '${name}'` : t`unknown command '${name}'`,
    );
  }
  let client: ApiClient;
  let parsed;
  try {
    parsed = parseCommandArgs(args.slice(1), cmd.options ?? {});
    if (parsed.values.help === true) {
      io.out(helpText(cmd.name, t));
      return 0;
    }
    const [min, max] = cmd.arity;
    const n = parsed.positionals.length;
    if (n < min || n > max) {
      const want = cmd.args === "" ? t`no arguments` : cmd.args;
      throw new UsageError(
        t`${cmd.name} takes ${want}, got ${n === 0 ? t`none` : parsed.positionals.join(" ")}`,
      );
    }
    const url = stringValue(parsed.values.url) ?? io.env("DISTLAB_URL") ?? DEFAULT_URL;
    if (!/^https?:\/\/[^\s/]+/.test(url)) {
      throw new UsageError(t`--url must be an http(s) URL such as ${DEFAULT_URL}, got '${url}'`);
    }
    const token = stringValue(parsed.values.token) ?? io.env("DISTLAB_TOKEN");
    const retries = stringValue(parsed.values.retries);
    if (retries !== undefined && !/^\d{1,2}$/.test(retries)) {
      throw new UsageError(t`--retries must be a whole number from 0 to 99, got '${retries}'`);
    }
    client = new ApiClient({
      url,
      io,
      maxAttempts: retries === undefined ? 5 : Number(retries) + 1,
      ...(token !== undefined && token !== "" ? { token } : {}),
      onRetry: (e) =>
        io.err(
          t`retrying in ${Math.round(e.delayMs)} ms: ${
            e.error instanceof Error ? e.error.message : e.error
          }`,
        ),
    });
  } catch (e) {
    if (e instanceof UsageError) return usage(io, t, e.message, cmd.name);
    throw e;
  }
  try {
    await cmd.run(
      { client, io, json: parsed.values.json === true, values: parsed.values, t },
      parsed.positionals,
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return usage(io, t, e.message, cmd.name);
    if (e instanceof ServerError || e instanceof ConnectionError) {
      io.err(t`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function stringValue(v: string | boolean | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function usage(io: CliIo, t: Tr, message: string, command?: string): number {
  io.err(t`error: ${message} (see 'deno task cli help${command ? " " + command : ""}')`);
  return 2;
}

/**
 * Global options may come before the command, as with etcdctl, kubectl and docker:
 * `--url U get k` becomes `get --url U k`. A lone `--help` stays where it is (the
 * help). An unknown option before the command is a usage error.
 */
function globalsAfterCommand(args: string[], t: Tr): string[] {
  const moved: string[] = [];
  let i = 0;
  while (i < args.length && args[i]!.startsWith("-") && args[i] !== "--help" && args[i] !== "-h") {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = arg.startsWith("--") ? GLOBAL_OPTIONS[name] : undefined;
    if (spec === undefined || name === "help") {
      throw new UsageError(t`unknown option '${arg}' before the command`);
    }
    if (spec.type === "string" && eq < 0) {
      if (i + 1 >= args.length) throw new UsageError(t`${arg} needs a value`);
      moved.push(arg, args[i + 1]!);
      i += 2;
    } else {
      moved.push(arg);
      i += 1;
    }
  }
  if (moved.length === 0) return args;
  const rest = args.slice(i);
  if (rest.length === 0) throw new UsageError(t`a command is needed after ${moved.join(" ")}`);
  return [rest[0]!, ...moved, ...rest.slice(1)];
}
