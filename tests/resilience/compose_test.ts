import assert from "node:assert/strict";
import { Bulkhead, BulkheadRejectedError } from "../../resilience/bulkhead.ts";
import { CircuitBreaker } from "../../resilience/circuit_breaker.ts";
import { resilient, wrap } from "../../resilience/compose.ts";
import { ClassifiedError } from "../../resilience/failure_kind.ts";
import type { Policy } from "../../resilience/policy.ts";
import { Retry } from "../../resilience/retry.ts";
import { Timeout, TimeoutError } from "../../resilience/timeout.ts";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";

function tracing(name: string, log: string[]): Policy {
  return {
    async execute(fn, ctx = {}) {
      log.push(`${name}>`);
      try {
        return await fn(ctx);
      } finally {
        log.push(`<${name}`);
      }
    },
  };
}

Deno.test("wrap nests policies with the first outermost", async () => {
  const log: string[] = [];
  const policy = wrap(tracing("a", log), tracing("b", log), tracing("c", log));
  const value = await policy.execute(() => {
    log.push("call");
    return Promise.resolve(5);
  });
  assert.equal(value, 5);
  assert.deepEqual(log, ["a>", "b>", "c>", "call", "<c", "<b", "<a"]);
  assert.equal(await wrap().execute(() => Promise.resolve("bare")), "bare");
});

Deno.test("resilient orders retry ∘ breaker ∘ bulkhead ∘ timeout: each attempt gets its own timeout", async () => {
  const clock = createVirtualClock();
  const breaker = new CircuitBreaker({ clock, window: { type: "consecutive", failures: 5 } });
  const policy = resilient({
    retry: new Retry({ clock, maxAttempts: 3, backoff: { type: "constant", delayMs: 50 } }),
    breaker,
    bulkhead: new Bulkhead({ maxConcurrent: 1 }),
    timeout: new Timeout({ clock, ms: 100 }),
  });
  const starts: number[] = [];
  const p = policy.execute((ctx) => {
    starts.push(clock.now());
    if (ctx.attempt === 3) return Promise.resolve("third time lucky");
    return new Promise<never>(() => {}); // hangs until the timeout
  }, { idempotent: true });
  await clock.advanceAsync(400);
  assert.equal(await p, "third time lucky");
  assert.deepEqual(starts, [0, 150, 300]);
  assert.equal(breaker.metrics().consecutiveFailures, 0);
  assert.equal(breaker.metrics().calls, 3); // two timeouts and a success
});

Deno.test("a timed-out non-idempotent write is not retried through the composition", async () => {
  const clock = createVirtualClock();
  const policy = resilient({
    retry: new Retry({ clock, maxAttempts: 5, backoff: { type: "none" } }),
    timeout: new Timeout({ clock, ms: 100 }),
  });
  let calls = 0;
  const p = policy.execute(() => {
    calls++;
    return new Promise<never>(() => {});
  });
  await clock.advanceAsync(1000);
  await assert.rejects(p, TimeoutError);
  assert.equal(calls, 1);
});

Deno.test("retry outside an open breaker waits for the breaker's retryAfterMs", async () => {
  const clock = createVirtualClock();
  const breaker = new CircuitBreaker({
    clock,
    window: { type: "consecutive", failures: 1 },
    openWaitMs: 2000,
  });
  const policy = resilient({
    retry: new Retry({ clock, maxAttempts: 3, backoff: { type: "constant", delayMs: 10 } }),
    breaker,
  });
  const starts: number[] = [];
  const p = policy.execute(() => {
    starts.push(clock.now());
    if (starts.length === 1) return Promise.reject(new ClassifiedError("transient", "503"));
    return Promise.resolve("recovered");
  });
  await clock.advanceAsync(10); // attempt 2 is refused by the open breaker at t=10
  await clock.advanceAsync(2000);
  assert.equal(await p, "recovered");
  // Attempt 1 at 0 opens it; attempt 2 is refused at 10 without running (retryAfterMs
  // 1990 beats the 10 ms backoff); attempt 3 at 2000 is the half-open trial.
  assert.deepEqual(starts, [0, 2000]);
  assert.equal(breaker.metrics().notPermittedCalls, 1);
  assert.equal(breaker.state, "closed");
});

Deno.test("a bulkhead refusal inside the breaker does not count against the dependency", async () => {
  const clock = createVirtualClock();
  const breaker = new CircuitBreaker({ clock, window: { type: "consecutive", failures: 1 } });
  const bulkhead = new Bulkhead({ maxConcurrent: 1 });
  const policy = resilient({ breaker, bulkhead });
  let release!: () => void;
  const first = policy.execute(() => new Promise<void>((r) => (release = r)));
  await assert.rejects(policy.execute(() => Promise.resolve()), BulkheadRejectedError);
  assert.equal(breaker.state, "closed");
  release();
  await first;
});
