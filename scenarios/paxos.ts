/**
 * Scenario `paxos`: single-decree Paxos step by step (chapter §4).
 *
 * 1. Two proposers race: n1 proposes "red" and n5 "blue" at the same moment in a
 *    five-node cluster. Every Prepare / Promise / Accept / Nack is printed; exactly one
 *    value is chosen and every learner learns that one.
 * 2. Duelling proposers: three proposers at once, with and without randomized backoff,
 *    over ten seeds — the rounds (ballots started) it takes, showing the livelock that
 *    backoff breaks.
 * 3. A minority never decides alone: with {n1,n2} cut off from {n3,n4,n5}, n1's proposal
 *    makes no progress however many rounds it tries, the majority decides, and after
 *    the heal n1 learns the majority's value.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { TraceEvent } from "../nodes/trace.ts";
import { checkAgreementAfterEveryStep } from "../protocols/paxos/agreement.ts";
import { paxosRegister } from "../protocols/paxos/register.ts";
import type { PaxosRegisterMessage } from "../protocols/paxos/register_message.ts";
import { type Scenario, table } from "./scenario.ts";

const SEED = 3;

function ballot(b: readonly [number, number]): string {
  return `${b[0]}.${b[1]}`;
}

function describe(m: PaxosRegisterMessage): string | null {
  switch (m.type) {
    case "prepare":
      return `Prepare(${ballot(m.ballot)})`;
    case "promise":
      return `Promise(${ballot(m.ballot)}, ` +
        (m.accepted === null
          ? "nothing accepted)"
          : `accepted ${JSON.stringify(m.accepted.value)} in ${ballot(m.accepted.ballot)})`);
    case "accept":
      return `Accept(${ballot(m.ballot)}, ${JSON.stringify(m.value)})`;
    case "nack":
      return `Nack(${ballot(m.ballot)}: promised ${ballot(m.promised)})`;
    case "decided":
      return `Decided(${JSON.stringify(m.value)})`;
    case "accepted":
      return null; // n×n of them: summarised by the learn lines
  }
}

function race(out: (line: string) => void): void {
  const sim = new Simulation({ protocol: paxosRegister, nodes: 5, seed: SEED });
  const checker = checkAgreementAfterEveryStep(sim);
  let accepted = 0;
  sim.onTrace((e: TraceEvent) => {
    const t = `t=${e.time.toFixed(1).padStart(5)}ms`;
    if (e.kind === "deliver") {
      const m = e.body as PaxosRegisterMessage;
      if (m.type === "accepted") accepted++;
      const d = describe(m);
      if (d !== null) out(`  ${t} ${e.peer} -> ${e.node}  ${d}`);
    } else if (e.kind === "learn") {
      const d = e.data as { value: unknown };
      out(`  ${t} ${e.node} learns ${JSON.stringify(d.value)} (a majority accepted it)`);
    }
  });
  out('1. Two proposers race: n1 proposes "red", n5 proposes "blue".');
  const answers: string[] = [];
  sim.request("n1", { f: "propose", value: "red" }, 1, (r) => {
    answers.push(`n1's client is told ${JSON.stringify(r.type === "ok" ? r.value : r)}`);
  });
  sim.request("n5", { f: "propose", value: "blue" }, 2, (r) => {
    answers.push(`n5's client is told ${JSON.stringify(r.type === "ok" ? r.value : r)}`);
  });
  sim.runUntil(() => sim.nodes.every((n) => sim.status(n).decided === true), 2000);
  for (const a of answers) out(`  ${a}`);
  const learned = sim.nodes.map((n) => `${n}=${JSON.stringify(sim.status(n).learned)}`);
  out(`  learned: ${learned.join(" ")}; Accepted messages delivered: ${accepted}`);
  out(
    `  agreement: ${checker.check().length === 0 ? "holds" : "VIOLATED"} ` +
      `(${checker.decided.size} instance decided, one value)`,
  );
}

function duel(backoff: boolean, seed: number): { rounds: number; ms: number } {
  const sim = new Simulation({
    protocol: paxosRegister,
    nodes: 5,
    seed,
    options: { backoff },
    network: { delay: { kind: "uniform", min: 1, max: 10 } },
  });
  for (const [i, n] of ["n1", "n3", "n5"].entries()) {
    sim.request(n, { f: "propose", value: `v${i + 1}` }, i);
  }
  sim.runUntil(() => sim.nodes.every((n) => sim.status(n).decided === true), 10_000);
  const rounds = sim.nodes.reduce((s, n) => s + (sim.status(n).rounds as number), 0);
  return { rounds, ms: sim.now() };
}

function duelling(out: (line: string) => void): void {
  out("2. Duelling proposers: n1, n3 and n5 propose at once (links 1-10 ms), seeds 1-10.");
  const rows: (string | number)[][] = [["backoff", "rounds per seed", "mean", "max", "mean ms"]];
  for (const backoff of [false, true]) {
    const runs = Array.from({ length: 10 }, (_, i) => duel(backoff, i + 1));
    const rounds = runs.map((r) => r.rounds);
    rows.push([
      backoff ? "randomized" : "none",
      rounds.join(" "),
      (rounds.reduce((a, b) => a + b, 0) / runs.length).toFixed(1),
      Math.max(...rounds),
      (runs.reduce((a, r) => a + r.ms, 0) / runs.length).toFixed(0),
    ]);
  }
  for (const l of table(rows)) out(`  ${l}`);
  out("  Without backoff a beaten proposer outbids at once and pre-empts the winner's");
  out("  Accept; with it, one proposer usually finishes both phases alone.");
}

function minority(out: (line: string) => void): void {
  out("3. A minority never decides alone: {n1,n2} | {n3,n4,n5}.");
  const sim = new Simulation({ protocol: paxosRegister, nodes: 5, seed: SEED });
  const checker = checkAgreementAfterEveryStep(sim);
  sim.network.partition([["n1", "n2"], ["n3", "n4", "n5"]]);
  let n1Answer = "no answer";
  sim.request("n1", { f: "propose", value: "minority" }, 1, (r) => {
    n1Answer = JSON.stringify(r.type === "ok" ? r.value : r);
  });
  sim.runFor(2000);
  out(
    `  after 2 s: n1 started ${sim.status("n1").rounds} rounds; decided anywhere: ` +
      `${sim.nodes.some((n) => sim.status(n).decided === true)}; n1's client: ${n1Answer}`,
  );
  sim.request("n4", { f: "propose", value: "majority" }, 2, (r) => {
    out(
      `  t=${sim.now().toFixed(1)}ms n4's client is told ${
        JSON.stringify(r.type === "ok" ? r.value : r)
      }`,
    );
  });
  sim.runFor(500);
  const side = (ns: string[]) =>
    ns.map((n) => `${n}=${JSON.stringify(sim.status(n).learned)}`).join(" ");
  out(`  majority side learned: ${side(["n3", "n4", "n5"])}; minority: ${side(["n1", "n2"])}`);
  sim.network.heal();
  out(`  t=${sim.now()}ms heal`);
  sim.runFor(2000);
  out(
    `  n1's client is finally told ${n1Answer}; n1 learned ${
      JSON.stringify(sim.status("n1").learned)
    }`,
  );
  out(`  agreement after the heal: ${checker.check().length === 0 ? "holds" : "VIOLATED"}`);
}

/**
 * The Paxos scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./paxos.ts";
 * scenario.name; // "paxos"
 * ```
 */
export const scenario: Scenario = {
  name: "paxos",
  description:
    "single-decree Paxos: racing proposers, duelling without backoff, minority partition",
  run(out) {
    race(out);
    out("");
    duelling(out);
    out("");
    minority(out);
  },
};
