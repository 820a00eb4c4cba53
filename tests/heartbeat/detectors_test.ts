import assert from "node:assert/strict";
import {
  createFixedTimeout,
  createPhiAccrual,
  heartbeatArrived,
  isSuspected,
  phi,
  phiHeartbeat,
  phiSuspected,
} from "../../protocols/heartbeat/mod.ts";
import { createRng } from "../../protocols/random.ts";

Deno.test("fixed timeout suspects exactly after the timeout passes", () => {
  const d = createFixedTimeout(["n2"], 500, 0);
  heartbeatArrived(d, "n2", 100);
  assert.equal(isSuspected(d, "n2", 600), false);
  assert.equal(isSuspected(d, "n2", 601), true);
  heartbeatArrived(d, "n2", 650);
  assert.equal(isSuspected(d, "n2", 700), false);
});

Deno.test("phi grows with the time since the last heartbeat", () => {
  const d = createPhiAccrual(["n2"], 0, { firstIntervalMs: 100 });
  for (let t = 100; t <= 2000; t += 100) phiHeartbeat(d, "n2", t);
  const values = [2050, 2100, 2200, 2400, 3000].map((t) => phi(d, "n2", t));
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!, `${values}`);
  assert.ok(values[0]! < 1);
  assert.ok(phiSuspected(d, "n2", 3000));
});

Deno.test("phi adapts: the same silence is suspicious on a regular link, not on a jittery one", () => {
  const rng = createRng(3);
  const regular = createPhiAccrual(["n2"], 0, { firstIntervalMs: 100 });
  const jittery = createPhiAccrual(["n2"], 0, { firstIntervalMs: 100 });
  let a = 0, b = 0;
  for (let i = 0; i < 100; i++) {
    a += 100;
    phiHeartbeat(regular, "n2", a);
    b += 40 + rng.next() * 120;
    phiHeartbeat(jittery, "n2", b);
  }
  assert.ok(phi(regular, "n2", a + 200) > phi(jittery, "n2", b + 200));
});
