import assert from "node:assert/strict";
import { createSimClock } from "../../nodes/sim_clock.ts";
import { Simulation } from "../../nodes/simulator.ts";
import { register } from "../../protocols/register/register.ts";
import { CircuitBreaker } from "../../resilience/circuit_breaker.ts";

function sim(): Simulation {
  return new Simulation({ protocol: register, nodes: 1, seed: 7 });
}

Deno.test("sim clock reads the simulation's virtual time", () => {
  const s = sim();
  const clock = createSimClock(s);
  assert.equal(clock.now(), 0);
  s.runFor(123.5);
  assert.equal(clock.now(), 123.5);
});

Deno.test("sim clock timers fire at their virtual due time, in order", () => {
  const s = sim();
  const clock = createSimClock(s);
  const fired: [string, number][] = [];
  clock.setTimer(30, () => fired.push(["b", clock.now()]));
  clock.setTimer(10, () => fired.push(["a", clock.now()]));
  clock.setTimer(30, () => fired.push(["c", clock.now()]));
  s.runFor(29);
  assert.deepEqual(fired, [["a", 10]]);
  s.runFor(100);
  assert.deepEqual(fired, [["a", 10], ["b", 30], ["c", 30]]);
});

Deno.test("a cancelled sim clock timer never fires; cancelling again or late is a no-op", () => {
  const s = sim();
  const clock = createSimClock(s);
  const fired: number[] = [];
  const cancel = clock.setTimer(10, () => fired.push(1));
  const fire = clock.setTimer(5, () => fired.push(2));
  cancel();
  cancel();
  s.runFor(20);
  fire();
  assert.deepEqual(fired, [2]);
});

Deno.test("negative and NaN delays fire now, not in the past", () => {
  const s = sim();
  s.runFor(50);
  const clock = createSimClock(s);
  const fired: number[] = [];
  clock.setTimer(-5, () => fired.push(clock.now()));
  clock.setTimer(NaN, () => fired.push(clock.now()));
  s.runFor(0);
  assert.deepEqual(fired, [50, 50]);
});

Deno.test("a circuit breaker with automatic transitions goes half-open on virtual time", () => {
  const s = sim();
  const clock = createSimClock(s);
  const breaker = new CircuitBreaker({
    clock,
    window: { type: "consecutive", failures: 1 },
    openWaitMs: 100,
    automaticTransitions: true,
  });
  const changes: string[] = [];
  breaker.onStateChange((from, to) => changes.push(`${clock.now()} ${from}->${to}`));
  s.runFor(10);
  assert.ok(breaker.tryAcquire());
  breaker.onError(1, new Error("boom"));
  s.runFor(99);
  assert.deepEqual(changes, ["10 closed->open"]);
  s.runFor(1);
  assert.deepEqual(changes, ["10 closed->open", "110 open->half_open"]);
});
