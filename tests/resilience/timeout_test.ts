import assert from "node:assert/strict";
import { Timeout, TimeoutError, withTimeout } from "../../resilience/timeout.ts";
import type { CallContext } from "../../resilience/policy.ts";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await undefined;
}

Deno.test("timeout fires at exactly the virtual time and aborts the call's signal", async () => {
  const clock = createVirtualClock();
  const timeout = new Timeout({ clock, ms: 1000 });
  let signal: AbortSignal | undefined;
  let settled = false;
  const p = timeout.execute((ctx) => {
    signal = ctx.signal;
    return new Promise<never>(() => {});
  }).catch((e) => e).finally(() => (settled = true));
  clock.advance(999);
  await settle();
  assert.equal(settled, false);
  assert.equal(signal?.aborted, false);
  clock.advance(1);
  const error = await p;
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.timeoutMs, 1000);
  assert.equal(error.failureKind, "indefinite");
  assert.equal(clock.now(), 1000);
  assert.equal(signal?.aborted, true);
  assert.equal(signal?.reason, error);
});

Deno.test("a call that settles in time keeps its outcome and cancels the timer", async () => {
  const clock = createVirtualClock();
  const timeout = new Timeout({ clock, ms: 100 });
  const p = timeout.execute(() => new Promise<string>((r) => clock.setTimer(99, () => r("fast"))));
  await clock.advanceAsync(99);
  assert.equal(await p, "fast");
  assert.equal(clock.pending, 0);
  await assert.rejects(timeout.execute(() => Promise.reject(new Error("own"))), /own/);
  await assert.rejects(
    timeout.execute(() => {
      throw new Error("sync");
    }),
    /sync/,
  );
  assert.equal(clock.pending, 0);
});

Deno.test("a result arriving after the timeout is dropped", async () => {
  const clock = createVirtualClock();
  let finish!: (v: string) => void;
  const p = withTimeout(clock, 10, () => new Promise<string>((r) => (finish = r)));
  clock.advance(10);
  await assert.rejects(p, TimeoutError);
  finish("too late"); // must not throw or resolve anything
  await settle();
});

Deno.test("the caller's abort rejects at once with its reason and aborts the inner signal", async () => {
  const clock = createVirtualClock();
  const controller = new AbortController();
  let inner: AbortSignal | undefined;
  const p = withTimeout(clock, 1000, (ctx) => {
    inner = ctx.signal;
    return new Promise<never>(() => {});
  }, { signal: controller.signal });
  controller.abort(new Error("caller gave up"));
  await assert.rejects(p, /caller gave up/);
  assert.equal(inner?.aborted, true);
  assert.equal(clock.pending, 0);
  await assert.rejects(
    withTimeout(clock, 5, () => Promise.resolve(1), { signal: controller.signal }),
    /caller gave up/,
  );
});

Deno.test("timeout passes the attempt and idempotency on to the call", async () => {
  const clock = createVirtualClock();
  let seen: CallContext | undefined;
  await withTimeout(clock, 5, (ctx) => Promise.resolve(seen = ctx), {
    attempt: 3,
    idempotent: true,
    idempotencyKey: "k",
  });
  assert.equal(seen?.attempt, 3);
  assert.equal(seen?.idempotent, true);
  assert.equal(seen?.idempotencyKey, "k");
  assert.ok(seen?.signal instanceof AbortSignal);
});

Deno.test("a negative timeout is refused", () => {
  assert.throws(() => new Timeout({ clock: createVirtualClock(), ms: -1 }), RangeError);
});
