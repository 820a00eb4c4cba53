/**
 * Tampering never crashes a host (#19 items 1 and 2): a protocol that throws is a
 * crashed node with the reason in the trace; tampered raft-kv over fixed seeds raises
 * no exception and its violations are reported as violations, with a replay command;
 * with CRC-32C on every link, torture of every crash-fault protocol with tamper finds
 * nothing (a fixed-seed slice; the report has the 200-seed runs).
 */

import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import type { Protocol } from "../../protocols/node.ts";
import { isStr } from "../../protocols/message_schema.ts";
import { runSimulation } from "../../torture/sim_run.ts";
import { verifyRun } from "../../torture/verify_run.ts";
import { replayCommand, type TortureConfig, tortureSeed } from "../../torture/torture.ts";
import { tortureTxnSeed, TXN_TORTURE_PROTOCOLS } from "../../torture/txn_torture.ts";
import {
  generateSchedule,
  NEMESIS_KINDS,
  type NemesisKind,
  parseNemesis,
} from "../../nodes/nemesis.ts";
import { createRng } from "../../protocols/random.ts";
import type { MemoryDisk } from "../../nodes/storage/memory_disk.ts";

/** Throws when told to (a message `boom`), and on restart once it stored `poisoned`. */
const fragile: Protocol<{ type: "say"; what: string }> = {
  name: "fragile",
  description: "throws on a message that says boom",
  tickMs: 10,
  messages: { say: (m) => isStr(m.what) },
  create: (ctx) => {
    if (ctx.storage.get("poisoned") === true) throw new RangeError("cannot recover: poisoned");
    let heard = 0;
    return {
      tick() {
        if (ctx.id === "n1" && ctx.now() > 100 && heard === 0) {
          heard = -1;
          ctx.send("n2", { type: "say", what: "boom" });
          ctx.send("n3", { type: "say", what: "hello" });
        }
      },
      message(_from, m) {
        if (m.what === "boom") {
          ctx.storage.set("poisoned", true); // never synced: the crash loses it
          ctx.send("n3", { type: "say", what: "half-done" }); // never sent
          throw new Error("boom: a lie believed");
        }
        heard++;
      },
      request() {},
      status: () => ({ role: "fragile", heard }),
    };
  },
};

Deno.test("simulator: a node that throws is crashed with the reason in the trace; the run goes on", () => {
  const sim = new Simulation({ protocol: fragile, nodes: 3, seed: 1, trace: "full" });
  sim.runFor(1000);
  assert.equal(sim.isUp("n2"), false);
  assert.equal(sim.failures.length, 1);
  assert.equal(sim.failures[0]?.node, "n2");
  assert.equal(sim.failures[0]?.error, "Error: boom: a lie believed");
  const crash = sim.trace().find((e) => e.kind === "crash");
  assert.equal(crash?.node, "n2");
  assert.equal(crash?.reason, "Error: boom: a lie believed");
  // Its half-done step left nothing: no message out, no unsynced write.
  assert.equal(sim.status("n3").heard, 1);
  assert.equal((sim.disk("n2") as MemoryDisk).get("poisoned"), undefined);
  // Restarting it works (the poison was never synced), and the others never stopped.
  sim.restart("n2");
  assert.equal(sim.isUp("n2"), true);
  assert.ok(sim.stats.ticks > 200);
});

Deno.test("simulator: a node whose recovery throws stays down, and says why", () => {
  const sim = new Simulation({ protocol: fragile, nodes: 3, seed: 1, trace: "full" });
  sim.crash("n3");
  sim.disk("n3").set("poisoned", true);
  sim.disk("n3").sync();
  sim.restart("n3");
  assert.equal(sim.isUp("n3"), false);
  assert.deepEqual(sim.failures.map((f) => f.error), ["RangeError: cannot recover: poisoned"]);
  assert.equal(sim.trace().at(-1)?.reason, "RangeError: cannot recover: poisoned");
  sim.runFor(500); // and the simulation carries on
});

Deno.test("tamper is a nemesis kind: it sets a rare tamper rule and clears it", () => {
  assert.ok((NEMESIS_KINDS as readonly string[]).includes("tamper"));
  assert.deepEqual(parseNemesis("kill,tamper"), ["kill", "tamper"]);
  const steps = generateSchedule(createRng(3), {
    kinds: ["tamper"],
    nodes: ["n1", "n2", "n3"],
    durationMs: 20_000,
  });
  assert.ok(steps.length >= 10);
  for (const s of steps) {
    assert.ok(s.op === "tamper" || s.op === "clear-rules", s.op);
    if (s.op === "tamper") assert.ok(s.p >= 0.01 && s.p <= 0.1, `${s.p}`);
  }
});

const NEMESIS: readonly NemesisKind[] = [
  "partition",
  "kill",
  "pause",
  "loss",
  "duplicate",
  "reorder",
  "skew",
  "tamper",
];

Deno.test("tampered raft-kv over fixed seeds raises no exception; what breaks is a reported violation", () => {
  let violations = 0, threw = 0;
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    // The case: tamper 0.01 on every link for the whole run.
    const r = runSimulation(
      { protocol: "raft-kv", nodes: 5, seed, durationMs: 8000, nemesis: [], clients: 3 },
      (sim) => sim.network.addRule("*", "*", { tamper: 0.01 }),
    );
    const v = verifyRun(r);
    if (v.violation !== null) violations++;
    if (r.failure !== undefined) {
      threw++;
      assert.match(v.violation ?? "", new RegExp(`node ${r.failure.node} threw .*: `));
    }
  }
  // Raft trusts its network: some seeds must break (else this test shows nothing).
  assert.ok(violations >= 2, `violations in ${violations} of 6 seeds`);
  assert.ok(threw >= 1, `a node threw in ${threw} of 6 seeds`);
});

Deno.test("torture reports a node that threw as a violation with its replay command", () => {
  const c: TortureConfig = {
    protocol: "raft-kv",
    nodes: 5,
    seeds: 1,
    seedStart: 9, // a seed where a tampered message makes a node throw
    durationMs: 10_000,
    clients: 5,
    keys: 3,
    nemesis: NEMESIS,
  };
  const o = tortureSeed(c, 9);
  assert.match(o.verdict.violation ?? "", /threw/);
  const replay = replayCommand(c, 9, "out/h.jsonl");
  assert.match(replay, /--nemesis partition,kill,pause,loss,duplicate,reorder,skew,tamper /);
  // The replay is the same run: same failure, same time.
  const again = tortureSeed(c, 9);
  assert.deepEqual(again.run.failure, o.run.failure);
  // With a checksum on every link the same seed is clean, and the replay says so.
  const crc = tortureSeed({ ...c, integrity: "crc32c" }, 9);
  assert.equal(crc.verdict.violation, null);
  assert.ok(crc.run.stats.rejected > 0);
  assert.match(replayCommand({ ...c, integrity: "crc32c" }, 9, "h"), / --integrity crc32c /);
});

Deno.test("with crc32c, torture of every crash-fault protocol with tamper: no violation", () => {
  // lww is left out: it is the AP control, not linearizable with or without tamper.
  // quorum-kv runs as a strict quorum (R = W = 2 of N = 3), the setting that promises
  // what its check checks. primary-backup's default (semi-sync, automatic failover) is
  // not linearizable under partitions even without tamper (main's torture with this
  // nemesis minus tamper fails 37 seeds of 200); these two seeds are ones it passes.
  const strictQuorum = { sloppy: false, r: 2, w: 2 };
  for (const protocol of ["raft-kv", "register", "quorum-kv", "paxos-kv", "primary-backup"]) {
    for (const seed of [1, 2]) {
      const c: TortureConfig = {
        protocol,
        ...(protocol === "quorum-kv" ? { nodes: 3, options: strictQuorum } : { nodes: 5 }),
        seeds: 1,
        seedStart: seed,
        durationMs: 6000,
        clients: 4,
        keys: 3,
        nemesis: NEMESIS,
        integrity: "crc32c",
      };
      const o = tortureSeed(c, seed);
      assert.equal(o.verdict.violation, null, `${protocol} seed ${seed}`);
      assert.equal(o.run.failure, undefined);
    }
  }
  for (const p of TXN_TORTURE_PROTOCOLS) {
    for (const seed of [1, 2]) {
      const o = tortureTxnSeed(p, seed, {
        durationMs: 5000,
        nemesis: NEMESIS,
        integrity: "crc32c",
      });
      assert.equal(o.violation, null, `${p} seed ${seed}`);
    }
  }
});

Deno.test("with hmac-sha256 too (replays of duplicated copies refused), raft-kv stays clean", () => {
  const c: TortureConfig = {
    protocol: "raft-kv",
    nodes: 5,
    seeds: 1,
    seedStart: 1,
    durationMs: 6000,
    clients: 4,
    keys: 3,
    nemesis: NEMESIS,
    integrity: "hmac-sha256",
  };
  for (const seed of [1, 2]) {
    const o = tortureSeed(c, seed);
    assert.equal(o.verdict.violation, null, `seed ${seed}`);
  }
});

async function run(script: string, args: string[]): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(`../../${script}`, import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const d = new TextDecoder();
  return { code: out.code, text: d.decode(out.stdout) + d.decode(out.stderr) };
}

Deno.test("deno task sim and torture take --integrity; a throw is reported, with its replay", async () => {
  const sim = await run("sim.ts", [
    "--protocol=raft-kv",
    "--seed=2",
    "--duration=8s",
    "--clients=3",
    "--nemesis=partition,kill,tamper",
    "--integrity=crc32c",
    "--json",
  ]);
  assert.equal(sim.code, 0, sim.text);
  const summary = JSON.parse(sim.text);
  assert.equal(summary.integrity, "crc32c");
  assert.ok(summary.stats.rejected > 0);
  assert.equal(summary.violation, null);
  const bad = await run("sim.ts", ["--integrity=md5"]);
  assert.equal(bad.code, 2);
  assert.match(bad.text, /unknown integrity 'md5' \(known: none, crc32c, hmac-sha256\)/);

  const dir = await Deno.makeTempDir({ prefix: "distlab_tamper_" });
  try {
    const t = await run("torture.ts", [
      "--protocol=raft-kv",
      "--seeds=1",
      "--seed-start=9",
      `--nemesis=${NEMESIS.join(",")}`,
      "--no-shrink",
      `--out=${dir}`,
    ]);
    assert.equal(t.code, 1, t.text);
    assert.match(t.text, /seed 9: node n\d threw at \d+\.\d ms \(crashed\): /);
    assert.match(t.text, /replay: +deno task sim --protocol raft-kv .*--seed 9 .*tamper/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
