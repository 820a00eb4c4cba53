import assert from "node:assert/strict";
import {
  createSuspicionWatch,
  reviewSuspicions,
  type SuspicionRules,
} from "../../protocols/heartbeat/suspicion_watch.ts";
import {
  createDeadlineHeap,
  earliestDeadline,
  earliestSlot,
  hasSlot,
  removeSlot,
  setDeadline,
} from "../../protocols/heartbeat/deadline_heap.ts";
import { createRng } from "../../protocols/random.ts";

/** A fixed timeout over `n` peers, counting every peer it is asked to judge. */
function timeoutRules(n: number, timeoutMs = 500) {
  const last = new Float64Array(n);
  const visits = { judged: 0 };
  const rules: SuspicionRules = {
    from: (p) => last[p]! + timeoutMs,
    judge: (p, now) => {
      visits.judged++;
      return now - last[p]! > timeoutMs;
    },
  };
  return { last, visits, rules };
}

Deno.test("deadline heap: slots come out by deadline, a moved or removed slot included", () => {
  const rng = createRng(9);
  const n = 200;
  const h = createDeadlineHeap(n);
  const want = new Map<number, number>();
  for (let i = 0; i < 2000; i++) {
    const slot = Math.floor(rng.next() * n);
    if (rng.next() < 0.2) {
      removeSlot(h, slot);
      want.delete(slot);
    } else {
      const at = Math.floor(rng.next() * 10_000);
      setDeadline(h, slot, at);
      want.set(slot, at);
    }
    assert.equal(h.length, want.size);
    assert.equal(earliestDeadline(h), Math.min(...want.values()));
  }
  let previous = -Infinity;
  while (h.length > 0) {
    const slot = earliestSlot(h);
    assert.equal(earliestDeadline(h), want.get(slot));
    assert.ok(earliestDeadline(h) >= previous);
    previous = earliestDeadline(h);
    removeSlot(h, slot);
    assert.equal(hasSlot(h, slot), false);
  }
  assert.equal(earliestSlot(h), -1);
});

Deno.test("watch: a peer silent past its deadline is suspected at the first review after it", () => {
  const { last, rules } = timeoutRules(3);
  const w = createSuspicionWatch(3, rules, 0);
  last[0] = 100;
  assert.deepEqual(reviewSuspicions(w, rules, 100, 0), []);
  assert.deepEqual(reviewSuspicions(w, rules, 500, -1), []); // not past 500 yet
  assert.deepEqual(reviewSuspicions(w, rules, 501, -1), [1, 2]);
  assert.deepEqual(reviewSuspicions(w, rules, 590, -1), []); // suspected once, not again
  assert.deepEqual(reviewSuspicions(w, rules, 610, -1), [0]);
  assert.deepEqual([...w.suspected].sort(), [0, 1, 2]);
});

Deno.test("watch: a heartbeat clears suspicion, and the peer is due again from its new deadline", () => {
  const { last, rules } = timeoutRules(2);
  const w = createSuspicionWatch(2, rules, 0);
  assert.deepEqual(reviewSuspicions(w, rules, 600, -1), [0, 1]);
  last[1] = 700;
  assert.deepEqual(reviewSuspicions(w, rules, 700, 1), [1]);
  assert.equal(w.suspected.has(1), false);
  assert.deepEqual(reviewSuspicions(w, rules, 1200, -1), []);
  assert.deepEqual(reviewSuspicions(w, rules, 1201, -1), [1]);
});

Deno.test("watch: a clock that steps back re-judges the suspects", () => {
  const { rules } = timeoutRules(2);
  const w = createSuspicionWatch(2, rules, 0);
  assert.deepEqual(reviewSuspicions(w, rules, 900, -1), [0, 1]);
  assert.deepEqual(reviewSuspicions(w, rules, 300, -1), [0, 1]); // back before the deadline
  assert.equal(w.suspected.size, 0);
  assert.deepEqual(reviewSuspicions(w, rules, 501, -1), [0, 1]);
});

Deno.test("watch: a review visits only the peers that are due, not every unsuspected one", () => {
  // 1,000 peers beating every 100 ms, one of them (peer 7) stopping at 1 s; a review
  // every 10 ms (a tick) and at every heartbeat, as the heartbeat protocol does. (A
  // 505 ms timeout: no deadline falls on a review, where it would cost one visit.)
  const n = 1000;
  const { last, visits, rules } = timeoutRules(n, 505);
  const w = createSuspicionWatch(n, rules, 0);
  let reviews = 0, heartbeats = 0;
  const flips: number[] = [];
  for (let t = 0; t <= 3000; t += 10) {
    for (let p = 0; p < n; p++) {
      if (p % 10 !== (t / 10) % 10 || (p === 7 && t > 1000)) continue;
      last[p] = t;
      heartbeats++;
      reviews++;
      flips.push(...reviewSuspicions(w, rules, t, p));
    }
    reviews++;
    flips.push(...reviewSuspicions(w, rules, t, -1));
  }
  assert.deepEqual(flips, [7]);
  // One visit: the peer that fell silent, once due. A heartbeat from a trusted peer
  // only moves its deadline; judging every peer at every review would be 30 million.
  assert.equal(visits.judged, 1);
  assert.ok(heartbeats > 29_000 && reviews * n > 30e6, `${heartbeats} ${reviews}`);
});

Deno.test("watch: a bound that is early costs a visit, never a missed or late suspicion", () => {
  // `from` 100 ms early: due peers are judged, found trusted, and kept due.
  const { last, visits, rules: exact } = timeoutRules(1);
  const rules: SuspicionRules = { from: (p) => exact.from(p) - 100, judge: exact.judge };
  const w = createSuspicionWatch(1, rules, 0);
  last[0] = 0;
  const before = visits.judged;
  assert.deepEqual(reviewSuspicions(w, rules, 450, -1), []);
  assert.deepEqual(reviewSuspicions(w, rules, 500, -1), []);
  assert.equal(visits.judged - before, 2);
  assert.deepEqual(reviewSuspicions(w, rules, 500.5, -1), [0]);
});
