import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import type { Reply } from "../../protocols/node.ts";
import { paxosCommit } from "../../protocols/paxos_commit/paxos_commit.ts";
import { checkMessage } from "../../protocols/message_schema.ts";
import { pcMessages } from "../../protocols/paxos_commit/message.ts";
import { ballotAbove, ballotOwner, pcRoles } from "../../protocols/paxos_commit/state.ts";
import { checkPcTxn, chosenValues } from "../../protocols/paxos_commit/invariants.ts";
import type { ParticipantRecord } from "../../protocols/txn/participant.ts";
import { protocolByName } from "../../protocols/registry.ts";

const RMS = ["n2", "n3", "n4"];
const order = (id: string) => ({ f: "order", id, item: "item-1", qty: 1, amount: 10 });

function cluster(options: Record<string, unknown> = {}) {
  const sim = new Simulation({ protocol: paxosCommit, nodes: 4, seed: 7, options });
  const replies = new Map<string, Reply>();
  const send = (id: string) => sim.request("n1", order(id), 1, (r) => replies.set(id, r));
  const state = (n: string, txn: string) =>
    (sim.disk(n).get("txn/" + txn) as ParticipantRecord | undefined)?.state;
  return { sim, replies, send, state };
}

/** Crashes n1 once every RM has logged `prepared` for `txn`. */
function crashAfterPrepares(sim: Simulation, txn: string): () => number | null {
  let at: number | null = null;
  sim.afterStep(() => {
    if (at !== null) return;
    if (
      RMS.every((n) =>
        (sim.disk(n).get("txn/" + txn) as ParticipantRecord | undefined)
          ?.state === "prepared"
      )
    ) {
      at = sim.now();
      sim.crash("n1");
    }
  });
  return () => at;
}

Deno.test("paxos-commit is registered, with roles: n1 registrar, n1–n3 acceptors, n2–n4 RMs", () => {
  assert.equal(protocolByName("paxos-commit"), paxosCommit);
  const r = pcRoles(["n1", "n2", "n3", "n4"], {}, 1);
  assert.deepEqual([r.registrar, r.acceptors, r.rms.map((x) => x.node), r.majority], [
    "n1",
    ["n1", "n2", "n3"],
    RMS,
    2,
  ]);
  assert.deepEqual(pcRoles(["n1", "n2", "n3", "n4", "n5"], { f: 2 }, 2).acceptors.length, 5);
  assert.throws(() => pcRoles(["n1", "n2", "n3", "n4"], {}, 2), /needs 5 nodes/);
  assert.equal(ballotOwner(r, 0), "n1");
  assert.equal(ballotOwner(r, 302), "n2");
  assert.equal(ballotAbove(r, "n3", 302), 403);
});

Deno.test("paxos-commit message schema: well-formed messages pass, others are refused", () => {
  assert.ok(
    checkMessage(pcMessages, { type: "p2a", txn: "o1", rm: "n2", ballot: 0, prepared: true }),
  );
  assert.ok(checkMessage(pcMessages, {
    type: "p1b",
    txn: "o1",
    ballot: 102,
    accepted: [{ rm: "n2", ballot: 0, prepared: false }],
  }));
  assert.ok(!checkMessage(pcMessages, { type: "p1b", txn: "o1", ballot: 102, accepted: [{}] }));
  assert.ok(
    !checkMessage(pcMessages, { type: "p2b", txn: "o1", rm: "n2", ballot: 0.5, prepared: true }),
  );
  assert.ok(!checkMessage(pcMessages, { type: "decision", txn: "o1" }));
});

Deno.test("paxos-commit happy path: every RM commits and the client hears ok", () => {
  const { sim, replies, send, state } = cluster();
  send("o1");
  sim.runFor(300);
  assert.deepEqual(replies.get("o1"), { type: "ok", value: { txn: "o1", outcome: "committed" } });
  for (const n of RMS) assert.equal(state(n, "o1"), "committed");
  assert.equal(
    sim.status("n2").ledger && (sim.status("n2").ledger as Record<string, number>)["stock/item-1"],
    99,
  );
});

Deno.test("paxos-commit: a no vote chooses abort in its instance and aborts everywhere", () => {
  const { sim, replies, send, state } = cluster({ refuse: { payment: ["o2"] } });
  send("o2");
  sim.runFor(300);
  const r = replies.get("o2");
  assert.equal(r?.type, "fail");
  for (const n of RMS) assert.equal(state(n, "o2"), "aborted");
  for (const n of RMS) assert.deepEqual(sim.status(n).locks, {});
});

Deno.test("paxos-commit: the coordinator crashes after every prepare; n2 takes over and commits while n1 is down", () => {
  const { sim, send, state } = cluster();
  const crashedAt = crashAfterPrepares(sim, "o3");
  const leads: { node: string; time: number }[] = [];
  sim.onTrace((e) => e.kind === "lead" && leads.push({ node: e.node, time: e.time }));
  send("o3");
  sim.runFor(3000);
  assert.ok(crashedAt() !== null);
  assert.equal(sim.isUp("n1"), false);
  assert.equal(leads[0]?.node, "n2", "the first acceptor after the registrar leads");
  for (const n of RMS) assert.equal(state(n, "o3"), "committed");
  for (const n of RMS) assert.deepEqual(sim.status(n).inDoubt, []);
  // The restarted registrar learns the outcome when asked again.
  sim.restart("n1");
  let again: Reply | undefined;
  sim.request("n1", order("o3"), 2, (r) => again = r);
  sim.runFor(1000);
  assert.equal(again?.type, "ok");
});

Deno.test("paxos-commit: a coordinator that crashes before an RM hears of the order: the new leader proposes abort for it", () => {
  const { sim, send, state } = cluster();
  let prepared = false;
  sim.onTrace((e) => {
    // The prepare to n4 is lost and n1 dies as soon as n2 has voted.
    if (!prepared && e.kind === "vote" && e.node === "n2") {
      prepared = true;
      sim.crash("n1");
    }
  });
  sim.network.isolate("n4");
  send("o5");
  sim.runFor(10);
  sim.network.heal();
  sim.runFor(3000);
  assert.equal(state("n4", "o5"), "aborted");
  assert.equal(state("n2", "o5"), "aborted");
  assert.equal(sim.isUp("n1"), false);
});

Deno.test("checkPcTxn catches split decisions, a commit without every prepare, and a changed chosen value", () => {
  const effect = { key: "stock/item-1", delta: -1 };
  const yes = { promised: 0, accepted: { n2: { ballot: 0, prepared: true } } };
  assert.match(
    checkPcTxn("o1", {
      decisions: [["n1", { commit: true, reason: "", at: 1 }], ["n2", {
        commit: false,
        reason: "",
        at: 2,
      }]],
      rms: [],
      acceptors: [],
      majority: 2,
    }) ?? "",
    /decided commit at n1 but abort at n2/,
  );
  assert.match(
    checkPcTxn("o1", {
      decisions: [["n1", { commit: true, reason: "", at: 1 }]],
      rms: [["n2", { state: "prepared", effect, at: 0 }], ["n3", undefined]],
      acceptors: [],
      majority: 2,
    }) ?? "",
    /committed but n3 never prepared/,
  );
  const flipped = { promised: 102, accepted: { n2: { ballot: 102, prepared: false } } };
  assert.match(
    String(chosenValues("o1", [["n1", yes], ["n2", yes], ["n3", flipped]], 2)),
    /prepared was chosen at ballot 0, but n3 accepted aborted at 102/,
  );
  assert.deepEqual(
    chosenValues("o1", [["n1", yes], ["n2", undefined], ["n3", flipped]], 2),
    new Map(),
  );
  const reused = { promised: 102, accepted: { n2: { ballot: 102, prepared: true } } };
  assert.match(
    String(chosenValues("o1", [["n1", reused], ["n2", flipped], ["n3", undefined]], 2)),
    /n1 and n2 accepted different values at ballot 102/,
  );
});

Deno.test("paxos-commit: a leader that crashes mid-ballot never reuses its ballot after a restart", () => {
  // Nobody else takes over here: n1 is the only leader.
  const { sim, send } = cluster({ takeoverMs: 100_000 });
  sim.network.isolate("n4");
  const ballots: number[] = [];
  let crashed = false;
  sim.onTrace((e) => {
    if (e.kind === "lead" && e.node === "n1") {
      ballots.push(Number((e.data as { ballot: number }).ballot));
    }
    // Down once its phase 1a is out and answered, back up at once.
    if (
      !crashed && e.kind === "deliver" && e.node === "n1" &&
      (e.body as { type: string }).type === "p1b"
    ) {
      crashed = true;
      sim.after(0, () => {
        sim.crash("n1");
        sim.after(50, () => sim.restart("n1"));
      });
    }
  });
  send("o6");
  sim.runFor(3000);
  assert.ok(crashed);
  assert.ok(ballots.length >= 2, `n1 led ${ballots.length} ballots`);
  assert.equal(new Set(ballots).size, ballots.length, `ballots ${ballots.join(", ")}`);
});
