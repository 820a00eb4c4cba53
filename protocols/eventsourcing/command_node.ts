/**
 * A command node (CQRS write side): takes commands from clients, rebuilds the target
 * aggregate by replaying its stream from the event store (only the events it has not
 * seen: it caches each stream's state and version), decides, and appends the new events
 * with the version it decided against. On a concurrency conflict — another command node
 * appended first — it backs off, reads the new events and decides again, up to
 * `maxConflicts` times. Commands on one stream are queued here and run one at a time.
 * Requests to the store are retried with backoff; if the store stays silent the client
 * is told the outcome is unknown (the append may have happened — a retry with the same
 * command `id` is safe).
 *
 * Queries are not served here: they go to a query node.
 *
 * @module
 */

import type { NodeContext, NodeId, ProtocolNode, Reply } from "../node.ts";
import { type Backoff, backoffDelay } from "../../resilience/backoff.ts";
import type { StoredEvent } from "./event.ts";
import {
  applyItemEvent,
  decideItem,
  EMPTY_ITEM,
  type ItemCommand,
  type ItemState,
  parseItemCommand,
  streamOf,
} from "./inventory.ts";
import type { EsMessage } from "./message.ts";
import { fail, info } from "../reply.ts";

/**
 * Timing of a command node.
 *
 * @example
 * ```ts
 * import type { CommandNodeOptions } from "./command_node.ts";
 * const o: CommandNodeOptions = {
 *   retry: { type: "exponential", baseMs: 20, capMs: 500, jitter: "full" },
 *   requestTimeoutMs: 100,
 *   maxAttempts: 5,
 *   maxConflicts: 10,
 * };
 * ```
 */
export interface CommandNodeOptions {
  readonly retry: Backoff;
  readonly requestTimeoutMs: number;
  /** Attempts per store request before answering `info`. */
  readonly maxAttempts: number;
  readonly maxConflicts: number;
}

interface Job {
  readonly requestId: number;
  readonly command: ItemCommand;
  readonly commandId: string;
  readonly stream: string;
  conflicts: number;
  /** The outstanding store request, or null while backing off before a resend. */
  rid: number | null;
  message: EsMessage;
  attempts: number;
  previous: number | undefined;
  deadline: number;
  /** What to do when a wait ends. */
  then: "read" | "resend";
}

/**
 * Creates a command node that uses the event store on `store`; `queries` are the query
 * nodes it points clients to.
 *
 * @example
 * ```ts
 * import { createCommandNode } from "./command_node.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { EsMessage } from "./message.ts";
 * declare const ctx: NodeContext<EsMessage>;
 * createCommandNode(ctx, "n1", ["n3"], {
 *   retry: { type: "exponential", baseMs: 20, capMs: 500 }, requestTimeoutMs: 100,
 *   maxAttempts: 8, maxConflicts: 5,
 * });
 * ```
 */
export function createCommandNode(
  ctx: NodeContext<EsMessage>,
  store: NodeId,
  queries: readonly NodeId[],
  o: CommandNodeOptions,
): ProtocolNode<EsMessage, unknown> {
  const cache = new Map<string, ItemState>();
  const jobs = new Set<Job>();
  const byRid = new Map<number, Job>(); // jobs with a request in flight
  // Commands on one stream run one at a time here, so this node never races itself;
  // conflicts come only from other command nodes.
  const queues = new Map<string, Job[]>();
  // A random first id, so answers meant for this node before a restart match nothing.
  let nextRid = 1 + Math.floor(ctx.random() * 1e9), conflicts = 0, appended = 0;

  const ask = (job: Job, message: EsMessage) => {
    job.rid = nextRid++;
    job.message = { ...message, rid: job.rid } as EsMessage;
    job.deadline = ctx.now() + o.requestTimeoutMs;
    byRid.set(job.rid, job);
    ctx.send(store, job.message);
  };

  const start = (job: Job) => {
    jobs.add(job);
    read(job);
  };

  const done = (job: Job, reply: Reply) => {
    jobs.delete(job);
    if (job.rid !== null) byRid.delete(job.rid);
    job.rid = null;
    ctx.reply(job.requestId, reply);
    const queue = queues.get(job.stream)!;
    queue.shift();
    if (queue.length === 0) queues.delete(job.stream);
    else start(queue[0]!);
  };

  /** Waits `delay`, then re-reads the stream or resends the last request. */
  const wait = (job: Job, delay: number, then: "read" | "resend") => {
    job.rid = null;
    job.deadline = ctx.now() + delay;
    job.then = then;
  };

  const read = (job: Job) => {
    const from = (cache.get(job.stream)?.version ?? 0) + 1;
    ask(job, { type: "es/read", rid: 0, stream: job.stream, from });
  };

  const decide = (job: Job) => {
    const state = cache.get(job.stream) ?? EMPTY_ITEM;
    const decided = decideItem(state, job.command);
    if (!Array.isArray(decided)) return done(job, fail("precondition-failed", decided.error));
    if (decided.length === 0) {
      return done(job, { type: "ok", value: { version: state.version, events: 0 } });
    }
    ask(job, {
      type: "es/append",
      rid: 0,
      stream: job.stream,
      expected: state.version,
      events: decided,
      command: job.commandId,
    });
  };

  const onStream = (job: Job, events: readonly StoredEvent[]) => {
    let s = cache.get(job.stream) ?? EMPTY_ITEM;
    for (const e of events) if (e.version === s.version + 1) s = applyItemEvent(s, e);
    cache.set(job.stream, s);
    decide(job);
  };

  return {
    tick() {
      const now = ctx.now();
      for (const job of jobs) {
        if (now < job.deadline) continue;
        if (job.rid === null) {
          // The wait is over: re-read, or resend under a new id.
          if (job.then === "read") read(job);
          else ask(job, job.message);
          continue;
        }
        byRid.delete(job.rid);
        if (job.attempts + 1 >= o.maxAttempts) {
          done(job, info("timeout", "the event store did not answer"));
          continue;
        }
        const delay = backoffDelay(o.retry, job.attempts, job.previous, ctx.random);
        job.attempts++;
        job.previous = delay;
        wait(job, delay, "resend");
      }
    },
    message(_from, m) {
      if (m.type !== "es/stream" && m.type !== "es/appended") return;
      const job = byRid.get(m.rid);
      const expected = m.type === "es/stream" ? "es/read" : "es/append";
      if (job === undefined || job.message.type !== expected) return; // late or duplicated
      byRid.delete(m.rid);
      job.rid = null;
      job.attempts = 0;
      job.previous = undefined;
      if (m.type === "es/stream") return onStream(job, m.events);
      if (m.ok) {
        appended++;
        // Our events are now the stream's latest, at the versions after the expected
        // one — unless this answer is a retried append's (the store deduplicated it).
        const sent = job.message.type === "es/append" ? job.message : null;
        if (sent !== null && m.version === sent.expected + sent.events.length) {
          let s = cache.get(job.stream) ?? EMPTY_ITEM;
          if (s.version === sent.expected) {
            for (const e of sent.events) s = applyItemEvent(s, e);
            cache.set(job.stream, s);
          }
        } else cache.delete(job.stream);
        return done(job, { type: "ok", value: { version: m.version } });
      }
      conflicts++;
      job.conflicts++;
      if (job.conflicts > o.maxConflicts) {
        return done(
          job,
          fail("txn-conflict", `gave up after ${job.conflicts} concurrency conflicts`),
        );
      }
      ctx.emit("es-retry", { stream: job.stream, conflicts: job.conflicts });
      // Back off before deciding again, so racing command nodes spread out.
      wait(job, backoffDelay(o.retry, job.conflicts - 1, undefined, ctx.random), "read");
    },
    request(req) {
      const command = parseItemCommand(req.op);
      if (typeof command === "string") {
        return ctx.reply(
          req.id,
          fail("wrong-node", `${command} (${ctx.id} takes commands; ask a query node for reads)`, {
            leader: queries[0],
          }),
        );
      }
      const job: Job = {
        requestId: req.id,
        command,
        commandId: command.id ?? `${ctx.id}/${req.id}`,
        stream: streamOf(command.item),
        conflicts: 0,
        rid: null,
        message: { type: "es/read", rid: 0, stream: "", from: 0 },
        attempts: 0,
        previous: undefined,
        deadline: 0,
        then: "read",
      };
      const queue = queues.get(job.stream);
      if (queue !== undefined) return void queue.push(job);
      queues.set(job.stream, [job]);
      start(job);
    },
    status: () => ({
      role: "command",
      store,
      inflight: jobs.size,
      queued: [...queues.values()].reduce((n, q) => n + q.length - 1, 0),
      cachedStreams: cache.size,
      appended,
      conflicts,
    }),
  };
}
