import assert from "node:assert/strict";
import fc from "fast-check";
import { ClassifiedError, type FailureKind } from "../../resilience/failure_kind.ts";
import { Retry, type RetryEvent, type RetryOptions } from "../../resilience/retry.ts";
import { createVirtualClock, type VirtualClock } from "../../resilience/virtual_clock.ts";
import type { CallContext } from "../../resilience/policy.ts";

function setup(options: Omit<RetryOptions, "clock"> = {}): { clock: VirtualClock; retry: Retry } {
  const clock = createVirtualClock();
  return {
    clock,
    retry: new Retry({ clock, backoff: { type: "constant", delayMs: 10 }, ...options }),
  };
}

/** Runs `p` to completion, advancing virtual time as far as needed. */
async function drive<T>(clock: VirtualClock, p: Promise<T>): Promise<T> {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  while (!done) {
    await clock.advanceAsync(0);
    const due = clock.nextDue();
    if (due === undefined) break;
    await clock.advanceAsync(due - clock.now());
  }
  return await p;
}

/** A call that fails with errors of the given kinds, in turn, then succeeds. */
function failing(kinds: (FailureKind | "plain")[], log: CallContext[], clock?: VirtualClock) {
  const times: number[] = [];
  const fn = (ctx: CallContext): Promise<string> => {
    log.push(ctx);
    if (clock) times.push(clock.now());
    const kind = kinds[log.length - 1];
    if (kind === undefined) return Promise.resolve("ok");
    return Promise.reject(kind === "plain" ? new Error("plain") : new ClassifiedError(kind, kind));
  };
  return { fn, times };
}

Deno.test("transient failures are retried until maxAttempts, then the last error is thrown", async () => {
  const { clock, retry } = setup({ maxAttempts: 3 });
  const log: CallContext[] = [];
  const { fn } = failing(["transient", "transient", "transient", "transient"], log);
  await assert.rejects(drive(clock, retry.execute(fn)), /transient/);
  assert.deepEqual(log.map((c) => c.attempt), [1, 2, 3]);
});

Deno.test("a call that recovers returns its value", async () => {
  const { clock, retry } = setup({ maxAttempts: 5 });
  const log: CallContext[] = [];
  const { fn } = failing(["transient", "transient"], log);
  assert.equal(await drive(clock, retry.execute(fn)), "ok");
  assert.equal(log.length, 3);
});

Deno.test("a definite failure is never retried, whatever the options and predicate say", async () => {
  const { clock, retry } = setup({ maxAttempts: 10, shouldRetry: () => true, idempotent: true });
  const log: CallContext[] = [];
  const { fn } = failing(["definite"], log);
  await assert.rejects(
    drive(clock, retry.execute(fn, { idempotent: true, idempotencyKey: "k" })),
    /definite/,
  );
  assert.equal(log.length, 1);
});

Deno.test("an indefinite failure of a non-idempotent write is not repeated", async () => {
  const { clock, retry } = setup({ maxAttempts: 10, shouldRetry: () => true });
  for (const kind of ["indefinite", "plain"] as const) {
    const log: CallContext[] = [];
    const { fn } = failing([kind], log);
    await assert.rejects(drive(clock, retry.execute(fn, { idempotent: false })));
    assert.equal(log.length, 1, kind);
  }
});

Deno.test("an indefinite failure is retried for idempotent calls or with an idempotency key", async () => {
  const { clock, retry } = setup({ maxAttempts: 3 });
  let log: CallContext[] = [];
  await drive(clock, retry.execute(failing(["plain"], log).fn, { idempotent: true }));
  assert.equal(log.length, 2);
  log = [];
  await drive(clock, retry.execute(failing(["indefinite"], log).fn, { idempotencyKey: "put-9" }));
  assert.deepEqual(log.map((c) => c.idempotencyKey), ["put-9", "put-9"]);
  // The policy-wide default applies when the call does not say.
  const idem = setup({ maxAttempts: 3, idempotent: true });
  log = [];
  await drive(idem.clock, idem.retry.execute(failing(["plain"], log).fn));
  assert.equal(log.length, 2);
});

Deno.test("property: retries happen exactly when the failure kind and idempotency allow", async () => {
  const kind = fc.constantFrom<FailureKind | "plain">(
    "definite",
    "indefinite",
    "transient",
    "plain",
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(kind, { maxLength: 8 }),
      fc.integer({ min: 1, max: 6 }),
      fc.boolean(),
      fc.option(fc.constant("key"), { nil: undefined }),
      async (kinds, maxAttempts, idempotent, idempotencyKey) => {
        const { clock, retry } = setup({ maxAttempts, shouldRetry: () => true });
        const log: CallContext[] = [];
        const { fn } = failing(kinds, log);
        await drive(clock, retry.execute(fn, { idempotent, idempotencyKey })).catch(() => {});
        // The model: stop after success, after the last attempt, or on an unsafe failure.
        let expected = 0;
        for (;;) {
          expected++;
          const k = kinds[expected - 1];
          if (k === undefined || expected === maxAttempts) break;
          const safe = k === "transient" ||
            ((k === "indefinite" || k === "plain") && (idempotent || idempotencyKey !== undefined));
          if (!safe) break;
        }
        assert.equal(log.length, expected);
        for (let i = 0; i < log.length - 1; i++) {
          assert.notEqual(kinds[i], "definite", "retried after a definite failure");
        }
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("shouldRetry can narrow retrying but not widen it", async () => {
  const { clock, retry } = setup({ maxAttempts: 5, shouldRetry: (_e, attempt) => attempt < 2 });
  const log: CallContext[] = [];
  await assert.rejects(
    drive(clock, retry.execute(failing(["transient", "transient", "transient"], log).fn)),
  );
  assert.equal(log.length, 2);
});

Deno.test("exponential backoff waits through the clock: attempts at 0, 100, 300, 700", async () => {
  const { clock, retry } = setup({
    maxAttempts: 4,
    backoff: { type: "exponential", baseMs: 100, capMs: 10_000, jitter: "none" },
  });
  const log: CallContext[] = [];
  const { fn, times } = failing(["transient", "transient", "transient"], log, clock);
  assert.equal(await drive(clock, retry.execute(fn)), "ok");
  assert.deepEqual(times, [0, 100, 300, 700]);
});

Deno.test("jittered backoff draws from the injected random source", async () => {
  const { clock, retry } = setup({
    maxAttempts: 3,
    random: () => 0.25,
    backoff: { type: "exponential", baseMs: 100, capMs: 10_000, jitter: "full" },
  });
  const { fn, times } = failing(["transient", "transient"], [], clock);
  await drive(clock, retry.execute(fn));
  assert.deepEqual(times, [0, 25, 75]);
  assert.throws(
    () => new Retry({ clock, backoff: { type: "exponential", baseMs: 1, capMs: 2 } }),
    TypeError,
  );
});

Deno.test("Retry-After is honoured when longer than the backoff, and the backoff otherwise", async () => {
  const { clock, retry } = setup({ maxAttempts: 3 }); // constant 10 ms backoff
  const times: number[] = [];
  const errors = [
    new ClassifiedError("transient", "429", { retryAfterMs: 5000 }),
    new ClassifiedError("transient", "503", { retryAfterMs: 3 }),
  ];
  const fn = (): Promise<string> => {
    times.push(clock.now());
    const e = errors[times.length - 1];
    return e ? Promise.reject(e) : Promise.resolve("ok");
  };
  assert.equal(await drive(clock, retry.execute(fn)), "ok");
  assert.deepEqual(times, [0, 5000, 5010]);
});

Deno.test("a Retry-After beyond maxRetryAfterMs ends retrying instead of waiting", async () => {
  const { clock, retry } = setup({ maxAttempts: 3, maxRetryAfterMs: 1000 });
  let calls = 0;
  const fn = (): Promise<string> => {
    calls++;
    return Promise.reject(new ClassifiedError("transient", "later", { retryAfterMs: 60_000 }));
  };
  await assert.rejects(drive(clock, retry.execute(fn)), /later/);
  assert.equal(calls, 1);
  assert.equal(clock.now(), 0);
});

Deno.test("honorRetryAfter=false uses the backoff alone", async () => {
  const { clock, retry } = setup({ maxAttempts: 2, honorRetryAfter: false });
  const { fn, times } = failing([], [], clock);
  const f2 = (ctx: CallContext) =>
    ctx.attempt === 1
      ? Promise.reject(new ClassifiedError("transient", "x", { retryAfterMs: 9999 }))
      : fn(ctx);
  await drive(clock, retry.execute(f2));
  assert.deepEqual(times, [10]);
});

Deno.test("aborting during a wait stops retrying at once and cancels the timer", async () => {
  const { clock, retry } = setup({ maxAttempts: 5, backoff: { type: "constant", delayMs: 1000 } });
  const controller = new AbortController();
  let calls = 0;
  const p = retry.execute(() => {
    calls++;
    return Promise.reject(new ClassifiedError("transient", "busy"));
  }, { signal: controller.signal });
  await clock.advanceAsync(400);
  assert.equal(clock.pending, 1);
  controller.abort(new Error("user cancelled"));
  await assert.rejects(p, /user cancelled/);
  assert.equal(calls, 1);
  assert.equal(clock.pending, 0);
});

Deno.test("an already aborted signal means the call is never made", async () => {
  const { retry } = setup();
  let calls = 0;
  const controller = new AbortController();
  controller.abort(new Error("too late"));
  await assert.rejects(
    retry.execute(() => Promise.resolve(calls++), { signal: controller.signal }),
    /too late/,
  );
  assert.equal(calls, 0);
});

Deno.test("maxElapsedMs stops before a wait that would end past the budget", async () => {
  const { clock, retry } = setup({
    maxAttempts: 10,
    maxElapsedMs: 250,
    backoff: { type: "constant", delayMs: 100 },
  });
  const { fn, times } = failing(Array(10).fill("transient"), [], clock);
  await assert.rejects(drive(clock, retry.execute(fn)));
  assert.deepEqual(times, [0, 100, 200]);
});

Deno.test("onRetry is told the failed attempt, its kind and the coming wait", async () => {
  const events: RetryEvent[] = [];
  const { clock, retry } = setup({ maxAttempts: 3, onRetry: (e) => events.push(e) });
  await drive(clock, retry.execute(failing(["transient"], []).fn));
  assert.equal(events.length, 1);
  assert.equal(events[0].attempt, 1);
  assert.equal(events[0].kind, "transient");
  assert.equal(events[0].delayMs, 10);
});

Deno.test("retry options are validated", () => {
  const clock = createVirtualClock();
  assert.throws(() => new Retry({ clock, maxAttempts: 0, random: () => 0.5 }), RangeError);
  assert.throws(() => new Retry({ clock, maxAttempts: 1.5, random: () => 0.5 }), RangeError);
});
