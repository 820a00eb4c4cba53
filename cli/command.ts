/**
 * The shape of one CLI command and what it is given to run.
 *
 * @module
 */

import type { OptionSpec } from "./args.ts";
import type { ApiClient } from "./client.ts";
import type { CliIo } from "./io.ts";
import type { Tr } from "../i18n/catalogue.ts";

/**
 * What a command runs with.
 *
 * @example
 * ```ts
 * import type { CommandContext } from "./command.ts";
 * const say = (ctx: CommandContext, line: string) => ctx.io.out(line);
 * ```
 */
export interface CommandContext {
  readonly client: ApiClient;
  readonly io: CliIo;
  /** `--json`: print the server's JSON rather than text. */
  readonly json: boolean;
  /** The command's own options. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** The language of the CLI's own words (`--lang`, else the locale); absent means English. */
  readonly t?: Tr;
}

/**
 * One command.
 *
 * @example
 * ```ts
 * import type { Command } from "./command.ts";
 * const hello: Command = {
 *   name: "hello",
 *   args: "",
 *   summary: "say hello",
 *   arity: [0, 0],
 *   run: (ctx) => Promise.resolve(ctx.io.out("hello")),
 * };
 * ```
 */
export interface Command {
  readonly name: string;
  /** The arguments as the usage line shows them, e.g. `KEY VALUE`. */
  readonly args: string;
  readonly summary: string;
  /** Longer help, shown by `help COMMAND`. */
  readonly details?: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments: at least, at most. */
  readonly arity: readonly [number, number];
  /** Runs the command; throws `UsageError` for bad arguments, `ServerError` for a refusal. */
  run(ctx: CommandContext, args: readonly string[]): Promise<void>;
}
