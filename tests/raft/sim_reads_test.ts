/**
 * Reads in the simulator: what each read mode promises, and where lease reads break.
 */
import assert from "node:assert/strict";
import type { Reply } from "../../protocols/node.ts";
import { ask, checkOneLeader, connect, disconnect, one, raftSim } from "./sim_helpers.ts";

/**
 * A leader whose clock runs at a tenth of real speed is cut off; the majority elects a
 * new leader and writes; then the old leader is asked to read, at most `maxMs` later.
 */
function slowClockedOldLeader(readMode: string, seed: number): Reply | undefined {
  const r = raftSim(3, seed, { readMode });
  one(r, "x", "old", 3);
  const old = checkOneLeader(r);
  r.sim.setClock(old, { drift: -0.9 });
  r.sim.runFor(100); // a heartbeat round confirms leadership (and starts a lease)
  disconnect(r, old);
  r.sim.runFor(500);
  const fresh = checkOneLeader(r);
  assert.notEqual(fresh, old);
  const w = ask(r.sim, fresh, { f: "write", key: "x", value: "new" });
  assert.equal(w?.type, "ok");
  const reply = ask(r.sim, old, { f: "read", key: "x" }, 2, 100);
  connect(r, old);
  return reply;
}

Deno.test("sim: lease reads are stale when the leader's clock drifts beyond the bound", () => {
  const reply = slowClockedOldLeader("lease", 31);
  assert.deepEqual(reply, { type: "ok", value: "old" }, "the deposed leader served a stale read");
});

Deno.test("sim: ReadIndex reads stay linearizable under the same clock drift", () => {
  const reply = slowClockedOldLeader("read-index", 31);
  assert.notDeepEqual(reply, { type: "ok", value: "old" });
});

Deno.test("sim: stale reads are answered in a minority partition; linearizable reads are not", () => {
  for (const [readMode, answered] of [["stale", true], ["read-index", false]] as const) {
    const r = raftSim(5, 32, { readMode });
    one(r, "x", 1, 5);
    const leader = checkOneLeader(r);
    const f = r.sim.nodes.find((n) => n !== leader)!;
    disconnect(r, f);
    const reply = ask(r.sim, f, { f: "read", key: "x" });
    assert.equal(reply?.type === "ok", answered, `${readMode}: ${JSON.stringify(reply)}`);
  }
});
