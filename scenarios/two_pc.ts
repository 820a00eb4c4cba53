/**
 * Scenario `2pc`: the EC-site order by two-phase commit, in four acts — the happy path,
 * a participant voting no, the coordinator crashing after every participant voted yes
 * (the participants block, holding their locks, until it returns), and a coordinator
 * that logged "commit" recovering and re-sending its decision — then a fifth: the same
 * crash under Paxos Commit (`protocols/paxos_commit/`), which does not block, and the
 * messages each protocol spends per transaction.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { Reply } from "../protocols/node.ts";
import type { AnyProtocol } from "../protocols/node.ts";
import { twoPhaseCommit } from "../protocols/txn/two_phase_commit.ts";
import { paxosCommit } from "../protocols/paxos_commit/paxos_commit.ts";
import type { ParticipantRecord } from "../protocols/txn/participant.ts";
import type { TxnMessage } from "../protocols/txn/message.ts";
import { paragraphs, type Scenario, table, timeline } from "./scenario.ts";
import { ledgerTable, orderOp } from "./ec_order.ts";
import { type Tr, translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/two_pc.ts";

const PARTICIPANTS = ["n2", "n3", "n4"] as const;

/**
 * One narrated 2PC event.
 *
 * @example
 * ```ts
 * import type { TwoPcRow } from "./two_pc.ts";
 * const r: TwoPcRow = { at: 8.1, node: "n1", kind: "ack", txn: "o1", from: "n4" };
 * ```
 */
export interface TwoPcRow {
  readonly at: number;
  readonly node: string;
  readonly kind:
    | "begin"
    | "vote"
    | "decision"
    | "commit"
    | "abort"
    | "ack"
    | "end"
    | "unblocked"
    | "recover"
    | "crash";
  readonly txn?: string;
  readonly yes?: boolean;
  readonly decision?: string;
  readonly presumed?: boolean;
  /** For `ack`: the participant that acknowledged. */
  readonly from?: string;
  /** For `ack`: it came after the transaction was finished (a duplicate). */
  readonly late?: boolean;
  readonly waitedMs?: number;
}

/** Narrates the protocol's own trace events, one line each. */
function narrate(sim: Simulation, out: (line: string) => void, rows: TwoPcRow[], t: Tr): void {
  const say = timeline(out);
  const finished = new Set<string>();
  sim.onTrace((e) => {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const txn = d.txn === undefined ? {} : { txn: String(d.txn) };
    switch (e.kind) {
      case "deliver": {
        const m = e.body as TxnMessage;
        if (m.type !== "ack") return;
        const late = finished.has(m.txn);
        rows.push({
          at: e.time,
          node: e.node,
          kind: "ack",
          txn: m.txn,
          from: e.peer!,
          ...(late ? { late } : {}),
        });
        return say(
          e,
          t`coordinator: ACK for ${m.txn} from ${e.peer}` +
            (late ? t` (a duplicate: ${m.txn} is already finished; ignored)` : ""),
        );
      }
      case "begin":
        rows.push({ at: e.time, node: e.node, kind: "begin", ...txn });
        return say(
          e,
          t`coordinator: prepare ${d.txn} → ${(d.participants as string[]).join(", ")}`,
        );
      case "vote":
        rows.push({ at: e.time, node: e.node, kind: "vote", ...txn, yes: Boolean(d.yes) });
        return say(
          e,
          d.yes
            ? t`votes YES on ${d.txn}, prepared record logged, locks ${d.lock}`
            : t`votes NO on ${d.txn} (${t.text(String(d.reason))})`,
        );
      case "decision":
        rows.push({
          at: e.time,
          node: e.node,
          kind: "decision",
          ...txn,
          decision: String(d.decision),
          presumed: Boolean(d.presumed),
        });
        return say(
          e,
          t`coordinator: decision ${String(d.decision).toUpperCase()} for ${d.txn} logged` +
            (d.presumed ? t` (presumed abort: no record of it)` : ` (${t.text(String(d.reason))})`),
        );
      case "commit":
      case "abort":
        rows.push({ at: e.time, node: e.node, kind: e.kind, ...txn });
        return say(
          e,
          e.kind === "commit"
            ? t`commits ${d.txn}, releases its lock, sends ACK`
            : t`aborts ${d.txn}, releases its lock`,
        );
      case "end":
        finished.add(String(d.txn));
        rows.push({ at: e.time, node: e.node, kind: "end", ...txn });
        return say(e, t`coordinator: every participant acknowledged ${d.txn}; it is finished`);
      case "unblocked":
        // Every prepared participant is in doubt for a moment; only say so when it blocked.
        if (Number(d.waitedMs) < 100) return;
        rows.push({
          at: e.time,
          node: e.node,
          kind: "unblocked",
          ...txn,
          waitedMs: Number(d.waitedMs),
        });
        return say(e, t`was blocked on ${d.txn} for ${Number(d.waitedMs).toFixed(1)} ms`);
      case "recover":
        rows.push({ at: e.time, node: e.node, kind: "recover" });
        return say(
          e,
          d.resend
            ? t`recovers: log says commit, re-sends it for ${(d.resend as string[]).join(", ")}`
            : t`recovers: ${(d.inDoubt as string[]).join(", ")} still prepared, lock re-taken`,
        );
      case "crash":
        rows.push({ at: e.time, node: e.node, kind: "crash" });
        return say(e, t`CRASHES`);
    }
  });
}

function participantTable(sim: Simulation, t: Tr): string[] {
  return table([
    ["node", "role", "locks", "in doubt", "blocked since", "suspects"].map(t.text),
    ...PARTICIPANTS.map((n) => {
      const s = sim.status(n);
      const locks = Object.entries(s.locks as Record<string, string>).map(([k, t]) => `${k}:${t}`);
      const since = s.blockedSince as number | null;
      return [
        n,
        t.text(String(s.role)),
        locks.join(" ") || "-",
        (s.inDoubt as string[]).join(" ") || "-",
        since === null ? "-" : `${since.toFixed(1)} ms`,
        (s.suspects as string[]).join(" ") || "-",
      ];
    }),
  ]);
}

function outcome(r: Reply | undefined): string {
  if (r === undefined) return "no answer (the outcome is unknown to the client)";
  return r.type === "ok" ? "ok: committed" : `${r.type}: ${"error" in r ? r.error : ""}`;
}

/**
 * The `2pc` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./two_pc.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * lines.some((l) => l.includes("presumed abort")); // true
 * ```
 */
export const scenario: Scenario = {
  name: "2pc",
  description:
    "two-phase commit of an order: commit, a no vote, blocking on a coordinator crash, recovery",

  descriptionJa:
    "注文の 2 フェーズコミット: コミット、No 投票、コーディネーターのクラッシュによるブロック、回復",
  run(out, _flags, lang) {
    return run2pc(out, lang);
  },
};

/**
 * A participant's row in a blocking table.
 *
 * @example
 * ```ts
 * import type { ParticipantRow } from "./two_pc.ts";
 * const p: ParticipantRow = { node: "n2", locks: ["stock/item-1:o3"], inDoubt: ["o3"], suspects: ["n1"] };
 * ```
 */
export interface ParticipantRow {
  readonly node: string;
  readonly locks: readonly string[];
  readonly inDoubt: readonly string[];
  readonly suspects: readonly string[];
}

/**
 * What the `2pc` scenario found.
 *
 * @example
 * ```ts
 * import { run2pc } from "./two_pc.ts";
 * run2pc().clients.o1; // "ok: committed"
 * ```
 */
export interface TwoPcResult {
  readonly events: readonly TwoPcRow[];
  readonly clients: Readonly<Record<string, string>>;
  /** Participants at moments: `o3 blocked`, `o3 after restart`, `o4 blocked`, `o4 after restart`. */
  readonly participants: Readonly<Record<string, readonly ParticipantRow[]>>;
  /** The read of stock/item-1 at n2 while o3 was blocked. */
  readonly blockedRead: { readonly value: number; readonly lockedBy: string };
  readonly totals: { readonly committed: number; readonly aborted: number };
  /** 2PC against Paxos Commit under the same coordinator crash, at each downtime. */
  readonly comparison: readonly CommitComparison[];
}

/**
 * One protocol under a coordinator crash after every participant prepared.
 *
 * @example
 * ```ts
 * import type { CrashOutcome } from "./two_pc.ts";
 * const o: CrashOutcome = {
 *   messagesPerTxn: 12, lockHeldMs: 2320, blockedMs: 2320, decidedWhileDown: false,
 *   decision: "abort", decidedBy: "n1",
 * };
 * ```
 */
export interface CrashOutcome {
  /** Messages sent for one transaction without faults. */
  readonly messagesPerTxn: number;
  /** From the crash until the last participant released its lock, ms (rounded). */
  readonly lockHeldMs: number;
  /** How long of that the participants could only wait for the coordinator: all of it, or 0. */
  readonly blockedMs: number;
  /** The locks were released before the coordinator came back. */
  readonly decidedWhileDown: boolean;
  readonly decision: "commit" | "abort";
  /** The node that decided. */
  readonly decidedBy: string;
}

/**
 * 2PC and Paxos Commit, the coordinator down for `downMs`.
 *
 * @example
 * ```ts
 * import { compareCommit } from "./two_pc.ts";
 * const c = compareCommit(2000);
 * c.twoPc.lockHeldMs >= 2000; // true: blocked for as long as the coordinator is down
 * c.paxosCommit.decidedWhileDown; // true
 * ```
 */
export interface CommitComparison {
  readonly downMs: number;
  readonly twoPc: CrashOutcome;
  readonly paxosCommit: CrashOutcome;
}

/**
 * Runs one order without faults (to count its messages), then a second whose
 * coordinator crashes once every participant has prepared and restarts `downMs` later.
 */
function crashOutcome(protocol: AnyProtocol, downMs: number): CrashOutcome {
  const sim = new Simulation({ protocol, nodes: 4, seed: 2024 });
  const sent = sim.stats.sent;
  sim.request("n1", orderOp("p1"), 1);
  sim.runFor(500);
  const messagesPerTxn = sim.stats.sent - sent;
  let crashedAt: number | null = null, released = 0, decidedBy = "", commit = false;
  sim.afterStep(() => {
    if (crashedAt !== null) return;
    const prepared = PARTICIPANTS.every((n) =>
      (sim.disk(n).get("txn/p2") as ParticipantRecord | undefined)?.state === "prepared"
    );
    if (!prepared) return;
    crashedAt = sim.now();
    sim.crash("n1");
    sim.after(downMs, () => sim.restart("n1"));
  });
  sim.onTrace((e) => {
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (d.txn !== "p2") return;
    if (e.kind === "unblocked") released = Math.max(released, e.time);
    if (e.kind === "decision" && decidedBy === "") {
      decidedBy = e.node;
      commit = d.decision === "commit";
    }
  });
  sim.request("n1", orderOp("p2"), 1);
  sim.runFor(downMs + 3000);
  if (crashedAt === null || released === 0) throw new Error("2pc scenario: p2 never settled");
  const decidedWhileDown = released < crashedAt + downMs;
  return {
    messagesPerTxn,
    lockHeldMs: Math.round(released - crashedAt),
    blockedMs: decidedWhileDown ? 0 : Math.round(released - crashedAt),
    decidedWhileDown,
    decision: commit ? "commit" : "abort",
    decidedBy,
  };
}

/**
 * 2PC against Paxos Commit under the same crash: the coordinator down for `downMs` right
 * after every participant prepared.
 *
 * @example
 * ```ts
 * import { compareCommit } from "./two_pc.ts";
 * compareCommit(2000).paxosCommit.decidedBy; // "n2"
 * ```
 */
export function compareCommit(downMs: number): CommitComparison {
  return {
    downMs,
    twoPc: crashOutcome(twoPhaseCommit, downMs),
    paxosCommit: crashOutcome(paxosCommit, downMs),
  };
}

function participantRows(sim: Simulation): ParticipantRow[] {
  return PARTICIPANTS.map((n) => {
    const s = sim.status(n);
    return {
      node: n,
      locks: Object.entries(s.locks as Record<string, string>).map(([k, t]) => `${k}:${t}`),
      inDoubt: [...(s.inDoubt as string[])],
      suspects: [...(s.suspects as string[])],
    };
  });
}

/**
 * Runs the `2pc` scenario, printing through `out`, and returns what it found.
 *
 * @example
 * ```ts
 * import { run2pc } from "./two_pc.ts";
 * run2pc().totals; // { committed: 2, aborted: 2 }
 * ```
 */
export function run2pc(out: (line: string) => void = () => {}, lang: Lang = "en"): TwoPcResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  const sim = new Simulation({
    protocol: twoPhaseCommit,
    nodes: 4,
    seed: 2024,
    options: { refuse: { payment: ["o2"] } },
  });
  const events: TwoPcRow[] = [];
  const participants: Record<string, ParticipantRow[]> = {};
  narrate(sim, out, events, t);
  const replies = new Map<string, Reply>();
  const send = (id: string) => sim.request("n1", orderOp(id), 1, (r) => replies.set(id, r));

  tell(
    t`Two-phase commit of an EC-site order: n1 coordinator, n2 inventory, n3 payment, n4 delivery.`,
  );
  out("");
  tell(
    t`1. Happy path: every participant votes yes, the coordinator logs COMMIT, and each\n   participant answers the commit with an ACK, so the coordinator can forget o1.`,
  );
  send("o1");
  sim.runFor(200);
  tell(t`   client: ${t.text(outcome(replies.get("o1")))}`);
  for (const l of ledgerTable(sim)) out(`   ${l}`);

  out("");
  tell(t`2. The payment service votes no for o2: the coordinator aborts everywhere.`);
  send("o2");
  sim.runFor(200);
  tell(
    t`   client: ${
      t.text(outcome(replies.get("o2")))
    }\n   No ACKs for an abort. The chapter's figure draws ACKs after a commit; distlab uses\n   presumed abort, so a transaction the coordinator has no record of is aborted, and\n   only commits need acknowledging before the coordinator may forget them.`,
  );
  for (const l of ledgerTable(sim)) out(`   ${l}`);

  out("");
  tell(t`3. The coordinator crashes after every participant voted yes on o3, before it decides.`);
  let crashed = false;
  sim.afterStep(() => {
    if (crashed) return;
    const prepared = PARTICIPANTS.every((n) =>
      (sim.disk(n).get("txn/o3") as ParticipantRecord | undefined)?.state === "prepared"
    );
    if (prepared) {
      crashed = true;
      sim.crash("n1");
    }
  });
  send("o3");
  sim.runFor(2000);
  tell(
    t`   Two seconds later the participants are still blocked — they promised to commit if told\n   to and may not decide alone — and they hold their locks all the while:`,
  );
  participants["o3 blocked"] = participantRows(sim);
  for (const l of participantTable(sim, t)) out(`   ${l}`);
  let read: Reply | undefined;
  sim.request("n2", { f: "read", key: "stock/item-1" }, 2, (r) => read = r);
  sim.runFor(1);
  const rv = (read as { value: { value: number; lockedBy: string } }).value;
  tell(
    t`   A read of stock/item-1 at n2: ${rv.value} units, locked by ${rv.lockedBy}.\n   client: ${
      t.text(outcome(replies.get("o3")))
    }\n   The coordinator restarts. Presumed abort: it has no record of o3, so o3 aborted.`,
  );
  sim.restart("n1");
  sim.runFor(1000);
  participants["o3 after restart"] = participantRows(sim);
  for (const l of participantTable(sim, t)) out(`   ${l}`);

  out("");
  tell(t`4. The coordinator logs COMMIT for o4, its commit messages are lost, and it crashes.`);
  let cut = false;
  sim.onTrace((e) => {
    if (!cut && e.kind === "decision" && e.node === "n1") {
      cut = true;
      sim.network.isolate("n1");
      sim.after(0, () => sim.crash("n1"));
    }
  });
  send("o4");
  sim.runFor(1500);
  tell(
    t`   client: ${
      t.text(outcome(replies.get("o4")))
    } (the decision was on disk before the answer)`,
  );
  participants["o4 blocked"] = participantRows(sim);
  for (const l of participantTable(sim, t)) out(`   ${l}`);
  tell(t`   The coordinator restarts, reads COMMIT in its log and re-sends it.`);
  sim.network.heal();
  sim.restart("n1");
  sim.runFor(1000);
  participants["o4 after restart"] = participantRows(sim);
  for (const l of participantTable(sim, t)) out(`   ${l}`);
  for (const l of ledgerTable(sim)) out(`   ${l}`);
  const c = sim.status("n1");
  out("");
  tell(t`Coordinator totals: ${c.committed} committed, ${c.aborted} aborted.`);

  out("");
  tell(
    t`5. The same crash under Paxos Commit (Gray and Lamport): each participant's vote is\n   chosen by its own Paxos instance among three acceptors (n1, n2, n3), so when the\n   coordinator dies after every prepare, n2 takes over, finishes the instances and\n   decides — proposing abort for any vote it cannot find. The coordinator stays down\n   for 2 s, then 4 s:`,
  );
  const comparison = [2000, 4000].map(compareCommit);
  const yesNo = (b: boolean) => b ? t.text("yes") : t.text("no");
  out("");
  for (
    const l of table([
      [
        "protocol",
        "coordinator down",
        "locks held",
        "blocked",
        "released while down",
        "decision",
        "decided by",
        "messages per transaction",
      ].map(t.text),
      ...comparison.flatMap((c) =>
        [["2PC", c.twoPc], ["Paxos Commit", c.paxosCommit]].map(([name, o]) => {
          const x = o as CrashOutcome;
          return [
            String(name),
            `${c.downMs} ms`,
            `${x.lockHeldMs} ms`,
            `${x.blockedMs} ms`,
            yesNo(x.decidedWhileDown),
            t.text(x.decision),
            x.decidedBy,
            x.messagesPerTxn,
          ];
        })
      ),
    ])
  ) out(`   ${l}`);
  const [short, long] = comparison as [CommitComparison, CommitComparison];
  tell(
    t`   2PC blocks for as long as the coordinator is down (${short.twoPc.blockedMs} ms, then ${long.twoPc.blockedMs} ms);\n   Paxos Commit does not block: its participants wait ${long.paxosCommit.lockHeldMs} ms, the takeover delay,\n   however long the coordinator stays down. The price is messages: ${long.paxosCommit.messagesPerTxn} per\n   transaction against 2PC's ${long.twoPc.messagesPerTxn} (here F = 1: two more acceptors hear every vote).`,
  );
  return {
    events,
    clients: Object.fromEntries(
      ["o1", "o2", "o3", "o4"].map((id) => [id, outcome(replies.get(id))]),
    ),
    participants,
    blockedRead: rv,
    totals: { committed: Number(c.committed), aborted: Number(c.aborted) },
    comparison,
  };
}
