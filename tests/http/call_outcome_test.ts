import assert from "node:assert/strict";
import { failedCall, gatewayProblem } from "../../http/call_outcome.ts";
import { TimeoutError } from "../../resilience/timeout.ts";
import { CircuitOpenError } from "../../resilience/circuit_state.ts";
import { BulkheadRejectedError } from "../../resilience/bulkhead.ts";

Deno.test("a node timeout is an unknown outcome (504); breaker and bulkhead refusals are 503", () => {
  const t = gatewayProblem(new TimeoutError(500), "n2")!;
  assert.equal(t.kind, "unknown");
  assert.equal(t.problem.problem.status, 504);
  assert.equal(t.problem.problem.node, "n2");
  const open = gatewayProblem(new CircuitOpenError("open", 2000), "n3")!;
  assert.equal(open.kind, "refused");
  assert.equal(open.problem.problem.status, 503);
  const full = gatewayProblem(new BulkheadRejectedError("full"), "n3")!;
  assert.equal(full.kind, "refused");
  assert.match(String(full.problem.problem.detail), /too many requests/);
  assert.equal(gatewayProblem(new Error("other"), "n1"), null);
});

Deno.test("a failed call is recorded as info when its outcome is unknown, fail otherwise", () => {
  assert.equal(failedCall(new Error("lost")).type, "info");
  const refused = gatewayProblem(new BulkheadRejectedError("full"), "n4")!.problem;
  const r = failedCall(refused);
  assert.equal(r.type, "fail");
  assert.equal(r.node, "n4");
  assert.equal(r.problem, refused);
});
