import assert from "node:assert/strict";
import { runSimulation } from "../../torture/sim_run.ts";
import { verifyRun } from "../../torture/verify_run.ts";
import { splitBrain } from "./worker_fixtures/split_brain.ts";

const FIXTURE = new URL("./worker_fixtures/split_brain.ts", import.meta.url).pathname;

const SPLIT_BRAIN_RUN = {
  protocol: splitBrain,
  nodes: 3,
  seed: 1,
  durationMs: 3000,
  nemesis: [],
  clients: 2,
} as const;

Deno.test("a protocol's invariants are checked after every simulated step and fail the run", () => {
  const r = runSimulation(SPLIT_BRAIN_RUN);
  assert.ok(r.invariant !== undefined, "the violation was seen");
  assert.equal(r.invariant.message, "election safety: n1 and n2 both lead");
  assert.ok(r.invariant.timeMs > 1000 && r.invariant.timeMs < 1100, `at ${r.invariant.timeMs} ms`);
  assert.match(
    verifyRun(r).violation ?? "",
    /^invariant violated at 10\d\d\.\d ms: election safety/,
  );
  const off = runSimulation({ ...SPLIT_BRAIN_RUN, invariants: false });
  assert.equal(off.invariant, undefined);
  assert.equal(verifyRun(off).violation, null, "the register itself stays linearizable");
});

Deno.test("registered protocols with invariants (raft-kv, paxos-kv, paxos-register) keep them under faults", () => {
  for (const protocol of ["raft-kv", "paxos-kv", "paxos-register"]) {
    for (let seed = 1; seed <= 3; seed++) {
      const r = runSimulation({
        protocol,
        nodes: 5,
        seed,
        durationMs: 5000,
        nemesis: ["partition", "kill", "pause", "loss"],
        clients: 3,
      });
      assert.equal(r.invariant, undefined, `${protocol} seed ${seed}: ${r.invariant?.message}`);
    }
  }
});

Deno.test("deno task torture fails a seed on an invariant violation and prints its replay", async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab_torture_" });
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../torture.ts", import.meta.url).pathname,
      "--protocol",
      `${FIXTURE}#splitBrain`,
      "--seeds",
      "2",
      "--nodes",
      "3",
      "--duration",
      "3s",
      "--no-shrink",
      "--out",
      dir,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  await Deno.remove(dir, { recursive: true });
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, text);
  assert.match(text, /invariant violated at \d+\.\d ms: election safety: n1 and n2 both lead/);
  assert.match(text, /replay: +deno task sim --protocol \S+split_brain\.ts#splitBrain .*--seed 1/);
});
