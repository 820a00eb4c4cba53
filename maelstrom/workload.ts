/**
 * What a Maelstrom workload is to the runner: how to make a client request, how to read
 * the reply into a history event, optional setup and final phases, and a checker that
 * gives a verdict with an explanation a person can act on.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import type { Rng } from "../protocols/random.ts";
import { type Body, errorOutcome } from "./wire.ts";

/**
 * One client operation: its history fields and the request body (without `msg_id`).
 *
 * @example
 * ```ts
 * import type { Invocation } from "./workload.ts";
 * const i: Invocation = { f: "write", key: "1", value: 3, body: { type: "write", key: 1, value: 3 } };
 * ```
 */
export interface Invocation {
  readonly f: string;
  readonly key?: string;
  readonly value?: unknown;
  readonly body: Record<string, unknown>;
}

/**
 * How an operation ended, as the history records it.
 *
 * @example
 * ```ts
 * import type { Completion } from "./workload.ts";
 * const c: Completion = { type: "fail", error: "22: precondition-failed" };
 * ```
 */
export interface Completion {
  readonly type: "ok" | "fail" | "info";
  readonly value?: unknown;
  readonly error?: string;
}

/**
 * A checker's answer: valid or not (or unknown, when a checker ran out of budget), why,
 * and figures for `results.json`.
 *
 * @example
 * ```ts
 * import type { Verdict } from "./workload.ts";
 * const v: Verdict = { valid: false, explanation: "n1 never read 3, acknowledged at 1.2 s", details: {} };
 * ```
 */
export interface Verdict {
  readonly valid: boolean | "unknown";
  readonly explanation: string;
  readonly details: Record<string, unknown>;
}

/**
 * What setup and final phases may do: run one operation on a node as a fresh client,
 * recorded in the history like any other.
 *
 * @example
 * ```ts ignore
 * import type { PhaseContext } from "./workload.ts";
 * async function finalReads(ctx: PhaseContext) {
 *   for (const n of ctx.nodeIds) await ctx.run(n, { f: "read", body: { type: "read" } });
 * }
 * ```
 */
export interface PhaseContext {
  readonly nodeIds: readonly string[];
  /** Runs `inv` on `node`; the history records its invoke and completion. */
  run(node: string, inv: Invocation): Promise<Completion>;
  /** Sends a request outside the history (e.g. `topology`); the reply or null. */
  request(node: string, body: Record<string, unknown>): Promise<Body | null>;
  /** The history so far. */
  history(): readonly HistoryEvent[];
  /** ms of real time the final phase may take (`--recovery-time`). */
  readonly recoveryMs: number;
}

/**
 * A workload.
 *
 * @example
 * ```ts ignore
 * import type { Workload } from "./workload.ts";
 * const echo: Workload = { name: "echo", invoke, complete, check };
 * ```
 */
export interface Workload {
  readonly name: string;
  /** Before any client operation (broadcast's `topology`). */
  setup?(ctx: PhaseContext): Promise<void>;
  /** The next operation of `process`. */
  invoke(rng: Rng, process: number): Invocation;
  /** Reads a reply (never null: a missing reply is `info` before this is asked). */
  complete(inv: Invocation, reply: Body): Completion;
  /** After the nemesis healed everything (final reads). */
  final?(ctx: PhaseContext): Promise<void>;
  /** The verdict over the whole history; `finalFrom` is the time (ns) the final phase began. */
  check(history: readonly HistoryEvent[], nodeIds: readonly string[], finalFrom: number): Verdict;
}

/**
 * The common reading of a reply: `error` bodies by their code (definite → fail, else
 * info), a reply of type `<request>_ok` through `ok`, anything else `info`.
 *
 * @example
 * ```ts
 * import { completeWith } from "./workload.ts";
 * completeWith({ type: "echo_ok", echo: 1 }, "echo", (b) => b.echo); // { type: "ok", value: 1 }
 * completeWith({ type: "error", code: 11 }, "echo", () => 0).type; // "fail"
 * ```
 */
export function completeWith(
  reply: Body,
  request: string,
  ok: (b: Body) => unknown,
): Completion {
  if (reply.type === "error") {
    return { type: errorOutcome(reply.code), error: errorText(reply) };
  }
  if (reply.type !== `${request}_ok`) {
    return { type: "info", error: `unexpected reply type ${JSON.stringify(reply.type)}` };
  }
  return { type: "ok", value: ok(reply) };
}

/**
 * An error body as one short text: `code: text`.
 *
 * @example
 * ```ts
 * import { errorText } from "./workload.ts";
 * errorText({ type: "error", code: 11, text: "no leader" }); // "11: no leader"
 * ```
 */
export function errorText(reply: Body): string {
  return `${reply.code}: ${typeof reply.text === "string" ? reply.text : "(no text)"}`;
}

/**
 * Completed operations of a history, paired with their invocations (by process), in
 * completion order.
 *
 * @example
 * ```ts
 * import { completedOps } from "./workload.ts";
 * completedOps([
 *   { process: 0, type: "invoke", f: "add", value: 2, time: 1 },
 *   { process: 0, type: "ok", f: "add", value: 2, time: 5 },
 * ])[0]?.invoke.time; // 1
 * ```
 */
export function completedOps(
  history: readonly HistoryEvent[],
): { invoke: HistoryEvent; done: HistoryEvent | null }[] {
  const open = new Map<number, HistoryEvent>();
  const out: { invoke: HistoryEvent; done: HistoryEvent | null }[] = [];
  for (const e of history) {
    if (e.type === "invoke") {
      open.set(e.process, e);
      continue;
    }
    const inv = open.get(e.process);
    if (inv === undefined) continue;
    open.delete(e.process);
    out.push({ invoke: inv, done: e });
  }
  for (const inv of open.values()) out.push({ invoke: inv, done: null });
  return out;
}
