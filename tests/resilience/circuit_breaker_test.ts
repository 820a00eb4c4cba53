import assert from "node:assert/strict";
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitEvent,
  CircuitOpenError,
} from "../../resilience/circuit_breaker.ts";
import { BulkheadRejectedError } from "../../resilience/bulkhead.ts";
import { createVirtualClock, type VirtualClock } from "../../resilience/virtual_clock.ts";

const boom = new Error("boom");

function setup(options: Omit<CircuitBreakerOptions, "clock">): {
  clock: VirtualClock;
  breaker: CircuitBreaker;
  transitions: string[];
} {
  const clock = createVirtualClock();
  const breaker = new CircuitBreaker({ clock, ...options });
  const transitions: string[] = [];
  breaker.onStateChange((from, to, reason) => transitions.push(`${from}>${to}:${reason}`));
  return { clock, breaker, transitions };
}

function call(breaker: CircuitBreaker, ok: boolean, durationMs = 1): boolean {
  if (!breaker.tryAcquire()) return false;
  if (ok) breaker.onSuccess(durationMs);
  else breaker.onError(durationMs, boom);
  return true;
}

Deno.test("consecutive window opens exactly at the Nth failure in a row", () => {
  const { breaker, transitions } = setup({ window: { type: "consecutive", failures: 3 } });
  call(breaker, false);
  call(breaker, false);
  call(breaker, true); // resets the streak
  call(breaker, false);
  call(breaker, false);
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.metrics().consecutiveFailures, 2);
  call(breaker, false);
  assert.equal(breaker.state, "open");
  assert.deepEqual(transitions, ["closed>open:consecutive_failures"]);
  assert.equal(breaker.tryAcquire(), false);
});

Deno.test("count window does not judge before minimumCalls, even at 100% failures", () => {
  const { breaker } = setup({ window: { type: "count", size: 10 }, minimumCalls: 5 });
  for (let i = 0; i < 4; i++) call(breaker, false);
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.metrics().failureRate, -1);
  call(breaker, false);
  assert.equal(breaker.state, "open");
});

Deno.test("count window opens when the failure rate reaches the threshold exactly", () => {
  const { breaker, transitions } = setup({
    window: { type: "count", size: 10 },
    failureRateThreshold: 50,
  });
  for (let i = 0; i < 6; i++) call(breaker, true);
  for (let i = 0; i < 3; i++) call(breaker, false);
  assert.equal(breaker.state, "closed"); // 9 calls < minimum 10
  call(breaker, false); // 4 of 10 = 40%
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.metrics().failureRate, 40);
  call(breaker, false); // oldest success slides out: 5 of 10 = 50%
  assert.equal(breaker.state, "open");
  assert.deepEqual(transitions, ["closed>open:failure_rate"]);
});

Deno.test("count window forgets the oldest outcome as new calls arrive", () => {
  const { breaker } = setup({
    window: { type: "count", size: 4 },
    failureRateThreshold: 75,
  });
  call(breaker, false);
  call(breaker, false);
  call(breaker, true);
  call(breaker, true); // 50%
  call(breaker, false); // window [F, S, S, F]: a failure slid out, one came in, still 50%
  assert.equal(breaker.metrics().failureRate, 50);
  assert.equal(breaker.state, "closed");
  call(breaker, true); // window [S, S, F, S]: 25%
  assert.equal(breaker.metrics().failureRate, 25);
});

Deno.test("minimumCalls larger than a count window is capped at the window size", () => {
  const { breaker } = setup({ window: { type: "count", size: 3 }, minimumCalls: 100 });
  for (let i = 0; i < 3; i++) call(breaker, false);
  assert.equal(breaker.state, "open");
});

Deno.test("time window: failures older than the window's seconds stop counting", () => {
  const { clock, breaker } = setup({
    window: { type: "time", seconds: 2 },
    minimumCalls: 4,
    failureRateThreshold: 50,
  });
  call(breaker, false); // second 0
  call(breaker, false);
  clock.advance(1000); // second 1
  call(breaker, true);
  assert.equal(breaker.metrics().calls, 3);
  clock.advance(1000); // second 2: second 0's bucket rolls out
  assert.equal(breaker.metrics().calls, 1);
  call(breaker, false);
  call(breaker, true);
  call(breaker, true); // 1 of 4 in seconds 1–2 failed
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.metrics().failureRate, 25);
  clock.advance(999); // still second 2
  assert.equal(breaker.metrics().calls, 4);
  clock.advance(1); // second 3: second 1's single success rolls out → 1 of 3
  assert.equal(breaker.metrics().calls, 3);
  call(breaker, false); // 2 of 4 = 50%
  assert.equal(breaker.state, "open");
});

Deno.test("time window: an idle gap longer than the window empties it", () => {
  const { clock, breaker } = setup({
    window: { type: "time", seconds: 3 },
    minimumCalls: 3,
  });
  call(breaker, false);
  call(breaker, false);
  clock.advance(60_000);
  call(breaker, false);
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.metrics().calls, 1);
});

Deno.test("open breaker refuses calls until the wait elapses, then goes half-open", async () => {
  const { clock, breaker, transitions } = setup({
    window: { type: "consecutive", failures: 1 },
    openWaitMs: 5000,
  });
  call(breaker, false);
  clock.advance(2000);
  let ran = false;
  const refused = await breaker.execute(() => {
    ran = true;
    return Promise.resolve(1);
  }).catch((e) => e);
  assert.equal(ran, false);
  assert.ok(refused instanceof CircuitOpenError);
  assert.equal(refused.retryAfterMs, 3000);
  assert.equal(refused.failureKind, "transient");
  assert.equal(breaker.metrics().notPermittedCalls, 1);
  assert.equal(breaker.metrics().openUntil, 5000);
  clock.advance(2999);
  assert.equal(breaker.state, "open");
  clock.advance(1);
  assert.equal(breaker.state, "half_open");
  assert.deepEqual(transitions, [
    "closed>open:consecutive_failures",
    "open>half_open:wait_elapsed",
  ]);
});

Deno.test("half-open permits exactly halfOpenCalls concurrent trials and refuses the rest", () => {
  const { clock, breaker } = setup({
    window: { type: "count", size: 4 },
    openWaitMs: 100,
    halfOpenCalls: 3,
  });
  for (let i = 0; i < 4; i++) call(breaker, false);
  clock.advance(100);
  assert.equal(breaker.tryAcquire(), true);
  assert.equal(breaker.tryAcquire(), true);
  assert.equal(breaker.tryAcquire(), true);
  assert.equal(breaker.tryAcquire(), false);
  assert.equal(breaker.metrics().trialsInFlight, 3);
  breaker.onSuccess(1);
  // A finished trial does not free a slot: the verdict waits for all three.
  assert.equal(breaker.tryAcquire(), false);
  breaker.onSuccess(1);
  assert.equal(breaker.state, "half_open");
  breaker.onSuccess(1);
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.tryAcquire(), true);
});

Deno.test("half-open reopens when the trials' failure rate reaches the threshold", () => {
  const { clock, breaker, transitions } = setup({
    window: { type: "count", size: 2 },
    openWaitMs: 100,
    halfOpenCalls: 4,
    failureRateThreshold: 50,
  });
  call(breaker, false);
  call(breaker, false);
  clock.advance(100);
  for (let i = 0; i < 4; i++) assert.ok(breaker.tryAcquire());
  breaker.onSuccess(1);
  breaker.onError(1, boom);
  breaker.onSuccess(1);
  assert.equal(breaker.state, "half_open");
  breaker.onError(1, boom); // 2 of 4 = 50%
  assert.equal(breaker.state, "open");
  assert.equal(transitions.at(-1), "half_open>open:trials_failed");
});

Deno.test("half-open with a consecutive window reopens on the first failed trial", () => {
  const { clock, breaker } = setup({
    window: { type: "consecutive", failures: 2 },
    openWaitMs: 10,
    halfOpenCalls: 3,
  });
  call(breaker, false);
  call(breaker, false);
  clock.advance(10);
  assert.ok(breaker.tryAcquire());
  assert.ok(breaker.tryAcquire());
  breaker.onSuccess(1);
  breaker.onError(1, boom);
  assert.equal(breaker.state, "open");
});

Deno.test("the open wait grows by the multiplier up to the cap and resets on close", () => {
  const { clock, breaker } = setup({
    window: { type: "consecutive", failures: 1 },
    openWaitMs: 1000,
    openWaitMultiplier: 2,
    maxOpenWaitMs: 3000,
  });
  const waits: number[] = [];
  call(breaker, false);
  for (let i = 0; i < 4; i++) {
    const m = breaker.metrics();
    waits.push((m.openUntil as number) - clock.now());
    clock.advance(waits[i]);
    assert.equal(breaker.state, "half_open");
    call(breaker, false); // the trial fails: reopen with a longer wait
  }
  assert.deepEqual(waits, [1000, 2000, 3000, 3000]);
  assert.equal(breaker.metrics().openings, 5);
  clock.advance(3000);
  call(breaker, true); // closes
  assert.equal(breaker.state, "closed");
  call(breaker, false);
  assert.equal((breaker.metrics().openUntil as number) - clock.now(), 1000);
});

Deno.test("slow calls open the breaker at the slow-call rate; a call at the threshold is not slow", () => {
  const { breaker, transitions } = setup({
    window: { type: "count", size: 4 },
    slowCallDurationMs: 100,
    slowCallRateThreshold: 50,
  });
  call(breaker, true, 100); // exactly the threshold: not slow
  call(breaker, true, 101); // slow
  call(breaker, true, 5);
  call(breaker, true, 100);
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.metrics().slowCallRate, 25);
  call(breaker, true, 250); // window: slow, fast, at-threshold, slow → 50%
  assert.equal(breaker.state, "open");
  assert.deepEqual(transitions, ["closed>open:slow_call_rate"]);
});

Deno.test("execute measures durations on the clock, so a slow call counts as slow", async () => {
  const { clock, breaker } = setup({
    window: { type: "count", size: 1 },
    slowCallDurationMs: 50,
  });
  const p = breaker.execute(
    () => new Promise<string>((resolve) => clock.setTimer(80, () => resolve("late"))),
  );
  await clock.advanceAsync(80);
  assert.equal(await p, "late");
  assert.equal(breaker.state, "open");
});

Deno.test("execute drops a result that arrives after the state changed", async () => {
  const { clock, breaker } = setup({
    window: { type: "consecutive", failures: 1 },
    openWaitMs: 10,
  });
  let release!: (v: number) => void;
  const slow = breaker.execute(() => new Promise<number>((r) => (release = r)));
  call(breaker, false); // opens while `slow` is running
  clock.advance(10);
  assert.equal(breaker.state, "half_open");
  release(1);
  await slow;
  // The stale success neither closed the breaker nor took the single trial slot.
  assert.equal(breaker.state, "half_open");
  assert.equal(breaker.tryAcquire(), true);
});

Deno.test("isFailure=false counts an error as success; ignored errors count as nothing", () => {
  const { clock, breaker } = setup({
    window: { type: "count", size: 2 },
    isFailure: (e) => e !== "not-found",
    isIgnored: (e) => e === "cancelled",
    openWaitMs: 1,
  });
  breaker.tryAcquire();
  breaker.onError(1, "not-found");
  breaker.tryAcquire();
  breaker.onError(1, "cancelled");
  assert.equal(breaker.metrics().calls, 1);
  assert.equal(breaker.metrics().failedCalls, 0);
  call(breaker, false);
  call(breaker, false);
  clock.advance(1);
  assert.ok(breaker.tryAcquire());
  breaker.onError(1, "cancelled"); // an ignored trial frees its slot
  assert.ok(breaker.tryAcquire());
  assert.equal(breaker.state, "half_open");
});

Deno.test("by default a bulkhead refusal or an abort inside the breaker is ignored", () => {
  const { breaker } = setup({ window: { type: "consecutive", failures: 1 } });
  breaker.tryAcquire();
  breaker.onError(1, new BulkheadRejectedError("full"));
  breaker.tryAcquire();
  breaker.onError(1, new DOMException("stop", "AbortError"));
  assert.equal(breaker.state, "closed");
  call(breaker, false);
  assert.equal(breaker.state, "open");
});

Deno.test("forceOpen refuses everything until reset, whatever the clock says", () => {
  const { clock, breaker, transitions } = setup({ openWaitMs: 10 });
  breaker.forceOpen();
  clock.advance(1_000_000);
  assert.equal(breaker.state, "forced_open");
  assert.equal(breaker.tryAcquire(), false);
  breaker.reset();
  assert.equal(breaker.state, "closed");
  assert.equal(breaker.metrics().notPermittedCalls, 0);
  assert.deepEqual(transitions, ["closed>forced_open:forced", "forced_open>closed:reset"]);
});

Deno.test("automaticTransitions moves to half-open at exactly the wait, even when idle", () => {
  const { clock, breaker } = setup({
    window: { type: "consecutive", failures: 1 },
    openWaitMs: 250,
    automaticTransitions: true,
  });
  const events: CircuitEvent[] = [];
  breaker.subscribe((e) => events.push(e));
  call(breaker, false);
  clock.advance(249);
  assert.equal(events.filter((e) => e.type === "state_change").length, 1);
  clock.advance(1);
  const last = events.at(-1);
  assert.deepEqual(last, {
    type: "state_change",
    from: "open",
    to: "half_open",
    reason: "wait_elapsed",
    at: 250,
  });
  breaker.reset();
  assert.equal(clock.pending, 0);
});

Deno.test("a half-open breaker whose trials never report reopens after maxHalfOpenMs", () => {
  const { clock, breaker, transitions } = setup({
    window: { type: "consecutive", failures: 1 },
    openWaitMs: 100,
    maxHalfOpenMs: 500,
  });
  call(breaker, false);
  clock.advance(100);
  assert.ok(breaker.tryAcquire()); // this trial hangs
  clock.advance(499);
  assert.equal(breaker.state, "half_open");
  clock.advance(1);
  assert.equal(breaker.state, "open");
  assert.equal(transitions.at(-1), "half_open>open:half_open_timeout");
});

Deno.test("events report successes, failures and refusals with their durations", () => {
  const { breaker } = setup({
    window: { type: "consecutive", failures: 1 },
    slowCallDurationMs: 10,
  });
  const events: CircuitEvent[] = [];
  const unsubscribe = breaker.subscribe((e) => events.push(e));
  call(breaker, true, 20);
  call(breaker, false, 3);
  call(breaker, true);
  unsubscribe();
  call(breaker, true);
  assert.deepEqual(events.map((e) => e.type), ["success", "failure", "state_change", "rejected"]);
  assert.deepEqual(events[0], { type: "success", durationMs: 20, slow: true });
});

Deno.test("invalid options are refused", () => {
  const clock = createVirtualClock();
  assert.throws(() => new CircuitBreaker({ clock, failureRateThreshold: 0 }), RangeError);
  assert.throws(() => new CircuitBreaker({ clock, slowCallRateThreshold: 101 }), RangeError);
  assert.throws(
    () => new CircuitBreaker({ clock, window: { type: "count", size: 0 } }),
    RangeError,
  );
  assert.throws(() => new CircuitBreaker({ clock, halfOpenCalls: 1.5 }), RangeError);
  assert.throws(() => new CircuitBreaker({ clock, openWaitMultiplier: 0.5 }), RangeError);
  assert.throws(() => new CircuitBreaker({ clock, openWaitMs: -1 }), RangeError);
});
