import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { createRealClock } from "../../nodes/real_clock.ts";

function install() {
  return FakeTimers.withGlobal(globalThis).install({ toFake: ["setTimeout", "clearTimeout"] });
}

Deno.test("real clock fires timers after their delay, in order, on one host timer per duration", () => {
  const fake = install();
  try {
    const clock = createRealClock({ now: () => fake.now });
    const fired: [string, number][] = [];
    clock.setTimer(100, () => fired.push(["a", fake.now]));
    fake.tick(30);
    clock.setTimer(100, () => fired.push(["b", fake.now]));
    clock.setTimer(50, () => fired.push(["c", fake.now]));
    assert.equal(fake.countTimers(), 2); // one per distinct duration
    fake.tick(70);
    assert.deepEqual(fired, [["c", 80], ["a", 100]]);
    fake.tick(30);
    assert.deepEqual(fired.at(-1), ["b", 130]);
    assert.equal(clock.pending, 0);
    assert.equal(fake.countTimers(), 0);
  } finally {
    fake.uninstall();
  }
});

Deno.test("real clock skips cancelled timers and re-arms for the next live one", () => {
  const fake = install();
  try {
    const clock = createRealClock({ now: () => fake.now });
    const fired: number[] = [];
    const cancelFirst = clock.setTimer(100, () => fired.push(1));
    fake.tick(40);
    clock.setTimer(100, () => fired.push(2));
    cancelFirst();
    cancelFirst();
    assert.equal(clock.pending, 1);
    fake.tick(60); // the host timer armed for the cancelled one fires and re-arms for 140
    assert.deepEqual(fired, []);
    fake.tick(39);
    assert.deepEqual(fired, []);
    fake.tick(1);
    assert.deepEqual(fired, [2]);
  } finally {
    fake.uninstall();
  }
});

Deno.test("dispose clears every host timer and pending timer", () => {
  const fake = install();
  try {
    const clock = createRealClock({ now: () => fake.now });
    let fired = false;
    clock.setTimer(10, () => (fired = true));
    clock.setTimer(20, () => (fired = true));
    clock.dispose();
    assert.equal(clock.pending, 0);
    assert.equal(fake.countTimers(), 0);
    fake.tick(100);
    assert.equal(fired, false);
  } finally {
    fake.uninstall();
  }
});

Deno.test("real clock reads performance.now by default", () => {
  const clock = createRealClock();
  const a = clock.now();
  const b = performance.now();
  assert.ok(b >= a && b - a < 1000);
});
