/**
 * The quorum KV's failure detector at scale (`--option detector=swim`): SWIM
 * (`protocols/swim/`) in place of every node pinging every member. Each node probes one
 * member a period and answers the probes it gets, so detection traffic per node stays
 * the same whatever the cluster's size; suspicions and refutations ride on the probes.
 * A member SWIM holds suspect or dead is unhealthy to the KV (sloppy quorums, hinted
 * handoff, anti-entropy skip it); alive again, it is trusted.
 *
 * The ring's membership is not carried on every probe (it is as long as the cluster): a
 * probe carries its epoch, and a node that hears an older one sends that member the
 * newer list.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { type SwimOptions, swimOptions } from "../swim/options.ts";
import type { SwimMessage } from "../swim/message.ts";
import {
  createSwimState,
  onMessage,
  onTick,
  type SwimEffects,
  type SwimState,
} from "../swim/swim.ts";
import { enqueue } from "../swim/dissemination.ts";
import type { PeerMonitor } from "./peer_monitor.ts";

/** Where a restarted node keeps its incarnation (it must never reuse one). */
const INCARNATION_KEY = "swim/incarnation";

/**
 * A {@link PeerMonitor} driven by SWIM: the node ticks it and hands it SWIM's messages.
 *
 * @example
 * ```ts ignore
 * const m = createSwimMonitor("n1", ["n2", "n3"], 0, {}, host);
 * m.tick(0); // the first probe
 * ```
 */
export interface SwimMonitor extends PeerMonitor {
  /** Time passed: probe, time probes and suspicions out. */
  tick(now: number): void;
  /** A SWIM message from `from`. */
  message(from: NodeId, m: SwimMessage, now: number): void;
  /** Probes, acks and ping-reqs sent so far. */
  readonly sent: Readonly<Record<string, number>>;
  /** This node's incarnation. */
  readonly incarnation: number;
}

/**
 * What the monitor asks of its node.
 *
 * @example
 * ```ts
 * import type { SwimHost } from "./swim_monitor.ts";
 * const quiet: SwimHost = {
 *   send() {}, emit() {}, random: () => 0.5, load: () => undefined, save() {},
 * };
 * ```
 */
export interface SwimHost {
  send(to: NodeId, m: SwimMessage): void;
  emit(kind: "dead" | "refute", data: Record<string, unknown>): void;
  random(): number;
  load(key: string): unknown;
  save(key: string, value: unknown): void;
}

/**
 * SWIM's options for a quorum KV node: `swimPeriodMs` (default 200), `swimPingTimeoutMs`
 * (80), `swimK` (3) and `swimSuspicionMult` (4) — quicker than the `swim` protocol's own
 * defaults, as the KV's phi detector pings every 100 ms.
 *
 * @example
 * ```ts
 * import { quorumSwimOptions } from "./swim_monitor.ts";
 * quorumSwimOptions({}).periodMs; // 200
 * ```
 */
export function quorumSwimOptions(raw: Readonly<Record<string, unknown>>): SwimOptions {
  return swimOptions({
    periodMs: raw.swimPeriodMs ?? 200,
    pingTimeoutMs: raw.swimPingTimeoutMs ?? 80,
    k: raw.swimK ?? 3,
    suspicionMult: raw.swimSuspicionMult ?? 4,
  });
}

/**
 * Creates the monitor of node `self` watching `peers` from `now`; a node that finds an
 * incarnation in its storage is restarting, and comes back with a higher one.
 *
 * @example
 * ```ts
 * import { createSwimMonitor } from "./swim_monitor.ts";
 * const sent: string[] = [];
 * const m = createSwimMonitor("n1", ["n2"], 0, {}, {
 *   send: (to, msg) => sent.push(`${msg.type}->${to}`), emit() {}, random: () => 0,
 *   load: () => undefined, save() {},
 * });
 * m.tick(0);
 * sent; // ["ping->n2"]
 * ```
 */
export function createSwimMonitor(
  self: NodeId,
  peers: readonly NodeId[],
  now: number,
  options: Readonly<Record<string, unknown>>,
  host: SwimHost,
): SwimMonitor {
  const o = quorumSwimOptions(options);
  const stored = host.load(INCARNATION_KEY);
  const incarnation = typeof stored === "number" ? stored + 1 : 0;
  host.save(INCARNATION_KEY, incarnation);
  const s: SwimState = createSwimState(
    self,
    peers,
    o,
    now,
    incarnation,
    now + host.random() * o.periodMs,
  );
  if (incarnation > 0) enqueue(s.gossip, { node: self, state: "alive", incarnation });
  let dirty = false;
  const fx: SwimEffects = {
    send: (to, m) => host.send(to, m),
    emit: (kind, data) => {
      // Every change of a member's state is told here: `review` has work only then.
      dirty = true;
      // Suspicion and trust reach the node through `review`, as with the other detectors.
      if (kind === "dead" || kind === "refute") host.emit(kind, data);
    },
    persistIncarnation: (i) => host.save(INCARNATION_KEY, i),
    random: () => host.random(),
  };
  const suspected = new Set<NodeId>();
  return {
    tick: (t) => onTick(s, fx, t),
    message: (from, m, t) => onMessage(s, fx, from, m, t),
    get sent() {
      return s.sent;
    },
    get incarnation() {
      return s.incarnation;
    },
    heartbeat() {
      // SWIM trusts only its own probes (and refutations): other traffic proves nothing.
    },
    watch(next, t) {
      dirty = true;
      for (const p of next) {
        if (p === self || s.members.has(p)) continue;
        s.peers.push(p);
        s.members.set(p, { state: "alive", incarnation: 0, since: t });
      }
      const keep = new Set(next);
      for (let i = s.peers.length - 1; i >= 0; i--) {
        const p = s.peers[i]!;
        if (keep.has(p)) continue;
        s.peers.splice(i, 1);
        s.members.delete(p);
        s.suspected.delete(p);
        suspected.delete(p);
      }
    },
    review(_t, changed) {
      // Called every tick: without a change since the last one, nothing to look at (a
      // walk over every member per tick would cost each node O(N)).
      if (!dirty) return;
      dirty = false;
      for (const p of s.peers) {
        const bad = s.members.get(p)?.state !== "alive";
        if (bad === suspected.has(p)) continue;
        if (bad) suspected.add(p);
        else suspected.delete(p);
        changed(p, bad);
      }
    },
    suspected: (peer) => suspected.has(peer),
    suspects: () => [...suspected],
  };
}
