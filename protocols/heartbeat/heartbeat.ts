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
import {
  createFixedTimeout,
  heartbeatArrived,
  isSuspected,
  suspectedFrom,
} from "./fixed_timeout.ts";
import { createPhiAccrual, phi, phiHeartbeat, phiSuspectedFrom } from "./phi_accrual.ts";
import { createSuspicionWatch, reviewSuspicions, type SuspicionRules } from "./suspicion_watch.ts";
import { positiveOption } from "../options.ts";

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
  const fixed = createFixedTimeout(ctx.peers, o.timeoutMs, start);
  const phiD = createPhiAccrual(ctx.peers, start, {
    threshold: o.phiThreshold,
    firstIntervalMs: o.intervalMs,
  });
  let seq = 0;
  // Stagger the first beat so nodes started together do not beat in lockstep.
  let nextBeat = start + ctx.random() * o.intervalMs;
  const suspected = new Set<NodeId>();
  const received = new Map<NodeId, number>();

  // Only the peers that may have changed are judged: those whose deadline passed and
  // the one just heard from (suspicion_watch.ts), so an event's work does not grow
  // with N; the outcome, and its order, are those of judging every peer each time.
  const peers = ctx.peers;
  const index = new Map(peers.map((p, i) => [p, i]));
  const rules: SuspicionRules = o.detector === "fixed"
    ? {
      from: (i) => suspectedFrom(fixed, peers[i]!),
      judge: (i, now) => isSuspected(fixed, peers[i]!, now),
    }
    : {
      from: (i) => phiSuspectedFrom(phiD, peers[i]!, o.phiThreshold),
      judge: (i, now) => phi(phiD, peers[i]!, now) > o.phiThreshold,
    };
  const watch = createSuspicionWatch(peers.length, rules, start);

  const review = (now: number, heard = -1): void => {
    for (const i of reviewSuspicions(watch, rules, now, heard)) {
      const p = peers[i]!;
      if (watch.suspected.has(i)) {
        suspected.add(p);
        ctx.emit("suspect", { peer: p, phi: round(phi(phiD, p, now)) });
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
        for (const p of ctx.peers) ctx.send(p, { type: "heartbeat", seq });
        nextBeat += o.intervalMs;
        if (nextBeat <= now) nextBeat = now + o.intervalMs; // after a pause: no burst
      }
      review(now);
    },
    message(from, msg) {
      if (msg.type !== "heartbeat") return;
      const now = ctx.now();
      heartbeatArrived(fixed, from, now);
      phiHeartbeat(phiD, from, now);
      received.set(from, now);
      review(now, index.get(from) ?? -1);
    },
    request(req) {
      ctx.reply(req.id, { type: "ok", value: { suspects: [...suspected].sort() } });
    },
    status() {
      const now = ctx.now();
      const phis: Record<string, number> = {};
      const lastHeartbeat: Record<string, number> = {};
      for (const p of ctx.peers) {
        phis[p] = round(phi(phiD, p, now));
        const r = received.get(p);
        if (r !== undefined) lastHeartbeat[p] = Math.round(now - r);
      }
      return {
        role: "member",
        suspects: [...suspected].sort(),
        detector: o.detector,
        phi: phis,
        fixedSuspects: ctx.peers.filter((p) => isSuspected(fixed, p, now)),
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
