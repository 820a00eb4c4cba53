/**
 * The `heartbeat` protocol (chapter §9, failure detection): every node sends a
 * heartbeat to every peer each `intervalMs` and keeps a list of the peers it suspects,
 * judged by two detectors side by side — a fixed timeout and phi-accrual. `detector`
 * chooses which one the status's `suspects` reports; both are always shown.
 *
 * Options: `intervalMs` (100), `timeoutMs` (500), `phiThreshold` (8),
 * `detector` ("phi" | "fixed", default "phi").
 *
 * @module
 */

import { isNat } from "../message_schema.ts";
import type { NodeContext, NodeId, Protocol, ProtocolNode } from "../node.ts";
import { timedOut, timeoutFrom } from "./fixed_timeout.ts";
import {
  createPhiAccrual,
  createPhiTable,
  phiHeartbeat,
  tableHeartbeat,
  tablePhi,
  tableSuspectedFrom,
} from "./phi_accrual.ts";
import { createSuspicionWatch, reviewSuspicions, type SuspicionRules } from "./suspicion_watch.ts";
import { positiveOption } from "../options.ts";
import { positionsOf } from "../node_order.ts";

/**
 * The one message of the protocol.
 *
 * @example
 * ```ts
 * import type { HeartbeatMessage } from "./heartbeat.ts";
 * const m: HeartbeatMessage = { type: "heartbeat", seq: 42 };
 * ```
 */
export interface HeartbeatMessage {
  readonly type: "heartbeat";
  readonly seq: number;
}

/**
 * Parsed options of the heartbeat protocol.
 *
 * @example
 * ```ts
 * import type { HeartbeatOptions } from "./heartbeat.ts";
 * const o: HeartbeatOptions = { intervalMs: 100, timeoutMs: 500, phiThreshold: 8, detector: "phi" };
 * ```
 */
export interface HeartbeatOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly phiThreshold: number;
  readonly detector: "phi" | "fixed";
}

/**
 * Reads heartbeat options, filling in defaults; throws on a bad value.
 *
 * @example
 * ```ts
 * import { heartbeatOptions } from "./heartbeat.ts";
 * heartbeatOptions({ timeoutMs: 300 }).intervalMs; // 100
 * ```
 */
export function heartbeatOptions(raw: Readonly<Record<string, unknown>>): HeartbeatOptions {
  const num = (k: string, d: number): number => positiveOption(raw, k, d);
  const detector = raw.detector ?? "phi";
  if (detector !== "phi" && detector !== "fixed") {
    throw new Error(`option detector must be "phi" or "fixed"`);
  }
  return {
    intervalMs: num("intervalMs", 100),
    timeoutMs: num("timeoutMs", 500),
    phiThreshold: num("phiThreshold", 8),
    detector,
  };
}

function createNode(ctx: NodeContext<HeartbeatMessage>): ProtocolNode<HeartbeatMessage> {
  const o = heartbeatOptions(ctx.options);
  const start = ctx.now();
  const phiOptions = { threshold: o.phiThreshold, firstIntervalMs: o.intervalMs };
  // The peers' windows by index (a table: no object per peer); nodes that joined later
  // get a window of their own when first heard of (kept, never judged).
  const table = createPhiTable(ctx.peers.length, start, phiOptions);
  const strangers = createPhiAccrual([], start, phiOptions);
  let seq = 0;
  // Stagger the first beat so nodes started together do not beat in lockstep.
  let nextBeat = start + ctx.random() * o.intervalMs;
  const suspected = new Set<NodeId>();

  // Only the peers that may have changed are judged: those whose deadline passed and a
  // suspect just heard from (suspicion_watch.ts), so an event's work does not grow
  // with N; the outcome, and its order, are those of judging every peer each time.
  // Per-peer state is by peer index, looked up once per heartbeat: at a thousand nodes
  // every lookup in a node's own map of a thousand peers is a walk through memory, so
  // a peer numbered like `n12` is found in an array by its number.
  const peers = ctx.peers;
  const index = positionsOf(peers);
  // The fixed timeout's time of last heartbeat (or of the start), and the time of the
  // last heartbeat (NaN: none yet): arrays, not maps of boxed numbers.
  const heard = new Float64Array(peers.length).fill(start);
  const received = new Float64Array(peers.length).fill(NaN);
  const rules: SuspicionRules = o.detector === "fixed"
    ? {
      from: (i) => timeoutFrom(heard[i]!, o.timeoutMs),
      judge: (i, now) => timedOut(heard[i]!, now, o.timeoutMs),
    }
    : {
      from: (i) => tableSuspectedFrom(table, i, o.phiThreshold),
      judge: (i, now) => tablePhi(table, i, now) > o.phiThreshold,
    };
  const watch = createSuspicionWatch(peers.length, rules, start);

  const review = (now: number, from = -1): void => {
    for (const i of reviewSuspicions(watch, rules, now, from)) {
      const p = peers[i]!;
      if (watch.suspected.has(i)) {
        suspected.add(p);
        ctx.emit("suspect", { peer: p, phi: round(tablePhi(table, i, now)) });
      } else {
        suspected.delete(p);
        ctx.emit("trust", { peer: p });
      }
    }
  };

  return {
    tick() {
      const now = ctx.now();
      if (now >= nextBeat) {
        seq++;
        // One body for every peer: nothing on the message path changes a body.
        const beat: HeartbeatMessage = { type: "heartbeat", seq };
        for (const p of peers) ctx.send(p, beat);
        nextBeat += o.intervalMs;
        if (nextBeat <= now) nextBeat = now + o.intervalMs; // after a pause: no burst
      }
      review(now);
    },
    message(from, msg) {
      if (msg.type !== "heartbeat") return;
      const now = ctx.now();
      const i = index(from);
      if (i < 0) {
        phiHeartbeat(strangers, from, now); // not a peer (it joined later): kept, never judged
        return review(now);
      }
      tableHeartbeat(table, i, now);
      heard[i] = received[i] = now;
      review(now, i);
    },
    request(req) {
      ctx.reply(req.id, { type: "ok", value: { suspects: [...suspected].sort() } });
    },
    status() {
      const now = ctx.now();
      const phis: Record<string, number> = {};
      const lastHeartbeat: Record<string, number> = {};
      peers.forEach((p, i) => {
        phis[p] = round(tablePhi(table, i, now));
        if (!Number.isNaN(received[i]!)) lastHeartbeat[p] = Math.round(now - received[i]!);
      });
      return {
        role: "member",
        suspects: [...suspected].sort(),
        detector: o.detector,
        phi: phis,
        fixedSuspects: peers.filter((_, i) => timedOut(heard[i]!, now, o.timeoutMs)),
        msSinceHeartbeat: lastHeartbeat,
        sent: seq,
      };
    },
  };
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 100) / 100 + 0 : x;
}

/**
 * The heartbeat failure-detection protocol.
 *
 * @example
 * ```ts
 * import { heartbeat } from "./heartbeat.ts";
 * heartbeat.name; // "heartbeat"
 * ```
 */
export const heartbeat: Protocol<HeartbeatMessage> = {
  name: "heartbeat",
  description: "heartbeats with fixed-timeout and phi-accrual failure detectors",
  tickMs: 10,
  check: "none",
  events: ["suspect", "trust"],
  messages: { heartbeat: (m) => isNat(m.seq) },
  create: createNode,
};
