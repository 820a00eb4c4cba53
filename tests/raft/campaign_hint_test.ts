import assert from "node:assert/strict";
import { Harness } from "./harness.ts";

/**
 * Three nodes, n1 leading; n3 misses a committed write, then n1 crashes and n3's timer
 * fires first. Its PreVote cannot win (n2's log is newer): thesis §9.6 leaves the
 * election to n2's own timer, up to a whole timeout later.
 */
function staleFirstTimer(options: Record<string, unknown>): Harness {
  const h = new Harness(3, options);
  h.elect("n1");
  assert.equal(h.leader(), "n1");
  h.isolate("n3");
  const rid = h.request("n1", { f: "write", key: "k", value: 1 });
  h.settle();
  assert.equal(h.reply(rid)?.type, "ok");
  h.heal();
  h.crash("n1");
  h.now += 1000; // past every timeout; only n3 is ticked
  h.tick("n3");
  h.deliver((e) => e.from === "n3" && e.to === "n2"); // n3's PreVote
  h.deliver((e) => e.from === "n2" && e.to === "n3"); // n2 refuses it
  return h;
}

Deno.test("a PreVote refused for the voter's newer log says so", () => {
  const h = staleFirstTimer({});
  const refusal = h.sent.findLast((e) =>
    e.from === "n2" && e.to === "n3" && e.msg.type === "vote-resp" && e.msg.pre
  );
  assert.ok(refusal?.msg.type === "vote-resp");
  assert.equal(refusal.msg.granted, false);
  assert.equal(refusal.msg.newer, true);
});

Deno.test("a stale pre-candidate asks the newer voter to campaign, which then wins at once", () => {
  const h = staleFirstTimer({});
  const hints = h.inflight.filter((e) => e.msg.type === "timeout-now");
  assert.deepEqual(hints.map((e) => [e.from, e.to]), [["n3", "n2"]]);
  h.settle(); // no tick of n2: without the hint it would still be waiting for its timer
  assert.equal(h.leader(), "n2");
  assert.equal(h.status("n3").role, "follower");
});

Deno.test("without campaignHint the newer voter waits for its own timer", () => {
  const h = staleFirstTimer({ campaignHint: false });
  assert.equal(h.inflight.filter((e) => e.msg.type === "timeout-now").length, 0);
  h.settle();
  assert.equal(h.leader(), undefined);
  h.tick("n2");
  h.settle();
  assert.equal(h.leader(), "n2");
});

Deno.test("a hint does not unseat a leader: a follower that hears one ignores it", () => {
  const h = new Harness(3, {});
  h.elect("n1");
  h.run(100);
  const term = Number(h.status("n1").term);
  h.node("n2").message("n3", { type: "timeout-now", term, hint: true });
  h.settle();
  assert.equal(h.leader(), "n1");
  assert.equal(h.status("n2").role, "follower");
  assert.equal(Number(h.status("n1").term), term);
});
