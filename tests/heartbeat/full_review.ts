/**
 * The heartbeat protocol as it was before its suspicion watch: every tick and every
 * heartbeat judges every peer (O(N) per event). Kept only to show that the watch
 * reaches the same verdicts, at the same events, in the same order.
 *
 * @module
 */

import type { NodeContext, NodeId, Protocol, ProtocolNode } from "../../protocols/node.ts";
import {
  createFixedTimeout,
  createPhiAccrual,
  heartbeat,
  heartbeatArrived,
  type HeartbeatMessage,
  heartbeatOptions,
  isSuspected,
  phi,
  phiHeartbeat,
} from "../../protocols/heartbeat/mod.ts";

function createNode(ctx: NodeContext<HeartbeatMessage>): ProtocolNode<HeartbeatMessage> {
  const o = heartbeatOptions(ctx.options);
  const start = ctx.now();
  const fixed = createFixedTimeout(ctx.peers, o.timeoutMs, start);
  const phiD = createPhiAccrual(ctx.peers, start, {
    threshold: o.phiThreshold,
    firstIntervalMs: o.intervalMs,
  });
  let seq = 0;
  let nextBeat = start + ctx.random() * o.intervalMs;
  const suspected = new Set<NodeId>();

  const judge = (peer: NodeId, now: number): boolean =>
    o.detector === "fixed" ? isSuspected(fixed, peer, now) : phi(phiD, peer, now) > o.phiThreshold;

  const review = (now: number): void => {
    for (const p of ctx.peers) {
      const s = judge(p, now);
      if (s && !suspected.has(p)) {
        suspected.add(p);
        ctx.emit("suspect", { peer: p, phi: Math.round(phi(phiD, p, now) * 100) / 100 + 0 });
      } else if (!s && suspected.has(p)) {
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
        if (nextBeat <= now) nextBeat = now + o.intervalMs;
      }
      review(now);
    },
    message(from, msg) {
      if (msg.type !== "heartbeat") return;
      const now = ctx.now();
      heartbeatArrived(fixed, from, now);
      phiHeartbeat(phiD, from, now);
      review(now);
    },
    request(req) {
      ctx.reply(req.id, { type: "ok", value: { suspects: [...suspected].sort() } });
    },
    status: () => ({ role: "member", suspects: [...suspected].sort() }),
  };
}

/**
 * The heartbeat protocol judging every peer at every event.
 *
 * @example
 * ```ts
 * import { fullReviewHeartbeat } from "./full_review.ts";
 * fullReviewHeartbeat.name; // "heartbeat"
 * ```
 */
export const fullReviewHeartbeat: Protocol<HeartbeatMessage> = { ...heartbeat, create: createNode };
