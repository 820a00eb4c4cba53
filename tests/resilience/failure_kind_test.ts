import assert from "node:assert/strict";
import {
  ClassifiedError,
  failureKindOf,
  mayRetry,
  retryAfterOf,
} from "../../resilience/failure_kind.ts";
import { parseHttpDate, parseRetryAfter } from "../../resilience/retry_after.ts";
import { TimeoutError } from "../../resilience/timeout.ts";
import { BulkheadRejectedError } from "../../resilience/bulkhead.ts";
import { CircuitOpenError } from "../../resilience/circuit_breaker.ts";

Deno.test("an error without a failureKind is indefinite", () => {
  assert.equal(failureKindOf(new Error("x")), "indefinite");
  assert.equal(failureKindOf("oops"), "indefinite");
  assert.equal(failureKindOf({ failureKind: "bogus" }), "indefinite");
  assert.equal(failureKindOf(new ClassifiedError("definite", "no")), "definite");
});

Deno.test("the library's own errors state their kind", () => {
  assert.equal(failureKindOf(new TimeoutError(5)), "indefinite");
  assert.equal(failureKindOf(new BulkheadRejectedError("full")), "transient");
  assert.equal(failureKindOf(new CircuitOpenError("open", 3)), "transient");
});

Deno.test("mayRetry: never definite, always transient, indefinite only when safe", () => {
  for (const op of [{}, { idempotent: true }, { idempotencyKey: "k" }]) {
    assert.equal(mayRetry("definite", op), false);
    assert.equal(mayRetry("transient", op), true);
  }
  assert.equal(mayRetry("indefinite", {}), false);
  assert.equal(mayRetry("indefinite", { idempotent: false }), false);
  assert.equal(mayRetry("indefinite", { idempotencyKey: "" }), false);
  assert.equal(mayRetry("indefinite", { idempotent: true }), true);
  assert.equal(mayRetry("indefinite", { idempotencyKey: "req-1" }), true);
});

Deno.test("retryAfterOf accepts only finite non-negative numbers", () => {
  assert.equal(retryAfterOf({ retryAfterMs: 0 }), 0);
  assert.equal(retryAfterOf({ retryAfterMs: 1500 }), 1500);
  assert.equal(retryAfterOf({ retryAfterMs: -1 }), undefined);
  assert.equal(retryAfterOf({ retryAfterMs: Infinity }), undefined);
  assert.equal(retryAfterOf({ retryAfterMs: "5" }), undefined);
  assert.equal(retryAfterOf(null), undefined);
});

Deno.test("Retry-After in seconds becomes milliseconds", () => {
  assert.equal(parseRetryAfter("120", 0), 120_000);
  assert.equal(parseRetryAfter(" 0 ", 0), 0);
  assert.equal(parseRetryAfter("-3", 0), undefined);
  assert.equal(parseRetryAfter("1.5", 0), undefined);
  assert.equal(parseRetryAfter(undefined, 0), undefined);
  assert.equal(parseRetryAfter(null, 0), undefined);
});

Deno.test("HTTP-dates in all three RFC 9110 forms parse to the same instant", () => {
  // 784111777000 ms is Sun, 06 Nov 1994 08:49:37 GMT (the RFC's own example).
  assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
  assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777000);
  assert.equal(parseHttpDate("Sun Nov  6 08:49:37 1994"), 784111777000);
  assert.equal(parseHttpDate("Thu, 29 Feb 2024 00:00:00 GMT"), 1709164800000);
  assert.equal(parseHttpDate("Sun, 06 Xyz 1994 08:49:37 GMT"), undefined);
  assert.equal(parseHttpDate("yesterday"), undefined);
});

Deno.test("Retry-After as a date is the time left until then, never negative", () => {
  const at = 784111777000;
  assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", at - 3000), 3000);
  assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", at + 3000), 0);
});
