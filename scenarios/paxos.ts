/**
 * Scenario `paxos`: single-decree Paxos step by step (chapter §4).
 *
 * 1. Two proposers race: n1 proposes "red" and n5 "blue" at the same moment in a
 *    five-node cluster. Every Prepare / Promise / Accept / Nack is printed; exactly one
 *    value is chosen and every learner learns that one.
 * 2. A Promise carries what its acceptor accepted, and the proposer adopts it: n1's
 *    Accept("red") reaches only n2 before n1 crashes; n5 then proposes "blue", n2's
 *    Promise says it accepted "red", and n5 sends Accept("red") — its client is told
 *    "red". (The chapter draws Promise(n) without the accepted value; this is the part
 *    that makes Paxos safe.)
 * 3. Duelling proposers: three proposers at once, with and without randomized backoff,
 *    over ten seeds — the rounds (ballots started) it takes, showing the livelock that
 *    backoff breaks, and why no timeout can rule it out (FLP).
 * 4. A minority never decides alone: with {n1,n2} cut off from {n3,n4,n5}, n1's proposal
 *    makes no progress however many rounds it tries, the majority decides, and after
 *    the heal n1 learns the majority's value.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { TraceEvent } from "../nodes/trace.ts";
import type { NodeId } from "../protocols/node.ts";
import { checkAgreementAfterEveryStep } from "../protocols/paxos/agreement.ts";
import { paxosRegister } from "../protocols/paxos/register.ts";
import type { PaxosRegisterMessage } from "../protocols/paxos/register_message.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { type Tr, translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/paxos.ts";

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

/**
 * One Paxos message as delivered (Accepted messages are left out: n×n of them).
 *
 * @example
 * ```ts
 * import type { PaxosDelivery } from "./paxos.ts";
 * const d: PaxosDelivery = { at: 2.6, from: "n1", to: "n5", text: "Promise(1.5, nothing accepted)", type: "promise" };
 * ```
 */
export interface PaxosDelivery {
  readonly at: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly type: PaxosRegisterMessage["type"];
  readonly text: string;
}

/**
 * What the `paxos` scenario found, part by part.
 *
 * @example
 * ```ts
 * import { runPaxos } from "./paxos.ts";
 * const r = runPaxos();
 * r.adoption.told; // "red"
 * ```
 */
export interface PaxosResult {
  readonly race: {
    readonly deliveries: readonly PaxosDelivery[];
    /** What each proposer's client was told. */
    readonly told: Readonly<Record<NodeId, unknown>>;
    readonly learned: Readonly<Record<NodeId, unknown>>;
    readonly agreement: boolean;
  };
  readonly adoption: {
    /** Who had accepted "red" (ballot 1.1) when n1 crashed: a minority. */
    readonly acceptedRed: readonly NodeId[];
    /** The Promise to n5 that carried an accepted value. */
    readonly promise: {
      readonly from: NodeId;
      readonly ballot: string;
      readonly acceptedBallot: string;
      readonly acceptedValue: unknown;
    };
    /** The value n5 put in its Accept, and its ballot. */
    readonly accept: { readonly ballot: string; readonly value: unknown };
    readonly proposed: unknown;
    readonly told: unknown;
    readonly agreement: boolean;
  };
  readonly duel: readonly {
    readonly backoff: boolean;
    readonly rounds: readonly number[];
    readonly mean: number;
    readonly max: number;
    readonly meanMs: number;
  }[];
  readonly minority: {
    readonly n1Rounds: number;
    readonly decidedDuringSplit: boolean;
    readonly n1Answer: unknown;
    readonly majorityLearned: Readonly<Record<NodeId, unknown>>;
    readonly minorityLearned: Readonly<Record<NodeId, unknown>>;
    readonly n1LearnedAfterHeal: unknown;
    readonly agreement: boolean;
  };
}

function valueOf(r: { type: string; value?: unknown }): unknown {
  return r.type === "ok" ? r.value : r;
}

function learnedBy(sim: Simulation, nodes: readonly NodeId[]): Record<NodeId, unknown> {
  return Object.fromEntries(nodes.map((n) => [n, sim.status(n).learned]));
}

function race(out: (line: string) => void, t: Tr): PaxosResult["race"] {
  const tell = paragraphs(out);
  const sim = new Simulation({ protocol: paxosRegister, nodes: 5, seed: SEED });
  const checker = checkAgreementAfterEveryStep(sim);
  const deliveries: PaxosDelivery[] = [];
  let accepted = 0;
  sim.onTrace((e: TraceEvent) => {
    const at = `t=${e.time.toFixed(1).padStart(5)}ms`;
    if (e.kind === "deliver") {
      const m = e.body as PaxosRegisterMessage;
      if (m.type === "accepted") accepted++;
      const d = describe(m);
      if (d === null) return;
      deliveries.push({ at: e.time, from: e.peer!, to: e.node, type: m.type, text: d });
      out(`  ${at} ${e.peer} -> ${e.node}  ${d}`);
    } else if (e.kind === "learn") {
      const d = e.data as { value: unknown };
      tell(t`  ${at} ${e.node} learns ${JSON.stringify(d.value)} (a majority accepted it)`);
    }
  });
  tell(t`1. Two proposers race: n1 proposes "red", n5 proposes "blue".`);
  const told: Record<NodeId, unknown> = {};
  const answers: string[] = [];
  for (const [node, value, client] of [["n1", "red", 1], ["n5", "blue", 2]] as const) {
    sim.request(node, { f: "propose", value }, client, (r) => {
      told[node] = valueOf(r);
      answers.push(t`${node}'s client is told ${JSON.stringify(told[node])}`);
    });
  }
  sim.runUntil(() => sim.nodes.every((n) => sim.status(n).decided === true), 2000);
  for (const a of answers) out(`  ${a}`);
  const learned = learnedBy(sim, sim.nodes);
  tell(
    t`  learned: ${
      sim.nodes.map((n) => `${n}=${JSON.stringify(learned[n])}`).join(" ")
    }; Accepted messages delivered: ${accepted}`,
  );
  const agreement = checker.check().length === 0;
  tell(
    t`  agreement: ${
      agreement ? t`holds` : t`VIOLATED`
    } (${checker.decided.size} instance decided, one value)`,
  );
  return { deliveries, told, learned, agreement };
}

function adoption(out: (line: string) => void, t: Tr): PaxosResult["adoption"] {
  const tell = paragraphs(out);
  const sim = new Simulation({ protocol: paxosRegister, nodes: 5, seed: SEED });
  const checker = checkAgreementAfterEveryStep(sim);
  tell(
    t`2. A Promise carries an accepted value, and the next proposer adopts it.\n   Where this differs from the chapter: its figure draws Promise(n) alone. Here, as in\n   Lamport's Paxos, a Promise also carries the highest-ballot value its acceptor has\n   accepted, and a proposer that hears of one must propose that value instead of its\n   own — it cannot know whether that value was already chosen.\n   n4 is down throughout. n1 proposes "red"; the answers of n3 and n5 to n1 are slow,\n   and once every Prepare has arrived, n1's links to n3 and n5 are cut: n1's\n   Accept("red") reaches only n2 (and n1 itself). Then n1 crashes.`,
  );
  sim.crash("n4");
  const slow = [
    sim.network.addRule("n3", "n1", { delay: { kind: "constant", ms: 20 } }),
    sim.network.addRule("n5", "n1", { delay: { kind: "constant", ms: 20 } }),
  ];
  sim.request("n1", { f: "propose", value: "red" }, 1);
  sim.runUntil(() => ["n2", "n3", "n5"].every((n) => sim.status(n).promised !== "0.0"), 100);
  const cuts = [sim.network.cut("n1", "n3"), sim.network.cut("n1", "n5")];
  sim.runUntil(() => sim.status("n2").accepted !== null, 100);
  sim.runFor(5);
  sim.crash("n1");
  for (const id of [...slow, ...cuts]) sim.network.remove(id);
  const acceptedRed = sim.nodes.filter((n) => n !== "n1" && sim.status(n).accepted === "red");
  tell(
    t`   t=${sim.now().toFixed(1)}ms n1 crashes. Accepted "red": n1, ${
      acceptedRed.join(", ")
    } — not a majority, so nothing is chosen yet.`,
  );
  let promise: PaxosResult["adoption"]["promise"] | undefined;
  let accept: PaxosResult["adoption"]["accept"] | undefined;
  sim.onTrace((e) => {
    if (e.kind !== "deliver") return;
    const m = e.body as PaxosRegisterMessage;
    if (m.type === "promise" && e.node === "n5") {
      tell(t`   t=${e.time.toFixed(1)}ms ${e.peer} -> n5  ${describe(m)}`);
      if (m.accepted !== null && promise === undefined) {
        promise = {
          from: e.peer!,
          ballot: ballot(m.ballot),
          acceptedBallot: ballot(m.accepted.ballot),
          acceptedValue: m.accepted.value,
        };
      }
    }
    if (m.type === "accept" && e.peer === "n5" && accept === undefined) {
      accept = { ballot: ballot(m.ballot), value: m.value };
      tell(t`   t=${e.time.toFixed(1)}ms n5 -> ${e.node}  ${describe(m)}  ← n5 adopted "red"`);
    }
  });
  tell(t`   n5 proposes "blue". Only n2, n3 and n5 are up, so every majority includes n2:`);
  let told: unknown = undefined;
  sim.request("n5", { f: "propose", value: "blue" }, 2, (r) => told = valueOf(r));
  sim.runUntil(() => told !== undefined, 2000);
  tell(
    t`   n5's client proposed "blue" and is told ${
      JSON.stringify(told)
    }.\n   Had a majority accepted "red" before the crash, "red" would have been chosen; any\n   later majority overlaps that one, so adopting the value is what keeps a chosen\n   value chosen.`,
  );
  const agreement = checker.check().length === 0;
  tell(t`   agreement: ${agreement ? t`holds` : t`VIOLATED`}`);
  if (promise === undefined || accept === undefined) {
    throw new Error("the adoption step did not show a Promise with a value and an Accept");
  }
  return { acceptedRed, promise, accept, proposed: "blue", told, agreement };
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

function duelling(out: (line: string) => void, t: Tr): PaxosResult["duel"] {
  const tell = paragraphs(out);
  tell(t`3. Duelling proposers: n1, n3 and n5 propose at once (links 1-10 ms), seeds 1-10.`);
  const result: PaxosResult["duel"][number][] = [];
  for (const backoff of [false, true]) {
    const runs = Array.from({ length: 10 }, (_, i) => duel(backoff, i + 1));
    const rounds = runs.map((r) => r.rounds);
    result.push({
      backoff,
      rounds,
      mean: rounds.reduce((a, b) => a + b, 0) / runs.length,
      max: Math.max(...rounds),
      meanMs: Math.round(runs.reduce((a, r) => a + r.ms, 0) / runs.length),
    });
  }
  const rows: (string | number)[][] = [
    ["backoff", "rounds per seed", "mean", "max", "mean ms"].map(t.text),
  ];
  for (const r of result) {
    rows.push([
      r.backoff ? t`randomized` : t`none`,
      r.rounds.join(" "),
      r.mean.toFixed(1),
      r.max,
      r.meanMs,
    ]);
  }
  for (const l of table(rows)) out(`  ${l}`);
  tell(
    t`  Without backoff a beaten proposer outbids at once and pre-empts the winner's\n  Accept; with it, one proposer usually finishes both phases alone.\n  This is the FLP impossibility result (Fischer, Lynch, Paterson, 1985) at work: in an\n  asynchronous network where even one node may fail, no deterministic protocol can\n  guarantee that it decides. Paxos stays safe in every run above and gives up only\n  guaranteed progress; random backoff (or a timeout-elected leader) makes a decision\n  very likely, never certain.`,
  );
  return result;
}

function minority(out: (line: string) => void, t: Tr): PaxosResult["minority"] {
  const tell = paragraphs(out);
  tell(t`4. A minority never decides alone: {n1,n2} | {n3,n4,n5}.`);
  const sim = new Simulation({ protocol: paxosRegister, nodes: 5, seed: SEED });
  const checker = checkAgreementAfterEveryStep(sim);
  sim.network.partition([["n1", "n2"], ["n3", "n4", "n5"]]);
  let n1Answer: unknown = undefined;
  sim.request("n1", { f: "propose", value: "minority" }, 1, (r) => n1Answer = valueOf(r));
  sim.runFor(2000);
  const n1Rounds = Number(sim.status("n1").rounds);
  const decidedDuringSplit = sim.nodes.some((n) => sim.status(n).decided === true);
  tell(
    t`  after 2 s: n1 started ${n1Rounds} rounds; decided anywhere: ${
      t.text(String(decidedDuringSplit))
    }; n1's client: ${n1Answer === undefined ? t`no answer` : JSON.stringify(n1Answer)}`,
  );
  sim.request("n4", { f: "propose", value: "majority" }, 2, (r) => {
    tell(t`  t=${sim.now().toFixed(1)}ms n4's client is told ${JSON.stringify(valueOf(r))}`);
  });
  sim.runFor(500);
  const majorityLearned = learnedBy(sim, ["n3", "n4", "n5"]);
  const minorityLearned = learnedBy(sim, ["n1", "n2"]);
  const side = (l: Record<NodeId, unknown>) =>
    Object.entries(l).map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(" ");
  tell(t`  majority side learned: ${side(majorityLearned)}; minority: ${side(minorityLearned)}`);
  sim.network.heal();
  tell(t`  t=${sim.now()}ms heal`);
  sim.runFor(2000);
  const n1LearnedAfterHeal = sim.status("n1").learned;
  tell(
    t`  n1's client is finally told ${JSON.stringify(n1Answer)}; n1 learned ${
      JSON.stringify(n1LearnedAfterHeal)
    }`,
  );
  const agreement = checker.check().length === 0;
  tell(t`  agreement after the heal: ${agreement ? t`holds` : t`VIOLATED`}`);
  return {
    n1Rounds,
    decidedDuringSplit,
    n1Answer,
    majorityLearned,
    minorityLearned,
    n1LearnedAfterHeal,
    agreement,
  };
}

/**
 * Runs the four parts of the Paxos scenario, printing through `out`.
 *
 * @example
 * ```ts
 * import { runPaxos } from "./paxos.ts";
 * runPaxos().race.agreement; // true
 * ```
 */
export function runPaxos(out: (line: string) => void = () => {}, lang: Lang = "en"): PaxosResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  tell(t`Each part runs on a fresh five-node cluster; times are ms since that part began.`);
  out("");
  const r1 = race(out, t);
  out("");
  const r2 = adoption(out, t);
  out("");
  const r3 = duelling(out, t);
  out("");
  const r4 = minority(out, t);
  return { race: r1, adoption: r2, duel: r3, minority: r4 };
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
  description: "single-decree Paxos: racing proposers, a Promise's value adopted, " +
    "duelling without backoff (FLP), minority partition",

  descriptionJa:
    "単一値 Paxos: 競合する提案者、Promise が運ぶ値の採用、バックオフなしの決闘 (FLP)、少数派側の分断",
  run(out, _flags, lang) {
    return runPaxos(out, lang);
  },
};
