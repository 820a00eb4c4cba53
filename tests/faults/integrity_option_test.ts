/**
 * The integrity option where fault rules are set live (#19 item 2): the HTTP fault API
 * takes `integrity` on a link rule, and the Worker cluster's router applies it with the
 * same message path as the simulator.
 */

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { fakeApi, json, problemOf } from "../http/fake_cluster.ts";
import { Network } from "../../nodes/faults/network.ts";
import { LinkCounters } from "../../nodes/worker/link_counters.ts";
import { type InFlight, Router } from "../../nodes/worker/router.ts";
import type { TraceEvent } from "../../nodes/trace.ts";

Deno.test("POST /faults/link takes an integrity option and refuses an unknown one", async () => {
  const { api, req } = fakeApi();
  try {
    const res = await req("/api/v1/faults/link", json({ integrity: "hmac-sha256", tamper: 0.1 }));
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.equal(body.integrity, "hmac-sha256");
    const faults = await (await req("/api/v1/faults")).json();
    assert.equal(faults.rules[0].integrity, "hmac-sha256");
    const p = await problemOf(await req("/api/v1/faults/link", json({ integrity: "md5" })), 400);
    assert.match(String(p.detail), /integrity must be one of none, crc32c, hmac-sha256/);
  } finally {
    api.close();
  }
});

Deno.test("router: with crc32c a tampered copy is refused as corrupt; with hmac a duplicate as a replay", () => {
  const clock = FakeTimers.withGlobal(globalThis).install({
    toFake: ["setTimeout", "clearTimeout"],
  });
  try {
    const network = new Network(["n1", "n2"], () => 0.5, { delay: { kind: "constant", ms: 1 } });
    const sunk: InFlight[] = [];
    const events: TraceEvent[] = [];
    const router = new Router({
      network,
      random: () => 0,
      counters: new LinkCounters(),
      now: () => clock.now,
      isMember: () => true,
      sink: (_to, batch) => sunk.push(...batch),
      trace: (e) => events.push(e),
    });
    router.tracing = true;
    const m = (seq: number) => ({ to: "n2", body: { type: "ping", seq }, lamport: 1, vclock: {} });
    const rule = network.addRule("*", "*", { tamper: 1, integrity: "crc32c" });
    router.send("n1", [m(1), m(2)]);
    clock.tick(5);
    assert.equal(sunk.length, 0);
    assert.equal(router.rejected, 2);
    network.remove(rule);
    network.addRule("*", "*", { duplicate: 1, integrity: "hmac-sha256" });
    router.send("n1", [m(3)]);
    clock.tick(5);
    assert.deepEqual(sunk.map((x) => (x.body as { seq: number }).seq), [3]);
    assert.deepEqual(
      events.filter((e) => e.kind === "drop").map((e) => e.reason),
      ["corrupt", "corrupt", "replay"],
    );
    router.close();
  } finally {
    clock.uninstall();
  }
});
