/**
 * The peer monitor judges only the peers that may have changed (a deadline per trusted
 * peer, the suspects at every review). It must reach the verdicts of the monitor it
 * replaced — every watched peer judged at every review — at the same calls, in the same
 * order: a quorum-kv trace emits each flip.
 */

import assert from "node:assert/strict";
import { createPeerMonitor } from "../../protocols/quorum/peer_monitor.ts";
import { parseQuorumOptions } from "../../protocols/quorum/options.ts";
import {
  createFixedTimeout,
  heartbeatArrived,
  isSuspected,
} from "../../protocols/heartbeat/fixed_timeout.ts";
import { createPhiAccrual, phi, phiHeartbeat } from "../../protocols/heartbeat/phi_accrual.ts";
import { createRng } from "../../protocols/random.ts";

/** The monitor as it was: every watched peer judged at every review. */
function fullReviewMonitor(
  peers: readonly string[],
  now: number,
  o: ReturnType<typeof parseQuorumOptions>,
) {
  let watched = [...peers];
  const phiD = createPhiAccrual(peers, now, {
    threshold: o.phiThreshold,
    firstIntervalMs: o.pingMs,
  });
  const fixed = createFixedTimeout(peers, o.suspectMs, now);
  const suspected = new Set<string>();
  const judge = (p: string, t: number): boolean =>
    o.detector === "fixed" ? isSuspected(fixed, p, t) : phi(phiD, p, t) > o.phiThreshold;
  return {
    heartbeat(peer: string, t: number) {
      heartbeatArrived(fixed, peer, t);
      phiHeartbeat(phiD, peer, t);
    },
    watch(next: readonly string[], t: number) {
      for (const p of next) {
        if (!fixed.last.has(p)) heartbeatArrived(fixed, p, t);
        if (!phiD.peers.has(p)) phiHeartbeat(phiD, p, t);
      }
      watched = [...next];
      for (const p of [...suspected]) if (!next.includes(p)) suspected.delete(p);
    },
    review(t: number, changed: (peer: string, suspected: boolean) => void) {
      for (const p of watched) {
        const s = judge(p, t);
        if (s === suspected.has(p)) continue;
        if (s) suspected.add(p);
        else suspected.delete(p);
        changed(p, s);
      }
    },
    suspected: (peer: string) => suspected.has(peer),
    suspects: () => [...suspected],
  };
}

/**
 * Random pings (jittered, some peers silent for a while, some never members), membership
 * changes (in any order), reviews, and a clock that sometimes steps back; returns every
 * flip and the suspects after each review, from both monitors.
 */
function drive(seed: number, detector: "phi" | "fixed", phiThreshold: number) {
  const rng = createRng(seed);
  const o = parseQuorumOptions({ detector, phiThreshold });
  // Mostly numbered ids (found by number), a few others (found by id).
  const all = Array.from({ length: 12 }, (_, i) => i % 5 === 4 ? `db-${i}` : `n${i + 2}`);
  let members = all.slice(0, 8);
  const a = createPeerMonitor(members, 0, o);
  const b = fullReviewMonitor(members, 0, o);
  const logA: string[] = [], logB: string[] = [];
  let now = 0;
  const silentUntil = new Map<string, number>();
  for (let step = 0; step < 4000; step++) {
    const r = rng.next();
    if (r < 0.6) {
      const p = rng.next() < 0.95 ? members[rng.int(members.length)]! : all[rng.int(all.length)]!;
      if ((silentUntil.get(p) ?? 0) > now) continue;
      a.heartbeat(p, now);
      b.heartbeat(p, now);
      // A ping from a suspect is judged at once, as a quorum node does.
      if (a.suspected(p)) a.review(now, (q, s) => logA.push(`${now} ${q} ${s}`));
      if (b.suspected(p)) b.review(now, (q, s) => logB.push(`${now} ${q} ${s}`));
    } else if (r < 0.9) {
      a.review(now, (q, s) => logA.push(`${now} ${q} ${s}`));
      b.review(now, (q, s) => logB.push(`${now} ${q} ${s}`));
      logA.push(a.suspects().join(","));
      logB.push(b.suspects().join(","));
    } else if (r < 0.93) {
      silentUntil.set(all[rng.int(all.length)]!, now + rng.next() * 3000);
    } else if (r < 0.94) {
      // A membership change: some members leave, others (new or former) join, any order.
      members = all.filter(() => rng.next() < 0.7);
      if (rng.next() < 0.5) members.reverse();
      a.watch(members, now);
      b.watch(members, now);
    }
    // Mostly forward in small, irregular steps; now and then the clock steps back.
    now += rng.next() < 0.02 ? -rng.next() * 400 : rng.next() * 40;
  }
  return { a: logA, b: logB };
}

Deno.test("peer monitor: the same flips, in the same order, as judging every peer each review", () => {
  let flips = 0;
  for (const detector of ["phi", "fixed"] as const) {
    for (const threshold of [8, 1, 3]) {
      for (let seed = 1; seed <= 8; seed++) {
        const { a, b } = drive(seed, detector, threshold);
        assert.deepEqual(a, b, `${detector} φ>${threshold} seed ${seed}`);
        flips += a.filter((l) => / (true|false)$/.test(l)).length;
      }
    }
  }
  assert.ok(flips > 500, `only ${flips} flips: the drive does not exercise the monitor`);
});

Deno.test("peer monitor: a peer first heard of outside the membership is seeded, not sampled", () => {
  const o = parseQuorumOptions({});
  const m = createPeerMonitor(["n2"], 0, o);
  const ref = fullReviewMonitor(["n2"], 0, o);
  for (const x of [m, ref]) {
    x.heartbeat("n9", 300); // not a member yet
    x.watch(["n2", "n9"], 350);
  }
  const flipsM: string[] = [], flipsR: string[] = [];
  for (let t = 400; t < 1200; t += 10) {
    m.heartbeat("n2", t);
    ref.heartbeat("n2", t);
    m.review(t, (p, s) => flipsM.push(`${t} ${p} ${s}`));
    ref.review(t, (p, s) => flipsR.push(`${t} ${p} ${s}`));
  }
  assert.deepEqual(flipsM, flipsR);
  assert.equal(flipsM.length, 1); // n9 suspected once, silent since 300
});
