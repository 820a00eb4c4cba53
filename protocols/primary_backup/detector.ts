/**
 * The failure detector primary-backup uses, over the two detectors of
 * `protocols/heartbeat/`: a fixed timeout or phi accrual, behind one small interface.
 * The primary watches its backups (who is in sync); backups watch the primary (when to
 * fail over).
 *
 * @module
 */

import { createFixedTimeout, heartbeatArrived, isSuspected } from "../heartbeat/fixed_timeout.ts";
import { createPhiAccrual, phiHeartbeat, phiSuspected } from "../heartbeat/phi_accrual.ts";
import type { NodeId } from "../node.ts";

/**
 * A failure detector over a set of peers.
 *
 * @example
 * ```ts
 * import { createPeerDetector, type PeerDetector } from "./detector.ts";
 * const d: PeerDetector = createPeerDetector("fixed", ["n1"], 0, { timeoutMs: 100, intervalMs: 20 });
 * d.reset("n1", 500); // a new primary: trusted from now on
 * ```
 */
export interface PeerDetector {
  /** A sign of life from `peer` at `now`. */
  heard(peer: NodeId, now: number): void;
  /** Whether `peer` is suspected at `now`. */
  suspects(peer: NodeId, now: number): boolean;
  /** Starts watching `peer` afresh, as if it had just been heard (a new primary). */
  reset(peer: NodeId, now: number): void;
}

/**
 * Creates a detector of the given kind for `peers`, trusting them all at `now`.
 *
 * @example
 * ```ts
 * import { createPeerDetector } from "./detector.ts";
 * const d = createPeerDetector("fixed", ["n1"], 0, { timeoutMs: 100, intervalMs: 20 });
 * d.suspects("n1", 150); // true
 * d.heard("n1", 150);
 * d.suspects("n1", 160); // false
 * ```
 */
export function createPeerDetector(
  kind: "fixed" | "phi",
  peers: readonly NodeId[],
  now: number,
  o: { readonly timeoutMs: number; readonly intervalMs: number; readonly phiThreshold?: number },
): PeerDetector {
  if (kind === "fixed") {
    const d = createFixedTimeout(peers, o.timeoutMs, now);
    return {
      heard: (p, t) => heartbeatArrived(d, p, t),
      suspects: (p, t) => isSuspected(d, p, t),
      reset: (p, t) => heartbeatArrived(d, p, t),
    };
  }
  const d = createPhiAccrual(peers, now, {
    threshold: o.phiThreshold ?? 8,
    firstIntervalMs: o.intervalMs,
  });
  return {
    heard: (p, t) => phiHeartbeat(d, p, t),
    suspects: (p, t) => phiSuspected(d, p, t),
    reset: (p, t) => {
      // A fresh window: the silence before a peer became relevant is not a sample.
      d.peers.delete(p);
      phiHeartbeat(d, p, t);
    },
  };
}
