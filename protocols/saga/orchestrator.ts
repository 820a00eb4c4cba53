/**
 * The saga orchestrator: runs each order's steps T1…Tn one after another by command
 * messages to the services and, when a step fails, the compensations of the steps that
 * succeeded in reverse order (…C2, C1). It keeps a durable saga log (`saga/<orderId>`)
 * written at every transition before the next command leaves, so after its own crash it
 * reloads the log and resumes every unfinished saga where it stopped.
 *
 * Commands are retried after `replyTimeoutMs` plus a backoff delay (the resilience
 * module's formulas, with the node's seeded random), so a lost command or answer only
 * costs time; the services are idempotent. A step still unanswered after `stepAttempts`
 * tries is treated as failed — it may or may not have happened, so it is compensated
 * too (the service leaves a tombstone if it never ran). Compensations are retried until
 * they succeed: a saga must end.
 *
 * The order itself is the semantic lock: it reads `pending` until its saga ends, and a
 * second request for the same order waits for that end instead of starting another.
 *
 * @module
 */

import type { NodeContext, NodeId, ProtocolNode, Reply } from "../node.ts";
import { backoffDelay } from "../../resilience/backoff.ts";
import { type Order, parseOrder, type Service } from "../txn/order.ts";
import type { SagaMessage } from "./message.ts";
import type { SagaOptions } from "./options.ts";
import { fail } from "../reply.ts";

/**
 * One saga in the orchestrator's log.
 *
 * @example
 * ```ts
 * import type { SagaRecord } from "./orchestrator.ts";
 * const order = { id: "o1", item: "item-1", qty: 1, amount: 10, account: "alice", region: "east" };
 * const r: SagaRecord = { order, state: "running", done: ["inventory"], toUndo: [], at: 5 };
 * ```
 */
export interface SagaRecord {
  readonly order: Order;
  readonly state: "running" | "compensating" | "done" | "compensated";
  /** Steps that succeeded, in order. */
  readonly done: readonly Service[];
  /** Compensations still to run, next first. */
  readonly toUndo: readonly Service[];
  readonly reason?: string;
  readonly at: number;
}

/**
 * The answer a client gets for a saga: `ok` when done, `fail` when compensated, and
 * `ok` with outcome `pending` while it runs.
 *
 * @example
 * ```ts
 * import { sagaReply } from "./orchestrator.ts";
 * const order = { id: "o1", item: "i", qty: 1, amount: 1, account: "a", region: "east" };
 * sagaReply({ order, state: "compensated", done: [], toUndo: [], reason: "payment refused o1", at: 0 });
 * // { type: "fail", error: "compensated: payment refused o1" }
 * ```
 */
export function sagaReply(rec: SagaRecord): Reply {
  if (rec.state === "done") return { type: "ok", value: { order: rec.order.id, outcome: "done" } };
  if (rec.state === "compensated") {
    return fail("abort", `compensated: ${rec.reason ?? "a step failed"}`);
  }
  return { type: "ok", value: { order: rec.order.id, outcome: "pending" } };
}

interface Live {
  attempt: number;
  previous: number | undefined;
  nextTry: number;
  readonly waiters: number[];
}

/**
 * The client's read of an order: `{ f: "read-order", id }`.
 *
 * @example
 * ```ts
 * import type { ReadOrderOp } from "./orchestrator.ts";
 * const op: ReadOrderOp = { f: "read-order", id: "o1" };
 * ```
 */
export interface ReadOrderOp {
  readonly f: "read-order";
  readonly id: string;
}

/**
 * Creates the orchestrator node for `steps` (service → node, in saga order).
 *
 * @example
 * ```ts
 * import { createOrchestrator } from "./orchestrator.ts";
 * import { sagaOptions } from "./options.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { SagaMessage } from "./message.ts";
 * declare const ctx: NodeContext<SagaMessage>;
 * createOrchestrator(ctx, [{ service: "inventory", node: "n2" }], sagaOptions({}));
 * ```
 */
export function createOrchestrator(
  ctx: NodeContext<SagaMessage>,
  steps: readonly { readonly service: Service; readonly node: NodeId }[],
  o: SagaOptions,
): ProtocolNode<SagaMessage, unknown> {
  const nodeOf = new Map(steps.map((s) => [s.service, s.node]));
  const sagas = new Map<string, SagaRecord>();
  const live = new Map<string, Live>();
  let doneCount = 0, compensatedCount = 0;

  const save = (rec: SagaRecord) => {
    sagas.set(rec.order.id, rec);
    ctx.storage.set("saga/" + rec.order.id, rec);
  };

  const send = (rec: SagaRecord, l: Live) => {
    const service = rec.state === "running" ? steps[rec.done.length]!.service : rec.toUndo[0]!;
    const type = rec.state === "running" ? "saga/do" : "saga/undo";
    ctx.send(nodeOf.get(service)!, { type, order: rec.order, service });
    const delay = backoffDelay(o.retry, l.attempt, l.previous, ctx.random);
    l.previous = delay;
    l.attempt++;
    l.nextTry = ctx.now() + o.replyTimeoutMs + delay;
  };

  /** Moves a saga on: next step, next compensation, or its end. */
  const advance = (rec: SagaRecord) => {
    const l = live.get(rec.order.id)!;
    l.attempt = 0;
    l.previous = undefined;
    let next = rec;
    if (rec.state === "running" && rec.done.length === steps.length) {
      next = { ...rec, state: "done", at: ctx.now() };
    } else if (rec.state === "compensating" && rec.toUndo.length === 0) {
      next = { ...rec, state: "compensated", at: ctx.now() };
    }
    save(next);
    if (next.state === "done" || next.state === "compensated") {
      if (next.state === "done") doneCount++;
      else compensatedCount++;
      ctx.emit("saga-end", { order: next.order.id, state: next.state, reason: next.reason });
      live.delete(next.order.id);
      for (const w of l.waiters) ctx.reply(w, sagaReply(next));
      return;
    }
    send(next, l);
  };

  const compensate = (rec: SagaRecord, reason: string, uncertain: Service | null) => {
    // Reverse order; a step whose outcome is unknown is compensated first, since it
    // would have been the last to run.
    const toUndo = [...(uncertain ? [uncertain] : []), ...[...rec.done].reverse()];
    ctx.emit("saga-compensate", { order: rec.order.id, reason, toUndo });
    advance({ ...rec, state: "compensating", toUndo, reason, at: ctx.now() });
  };

  const result = (m: Extract<SagaMessage, { type: "saga/result" }>) => {
    const rec = sagas.get(m.orderId);
    if (rec === undefined || !live.has(m.orderId)) return;
    if (rec.state === "running" && m.kind === "do") {
      const current = steps[rec.done.length]!.service;
      if (m.service !== current) return; // a late answer to an earlier attempt
      if (m.ok) {
        ctx.emit("saga-step", { order: rec.order.id, service: m.service });
        return advance({ ...rec, done: [...rec.done, m.service], at: ctx.now() });
      }
      return compensate(rec, m.reason ?? `${m.service} failed`, null);
    }
    if (rec.state === "compensating" && m.kind === "undo" && m.service === rec.toUndo[0]) {
      ctx.emit("saga-undo", { order: rec.order.id, service: m.service });
      advance({ ...rec, toUndo: rec.toUndo.slice(1), at: ctx.now() });
    }
  };

  // Recovery: resume every unfinished saga from its last logged transition.
  for (const k of ctx.storage.keys("saga/")) {
    const rec = ctx.storage.get(k) as SagaRecord;
    sagas.set(rec.order.id, rec);
    if (rec.state === "done") doneCount++;
    else if (rec.state === "compensated") compensatedCount++;
    else {live.set(rec.order.id, {
        attempt: 0,
        previous: undefined,
        nextTry: ctx.now(),
        waiters: [],
      });}
  }
  if (live.size > 0) ctx.emit("saga-recover", { resume: [...live.keys()] });

  return {
    tick() {
      const now = ctx.now();
      for (const [id, l] of live) {
        if (now < l.nextTry) continue;
        const rec = sagas.get(id)!;
        if (
          rec.state === "running" && o.stepAttempts > 0 && l.attempt >= o.stepAttempts
        ) {
          const service = steps[rec.done.length]!.service;
          compensate(rec, `no answer from ${service} after ${l.attempt} attempts`, service);
          continue;
        }
        send(rec, l);
      }
    },
    message(_from, m) {
      if (m.type === "saga/result") result(m);
    },
    request(req) {
      const op = req.op as Partial<ReadOrderOp> | null;
      if (op?.f === "read-order" && typeof op.id === "string") {
        const rec = sagas.get(op.id);
        return ctx.reply(req.id, {
          type: "ok",
          value: rec === undefined
            ? null
            : { state: rec.state, done: rec.done, reason: rec.reason },
        });
      }
      const order = parseOrder(req.op);
      if (typeof order === "string") return ctx.reply(req.id, fail("malformed-request", order));
      const rec = sagas.get(order.id);
      const l = live.get(order.id);
      if (l !== undefined) return void l.waiters.push(req.id); // pending: the semantic lock
      if (rec !== undefined) return ctx.reply(req.id, sagaReply(rec));
      const first: SagaRecord = { order, state: "running", done: [], toUndo: [], at: ctx.now() };
      const nl: Live = { attempt: 0, previous: undefined, nextTry: 0, waiters: [req.id] };
      live.set(order.id, nl);
      ctx.emit("saga-begin", { order: order.id });
      advance(first);
    },
    status: () => {
      const byState = (s: SagaRecord["state"]) =>
        [...live.keys()].filter((id) => sagas.get(id)!.state === s);
      return {
        role: "orchestrator",
        running: byState("running"),
        compensating: byState("compensating"),
        done: doneCount,
        compensated: compensatedCount,
      };
    },
  };
}
