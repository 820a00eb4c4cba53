/**
 * Who a `quorum-kv` node suspects: the heartbeat detectors of `protocols/heartbeat/`
 * (phi accrual or a fixed timeout), fed by the node's own pings. The node asks it
 * whether a replica is healthy before choosing a sloppy quorum or handing off hints.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { createFixedTimeout, heartbeatArrived, isSuspected } from "../heartbeat/fixed_timeout.ts";
import { createPhiAccrual, phi, phiHeartbeat } from "../heartbeat/phi_accrual.ts";
import type { QuorumOptions } from "./options.ts";

/**
 * A node's view of its peers' health.
 *
 * @example
 * ```ts
 * import { createPeerMonitor } from "./peer_monitor.ts";
 * import { parseQuorumOptions } from "./options.ts";
 * const m = createPeerMonitor(["n2", "n3"], 0, parseQuorumOptions({}));
 * m.heartbeat("n2", 100);
 * m.review(250, () => {});
 * m.suspects(); // ["n3"]: silent for 250 ms, where n2 pinged 150 ms ago
 * ```
 */
export interface PeerMonitor {
  /** A ping from `peer` arrived at `now`. */
  heartbeat(peer: NodeId, now: number): void;
  /** Starts watching new peers as if they had just pinged (membership grew). */
  watch(peers: readonly NodeId[], now: number): void;
  /**
   * Re-judges `peers` at `now`; calls `changed` for each peer whose state flipped.
   * Peers no longer in `peers` are forgotten.
   */
  review(now: number, changed: (peer: NodeId, suspected: boolean) => void): void;
  /** Whether `peer` is suspected (as of the last review). */
  suspected(peer: NodeId): boolean;
  /** The suspected peers, in the order they were first suspected. */
  suspects(): NodeId[];
}

/**
 * Creates a monitor for `peers`, trusting all of them at `now`.
 *
 * @param peers the other members
 * @param now the node's clock
 * @param o `detector`, `phiThreshold`, `pingMs`, `suspectMs`
 * @returns the monitor
 *
 * @example
 * ```ts
 * import { createPeerMonitor } from "./peer_monitor.ts";
 * import { parseQuorumOptions } from "./options.ts";
 * const m = createPeerMonitor(["n2"], 0, parseQuorumOptions({ detector: "fixed" }));
 * m.suspected("n2"); // false
 * ```
 */
export function createPeerMonitor(
  peers: readonly NodeId[],
  now: number,
  o: Pick<QuorumOptions, "detector" | "phiThreshold" | "pingMs" | "suspectMs">,
): PeerMonitor {
  let watched = [...peers];
  const phiD = createPhiAccrual(peers, now, {
    threshold: o.phiThreshold,
    firstIntervalMs: o.pingMs,
  });
  const fixed = createFixedTimeout(peers, o.suspectMs, now);
  const suspected = new Set<NodeId>();
  const judge = (p: NodeId, t: number): boolean =>
    o.detector === "fixed" ? isSuspected(fixed, p, t) : phi(phiD, p, t) > o.phiThreshold;
  return {
    heartbeat(peer, t) {
      heartbeatArrived(fixed, peer, t);
      phiHeartbeat(phiD, peer, t);
    },
    watch(next, t) {
      for (const p of next) {
        if (!fixed.last.has(p)) heartbeatArrived(fixed, p, t);
        if (!phiD.peers.has(p)) phiHeartbeat(phiD, p, t);
      }
      watched = [...next];
      for (const p of [...suspected]) if (!next.includes(p)) suspected.delete(p);
    },
    review(t, changed) {
      for (const p of watched) {
        const s = judge(p, t);
        if (s === suspected.has(p)) continue;
        if (s) suspected.add(p);
        else suspected.delete(p);
        changed(p, s);
      }
    },
    suspected: (peer) => suspected.has(peer),
    suspects: () => [...suspected],
  };
}
