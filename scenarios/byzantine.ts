/**
 * Scenario `byzantine`: a node that lies (the chapter's Byzantine failures, §4 and §9,
 * and its fallacy "the network is secure", §2).
 *
 * 1. Raft trusts its peers. Five raft-kv nodes behind a bridge, {n1,n2} – n3 – {n4,n5}:
 *    only n3 talks to both halves, so any majority holds n3. Three runs of one seed:
 *    n3 honest (one leader; the write on the far side fails), n3 lying with the generic
 *    lie (higher terms: leaders keep being deposed, nothing commits), and n3 lying only in
 *    its vote replies (a refusal sent as a grant): n1 and n4 both lead term 1, the Raft
 *    invariants report it, both halves commit a write to `x`, the linearizability
 *    checker rejects the history, and after the heal the replicas never converge.
 * 2. PBFT with 4 replicas (f = 1) and one liar — the view-0 primary n1, in each Byzantine
 *    mode, links authenticated with HMAC-SHA256, three clients for 3 s: agreement holds
 *    among the correct replicas and every history is linearizable.
 * 3. Why 3f + 1: with 3 replicas and 1 liar, a quorum of 3 is every node, so a liar that
 *    is silent towards n2 stops all progress; a quorum of 2 lets two quorums share only the
 *    liar, and an equivocating primary makes n2 and n3 decide different requests at
 *    sequence 1.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import { BYZANTINE_MODES, type ByzantineMode, byzantineOf } from "../nodes/faults/byzantine.ts";
import type { NodeId, Reply } from "../protocols/node.ts";
import { raftKv } from "../protocols/raft/mod.ts";
import { isDefinite } from "../protocols/errors.ts";
import { pbft } from "../protocols/pbft/mod.ts";
import type { PbftNode } from "../protocols/pbft/replica.ts";
import { createHistoryRecorder } from "../history/recorder.ts";
import { checkLinearizability } from "../checker/linearizability.ts";
import { kvModel } from "../checker/models.ts";
import { startKvWorkload } from "../torture/kv_workload.ts";
import { watchInvariants } from "../torture/sim_run.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { type Tr, translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/byzantine.ts";

const SEED = 1;
const CLIENT_TIMEOUT_MS = 500;

/**
 * How n3 behaves in a Raft run: `honest`; `generic`, the simulator's `lie` mode with its
 * generic lie (every boolean true, every term one higher); `forged-votes`, the `lie` mode
 * with a lie that only turns a refused vote into a granted one.
 *
 * @example
 * ```ts
 * import type { RaftLiar } from "./byzantine.ts";
 * const l: RaftLiar = "forged-votes";
 * ```
 */
export type RaftLiar = "honest" | "generic" | "forged-votes";

/**
 * One client call and what the client was told.
 *
 * @example
 * ```ts
 * import type { ClientCall } from "./byzantine.ts";
 * const c: ClientCall = { node: "n1", op: "write x=left", answer: "ok" };
 * ```
 */
export interface ClientCall {
  readonly node: NodeId;
  readonly op: string;
  /** `ok`, `ok <value>` for a read, `fail: <error>` or `timeout`. */
  readonly answer: string;
}

/**
 * One Raft run behind the bridge.
 *
 * @example
 * ```ts
 * import { runByzantine } from "./byzantine.ts";
 * runByzantine().raft[2]!.verdict; // "not-linearizable"
 * ```
 */
export interface RaftRun {
  readonly liar: RaftLiar;
  /** Leaders when the clients start, with their terms. */
  readonly leaders: readonly { readonly node: NodeId; readonly term: number }[];
  /** The first violation of Raft's invariants among the correct nodes, and when (ms). */
  readonly invariant: { readonly atMs: number; readonly message: string } | null;
  readonly calls: readonly ClientCall[];
  /** The linearizability checker's verdict on the clients' history. */
  readonly verdict: string;
  /** `x` on every node, 2 s after the heal. */
  readonly finalX: Readonly<Record<NodeId, unknown>>;
  /** Leaders (`node/term`) 2 s after the heal. */
  readonly leadersAfterHeal: readonly string[];
  readonly converged: boolean;
  /** Votes n3's own code refused before the clients started (the lie sent them as grants). */
  readonly refusedVotes: number;
}

/**
 * PBFT, 4 replicas, n1 Byzantine in one mode.
 *
 * @example
 * ```ts
 * import { runByzantine } from "./byzantine.ts";
 * runByzantine().pbft.every((r) => r.verdict === "linearizable"); // true
 * ```
 */
export interface PbftModeRun {
  readonly mode: ByzantineMode;
  readonly ops: number;
  readonly ok: number;
  /** Each replica's view at the end. */
  readonly views: readonly number[];
  /** No invariant violation among the correct replicas. */
  readonly agreement: boolean;
  readonly verdict: string;
  /** The correct replicas hold the same data at the end. */
  readonly converged: boolean;
}

/**
 * One row of the 3f + 1 arithmetic: n replicas, f liars, quorums of q.
 *
 * @example
 * ```ts
 * import type { QuorumRow } from "./byzantine.ts";
 * const r: QuorumRow = { n: 4, f: 1, q: 3, live: true, overlap: 2, safe: true };
 * ```
 */
export interface QuorumRow {
  readonly n: number;
  readonly f: number;
  readonly q: number;
  /** q ≤ n − f: a quorum forms even when f replicas never answer. */
  readonly live: boolean;
  /** 2q − n: replicas every two quorums share. */
  readonly overlap: number;
  /** overlap ≥ f + 1: two quorums always share a correct replica. */
  readonly safe: boolean;
}

/**
 * What the `byzantine` scenario found.
 *
 * @example
 * ```ts
 * import { runByzantine } from "./byzantine.ts";
 * runByzantine().three.split.agreement; // false
 * ```
 */
export interface ByzantineResult {
  readonly raft: readonly RaftRun[];
  readonly pbft: readonly PbftModeRun[];
  readonly three: {
    readonly arithmetic: readonly QuorumRow[];
    /** f = 1, quorum 3, n3 silent towards n2. */
    readonly stalled: {
      readonly quorum: number;
      readonly answer: string;
      readonly executed: readonly number[];
      readonly views: readonly number[];
      readonly agreement: boolean;
    };
    /** f = 0, quorum 2, n1 (the primary) equivocates. */
    readonly split: {
      readonly quorum: number;
      readonly answer: string;
      /** The first invariant violation, and when (ms). */
      readonly violation: { readonly atMs: number; readonly message: string } | null;
      /** What n2 and n3 decided at sequence 1, and their data, at that moment. */
      readonly decided: Readonly<Record<NodeId, string>>;
      readonly data: Readonly<Record<NodeId, Readonly<Record<string, unknown>>>>;
      readonly agreement: boolean;
    };
  };
}

/** The first invariant violation among the correct nodes, once `sim` has run. */
function watch(sim: Simulation): () => { atMs: number; message: string } | null {
  const w = watchInvariants(sim)!;
  return () => w.found === undefined ? null : { atMs: w.found.timeMs, message: w.found.message };
}

/** An invariant's message in the narration's language (the checkers speak English). */
function invariantText(message: string, t: Tr): string {
  const two = /^election safety: (\S+) and (\S+) both leaders in term (\d+)$/.exec(message);
  if (two !== null) {
    return t`election safety: ${two[1]} and ${two[2]} both leaders in term ${two[3]}`;
  }
  const split = /^agreement: (\S+) decided (\S+) at sequence (\d+), (\S+) decided (\S+)$/.exec(
    message,
  );
  if (split !== null) {
    return t`agreement: ${split[1]} decided ${split[2]} at sequence ${split[3]}, ${
      split[4]
    } decided ${split[5]}`;
  }
  return message;
}

function answerOf(r: Reply | undefined, read: boolean): string {
  if (r === undefined) return "timeout";
  if (r.type === "ok") return read ? `ok ${JSON.stringify(r.value ?? null)}` : "ok";
  return `fail: ${r.type === "fail" ? r.error : r.type}`;
}

function raftRun(liar: RaftLiar, out: (line: string) => void, t: Tr): RaftRun {
  const sim = new Simulation({ protocol: raftKv, nodes: 5, seed: SEED });
  const byz = byzantineOf(sim);
  if (liar === "forged-votes") {
    byz.liar = (body) => {
      const m = body as { type: string };
      return m.type === "vote-resp" ? { ...m, granted: true } : m;
    };
  }
  if (liar !== "honest") byz.set("n3", "lie");
  const invariant = watch(sim);
  const tell = paragraphs(out);
  let refusedVotes = 0;
  let clients = false;
  const at = (ms: number) => `t=${ms.toFixed(1).padStart(6)} ms`;
  sim.onTrace((e) => {
    if (clients) return;
    const d = e.data as {
      to?: NodeId;
      granted?: boolean;
      term?: number;
      pre?: boolean;
      role?: string;
    };
    if (e.kind === "vote" && e.node === "n3") {
      if (d.granted === false) refusedVotes++;
      if (liar !== "forged-votes") return;
      const kind = d.pre ? t`pre-vote` : t`vote`;
      tell(
        d.granted
          ? t`  ${at(e.time)}  n3 grants ${d.to} its ${kind} for term ${d.term} (the truth)`
          : t`  ${
            at(e.time)
          }  n3's code refuses ${d.to} its ${kind} for term ${d.term}; ${d.to} is told "granted"`,
      );
    } else if (e.kind === "role" && d.role === "leader" && liar === "forged-votes") {
      tell(t`  ${at(e.time)}  ${e.node} becomes leader of term ${d.term}`);
    }
  });
  sim.network.bridge();
  sim.runFor(1000);
  const leaders = sim.nodes.filter((n) => sim.status(n).role === "leader").map((n) => ({
    node: n,
    term: Number(sim.status(n).term),
  }));
  clients = true;
  const left = leaders.find((l) => l.node === "n1" || l.node === "n2")?.node ?? "n1";
  const right = leaders.find((l) => l.node === "n4" || l.node === "n5")?.node ?? "n4";
  const history = createHistoryRecorder();
  const ns = () => Math.round(sim.now() * 1e6);
  const calls: ClientCall[] = [];
  const call = (node: NodeId, op: { f: "read" | "write"; key: string; value?: string }) => {
    const p = calls.length;
    history.invoke(p, op.f, op.key, op.value, ns());
    let r: Reply | undefined;
    sim.request(node, op, p, (x) => r = x);
    sim.runUntil(() => r !== undefined, CLIENT_TIMEOUT_MS);
    const read = op.f === "read";
    history.complete(
      p,
      r === undefined || (r.type === "fail" && !isDefinite(r.code)) || r.type === "info"
        ? "info"
        : r.type,
      read ? (r?.type === "ok" ? r.value ?? null : undefined) : op.value,
      ns(),
    );
    calls.push({
      node,
      op: read ? `read ${op.key}` : `write ${op.key}=${op.value}`,
      answer: answerOf(r, read),
    });
    sim.runFor(5);
  };
  call(left, { f: "write", key: "x", value: "left" });
  call(right, { f: "write", key: "x", value: "right" });
  call(left, { f: "read", key: "x" });
  call(right, { f: "read", key: "x" });
  const verdict = checkLinearizability(history.events(), kvModel).verdict;
  sim.network.heal();
  sim.runFor(2000);
  const finalX: Record<NodeId, unknown> = {};
  for (const n of sim.nodes) finalX[n] = sim.host(n)?.node.dump?.().x ?? null;
  const values = new Set(Object.values(finalX).map((v) => JSON.stringify(v)));
  return {
    liar,
    leaders,
    invariant: invariant(),
    calls,
    verdict,
    finalX,
    leadersAfterHeal: sim.nodes.filter((n) => sim.status(n).role === "leader").map((n) =>
      `${n}/${sim.status(n).term}`
    ),
    converged: values.size === 1,
    refusedVotes,
  };
}

function raftPart(out: (line: string) => void, t: Tr): RaftRun[] {
  const tell = paragraphs(out);
  tell(
    t`1. Raft trusts every vote and every acknowledgement. Five raft-kv nodes behind a\n   bridge: {n1,n2} and {n4,n5} cannot reach each other, n3 reaches both, so every\n   majority (3 of 5) holds n3. An honest n3 votes once per term, so only one side can\n   elect a leader. Here n3 lies, in the simulator's lie mode, with a lie of its own:\n   a vote it refuses is sent as granted, and nothing else changes.`,
  );
  const forged = raftRun("forged-votes", out, t);
  const runs = [raftRun("honest", out, t), raftRun("generic", out, t), forged];
  if (forged.invariant !== null) {
    tell(
      t`  t=${forged.invariant.atMs.toFixed(1)} ms, Raft's invariants: ${
        invariantText(forged.invariant.message, t)
      }`,
    );
  }
  for (const c of forged.calls) tell(t`  client → ${c.node}: ${c.op} → ${c.answer}`);
  tell(t`  linearizability checker: ${t.text(forged.verdict)}`);
  const [, wRight, rLeft] = forged.calls;
  if (wRight?.answer === "ok" && rLeft?.answer === 'ok "left"') {
    tell(
      t`  — the read at ${rLeft.node} returned "left" after the write of "right" at ${wRight.node} had been\n  acknowledged: no order of the four calls explains that.`,
    );
  }
  out("");
  tell(t`  The same seed and bridge, three ways for n3:`);
  const name: Record<RaftLiar, string> = {
    honest: t`honest`,
    generic: t`generic lie (terms + 1)`,
    "forged-votes": t`forged votes`,
  };
  const rows: (string | number)[][] = [
    ["n3", "leaders at 1 s", "invariants", "writes ok", "checker", "x after heal"].map(t.text),
  ];
  for (const r of runs) {
    rows.push([
      name[r.liar],
      r.leaders.map((l) => `${l.node}/${l.term}`).join(" ") || "-",
      r.invariant === null ? t`hold` : t`VIOLATED`,
      r.calls.filter((c) => c.op.startsWith("write") && c.answer === "ok").length,
      t.text(r.verdict),
      Object.entries(r.finalX).map(([n, v]) => `${n}=${v}`).join(" "),
    ]);
  }
  for (const l of table(rows)) out(`  ${l}`);
  tell(
    t`  Honest, n3 gives its one vote of term 1 to one side; the other side's write fails.\n  The generic lie claims a higher term in every message, so a candidate that hears n3\n  steps down before it wins: no leader, nothing commits — a liar can stop Raft. A forged\n  vote costs it nothing and breaks safety: two leaders in one term, two committed values\n  for x, and two halves that stay different after the heal.`,
  );
  const after = (r: RaftRun) => r.leadersAfterHeal.join(" ") || t`none`;
  tell(
    t`  Leaders 2 s after the heal: honest ${after(runs[0]!)}; generic lie ${
      after(runs[1]!)
    }; forged votes ${after(runs[2]!)}.`,
  );
  return runs;
}

function pbftModeRun(mode: ByzantineMode): PbftModeRun {
  const sim = new Simulation({
    protocol: pbft,
    nodes: 4,
    seed: SEED,
    integrity: "hmac-sha256",
    byzantine: { n1: mode },
  });
  const invariant = watch(sim);
  const w = startKvWorkload(sim, { clients: 3, untilMs: 3000, keys: 2 });
  sim.runFor(4000);
  w.finish();
  const events = w.history.events();
  const dumps = ["n2", "n3", "n4"].map((n) => JSON.stringify(sim.host(n)?.node.dump?.()));
  return {
    mode,
    ops: events.filter((e) => e.type === "invoke").length,
    ok: events.filter((e) => e.type === "ok").length,
    views: sim.nodes.map((n) => Number(sim.status(n).view)),
    agreement: invariant() === null,
    verdict: checkLinearizability(events, kvModel).verdict,
    converged: new Set(dumps).size === 1,
  };
}

function pbftPart(out: (line: string) => void, t: Tr): PbftModeRun[] {
  const tell = paragraphs(out);
  tell(
    t`2. PBFT with 4 replicas tolerates f = 1 liar: every step waits for 2f + 1 = 3 matching\n   signed votes, and a client believes a result only when f + 1 = 2 replicas agree.\n   n1, the primary of view 0, is Byzantine; links are authenticated (HMAC-SHA256), so\n   n1 cannot speak for another replica. Three clients for 3 s, each mode in turn:`,
  );
  const runs = BYZANTINE_MODES.map(pbftModeRun);
  const rows: (string | number)[][] = [
    ["n1", "operations", "ok", "views at the end", "agreement", "checker", "data"].map(t.text),
  ];
  for (const r of runs) {
    rows.push([
      r.mode,
      r.ops,
      r.ok,
      r.views.join(" "),
      r.agreement ? t`holds` : t`VIOLATED`,
      t.text(r.verdict),
      r.converged ? t`same on n2-n4` : t`differs`,
    ]);
  }
  for (const l of table(rows)) out(`  ${l}`);
  tell(
    t`  A lying or equivocating primary cannot gather 3 votes for two different requests at\n  one sequence number: any two groups of 3 among 4 share 2 replicas, at least one of\n  them correct, and a correct replica votes once. The backups time out and elect a new\n  primary (view 1).`,
  );
  return runs;
}

function quorumRows(): QuorumRow[] {
  return [[4, 1, 3], [3, 1, 2], [3, 1, 3]].map(([n, f, q]) => ({
    n: n!,
    f: f!,
    q: q!,
    live: q! <= n! - f!,
    overlap: 2 * q! - n!,
    safe: 2 * q! - n! >= f! + 1,
  }));
}

function threePart(out: (line: string) => void, t: Tr): ByzantineResult["three"] {
  const tell = paragraphs(out);
  tell(
    t`3. Why 3f + 1. A quorum of q among n replicas must form while f liars stay silent\n   (q ≤ n − f), and two quorums must share a correct replica, since the liars among the\n   shared ones can vote both ways (2q − n ≥ f + 1). Together: n ≥ 3f + 1.`,
  );
  const arithmetic = quorumRows();
  const yes = (b: boolean) => b ? t`yes` : t`no`;
  const rows: (string | number)[][] = [
    ["n", "f", "quorum", "live: q ≤ n − f", "shared: 2q − n", "safe: shared ≥ f + 1"].map(t.text),
  ];
  for (const r of arithmetic) {
    rows.push([r.n, r.f, r.q, yes(r.live), r.overlap, yes(r.safe)]);
  }
  for (const l of table(rows)) out(`  ${l}`);
  tell(t`  With 3 replicas and 1 liar, no quorum is both. Both choices, run:`);

  // Quorum 3: PBFT asked to tolerate f = 1 among 3 (option f); n3 says nothing to n2.
  const a = new Simulation({
    protocol: pbft,
    nodes: 3,
    seed: SEED,
    options: { f: 1 },
    integrity: "hmac-sha256",
    byzantine: { n3: "silent" },
  });
  const aCheck = watch(a);
  let aReply: Reply | undefined;
  a.request("n1", { f: "write", key: "x", value: 1 }, 1, (r) => aReply = r);
  a.runFor(3000);
  const stalled = {
    quorum: (a.host("n1")!.node as PbftNode).state.quorum,
    answer: answerOf(aReply, false),
    executed: a.nodes.map((n) => Number(a.status(n).commitIndex)),
    views: a.nodes.map((n) => Number(a.status(n).view)),
    agreement: aCheck() === null,
  };
  tell(
    t`  a) quorum ${stalled.quorum} (f = 1): n3 is silent towards n2. n2 never sees 3 prepares, so it\n     never commits; n1 needs n2's commit for its 3. After 3 s the client writing x=1 at\n     n1 has ${
      stalled.answer === "timeout" ? t`no answer` : stalled.answer
    }; requests executed per replica: ${stalled.executed.join(", ")}; views reached:\n     ${
      stalled.views.join(", ")
    } — view changes need 3 votes too. Safe, and stopped for good.`,
  );

  // Quorum 2: PBFT's own sizing for 3 replicas (f = 0); n1, the primary, equivocates.
  const b = new Simulation({
    protocol: pbft,
    nodes: 3,
    seed: SEED,
    integrity: "hmac-sha256",
    byzantine: { n1: "equivocate" },
  });
  const bCheck = watch(b);
  const decided: Record<NodeId, string> = {};
  const data: Record<NodeId, Record<string, unknown>> = {};
  b.afterStep(() => {
    if (bCheck() === null || Object.keys(decided).length > 0) return;
    for (const n of ["n2", "n3"]) {
      const s = (b.host(n)!.node as PbftNode).state;
      const c = s.committed.get(1);
      decided[n] = c === undefined
        ? "-"
        : c.req === null
        ? "no-op"
        : `${c.req.op.f} ${c.req.op.key}=${JSON.stringify(c.req.op.value)}`;
      data[n] = Object.fromEntries(s.kv);
    }
  });
  let bReply: Reply | undefined;
  b.request("n3", { f: "write", key: "x", value: 1 }, 1, (r) => bReply = r);
  b.runFor(1000);
  const violation = bCheck();
  const split = {
    quorum: (b.host("n2")!.node as PbftNode).state.quorum,
    answer: answerOf(bReply, false),
    violation,
    decided,
    data,
    agreement: violation === null,
  };
  const show = (n: NodeId) =>
    t`${n} decided ${decided[n] === "no-op" ? t`a no-op` : decided[n]}, holds x = ${
      data[n]?.x ?? t`nothing`
    }`;
  tell(
    t`  b) quorum ${split.quorum} (f = 0, what ⌊(3 − 1) / 3⌋ gives): n1 sends n3 the client's write\n     x=1 and n2 a no-op at sequence 1 (truth to odd peers, lies to even ones). n2's quorum\n     is {n1, n2}, n3's is {n1, n3}: they share only n1.`,
  );
  if (violation !== null) {
    tell(
      t`     t=${violation.atMs.toFixed(1)} ms, PBFT's invariants: ${
        invariantText(violation.message, t)
      }\n     ${show("n2")}; ${show("n3")}. The client at n3 was told: ${split.answer}.`,
    );
  }
  tell(
    t`  So a Byzantine-tolerant system needs at least 4 replicas for one liar, 7 for two —\n  the chapter's bound: fewer than a third of the nodes may fail that way. And the lie\n  needs no broken link: every message here was authentic. Signatures and MACs say who\n  spoke, not whether it told the truth.`,
  );
  return { arithmetic, stalled, split };
}

/**
 * Runs the three parts of the Byzantine scenario, printing through `out`.
 *
 * @example
 * ```ts
 * import { runByzantine } from "./byzantine.ts";
 * runByzantine().raft[2]!.invariant !== null; // true: two leaders in term 1
 * ```
 */
export function runByzantine(
  out: (line: string) => void = () => {},
  lang: Lang = "en",
): ByzantineResult {
  const t = translator(lang, JA);
  paragraphs(out)(
    t`A Byzantine node runs and answers, but what it says may be false. Seed ${SEED}; each\nrun starts a fresh cluster, times are ms since it started.`,
  );
  out("");
  const raft = raftPart(out, t);
  out("");
  const pbftRuns = pbftPart(out, t);
  out("");
  const three = threePart(out, t);
  return { raft, pbft: pbftRuns, three };
}

/**
 * The Byzantine scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./byzantine.ts";
 * scenario.name; // "byzantine"
 * ```
 */
export const scenario: Scenario = {
  name: "byzantine",
  description: "a lying node: forged votes give Raft two leaders in one term; PBFT with 4 " +
    "replicas stays linearizable; why 3 replicas cannot be safe and live (3f + 1)",
  descriptionJa:
    "嘘をつくノード: 偽の投票で Raft に同じ任期のリーダーが 2 つ生まれる。4 レプリカの PBFT は" +
    "線形化可能のまま。3 レプリカでは安全と活性を両立できない理由 (3f + 1)",
  run(out, _flags, lang) {
    return runByzantine(out, lang);
  },
};
