/**
 * What the CLI needs of the world, injected so commands can be tested in-process:
 * output streams, the environment, `fetch`, time and randomness (for retry backoff), and
 * a signal that fires on Ctrl-C (for `watch`).
 *
 * @module
 */

import type { Clock } from "../resilience/clock.ts";
import { createRealClock } from "../nodes/real_clock.ts";

/**
 * The CLI's view of the world.
 *
 * @example
 * ```ts
 * import { memoryIo } from "./io.ts";
 * const io = memoryIo();
 * io.out("hello");
 * io.stdout; // ["hello"]
 * ```
 */
export interface CliIo {
  /** Writes one line to stdout. */
  out(line: string): void;
  /** Writes one line to stderr. */
  err(line: string): void;
  /** Whether stdout is a terminal (colour output). */
  readonly color: boolean;
  env(name: string): string | undefined;
  readonly fetch: typeof fetch;
  /** Time for retry backoff. */
  readonly clock: Clock;
  readonly random: () => number;
  /** Aborted when the user asks the CLI to stop (Ctrl-C). */
  readonly interrupt: AbortSignal;
}

/**
 * The real world: Deno's stdout / stderr, environment, `fetch`, real time and SIGINT.
 *
 * @example
 * ```ts ignore
 * import { denoIo } from "./io.ts";
 * const io = denoIo();
 * io.out("hello");
 * ```
 */
export function denoIo(): CliIo & { dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new DOMException("interrupted", "AbortError"));
  Deno.addSignalListener("SIGINT", onSigint);
  const clock = createRealClock({ unref: true });
  const enc = new TextEncoder();
  return {
    out: (line) => Deno.stdout.writeSync(enc.encode(line + "\n")),
    err: (line) => Deno.stderr.writeSync(enc.encode(line + "\n")),
    color: Deno.stdout.isTerminal() && Deno.env.get("NO_COLOR") === undefined,
    env: (name) => Deno.env.get(name),
    fetch: (input, init) => fetch(input, init),
    clock,
    random: Math.random,
    interrupt: controller.signal,
    dispose() {
      Deno.removeSignalListener("SIGINT", onSigint);
      clock.dispose();
    },
  };
}

/**
 * An in-memory world for tests: output is collected, the environment is `env`.
 *
 * @example
 * ```ts
 * import { memoryIo } from "./io.ts";
 * const io = memoryIo({ env: { DISTLAB_URL: "http://127.0.0.1:9" } });
 * io.env("DISTLAB_URL"); // "http://127.0.0.1:9"
 * ```
 */
export function memoryIo(
  o: {
    env?: Record<string, string>;
    fetch?: typeof fetch;
    clock?: Clock;
    random?: () => number;
    interrupt?: AbortSignal;
    color?: boolean;
  } = {},
): CliIo & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    color: o.color ?? false,
    env: (name) => o.env?.[name],
    fetch: o.fetch ?? ((input, init) => fetch(input, init)),
    clock: o.clock ?? createRealClock({ unref: true }),
    random: o.random ?? (() => 0.5),
    interrupt: o.interrupt ?? new AbortController().signal,
  };
}
