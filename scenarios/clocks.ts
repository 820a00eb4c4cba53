/**
 * Scenario `clocks`: the chapter's Lamport figure and its vector-clock comparisons (§7).
 *
 * Three processes A, B, C: A sends to C, then to B; B, having heard from A, sends one
 * message to both A and C; C then has one local event. Replayed with the textbook rule
 * (a multicast is one send event) this gives the chapter's numbers, A = 1, 2, 5;
 * B = 3, 4; C = 2, 5, 6. distlab's node host counts every copy of a message as its own
 * send, which makes C = 2, 6, 7: the scenario shows both, and runs the same exchange on
 * the simulator to show the host's numbers are the per-copy ones. Then the vectors:
 * the chapter's two comparisons, and every pair of the figure's events classified, to
 * show that L(a) < L(b) does not imply a → b.
 *
 * @module
 */

import {
  classifyPairs,
  type ClockedEvent,
  type ExecutionStep,
  replayExecution,
} from "../clocks/execution.ts";
import type { MulticastCounting } from "../clocks/lamport.ts";
import { type Ordering, type VectorClock, vectorCompare } from "../clocks/vector.ts";
import { Simulation } from "../nodes/simulator.ts";
import type { NodeContext, Protocol, ProtocolNode } from "../protocols/node.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/clocks.ts";

const PROCESSES = ["A", "B", "C"] as const;

/** The figure as an execution; labels name each event by process and position. */
const FIGURE: readonly ExecutionStep[] = [
  { node: "A", kind: "send", id: "m1", to: ["C"], label: "a1 send m1 to C" },
  { node: "C", kind: "receive", id: "m1", label: "c1 receive m1" },
  { node: "A", kind: "send", id: "m2", to: ["B"], label: "a2 send m2 to B" },
  { node: "B", kind: "receive", id: "m2", label: "b1 receive m2" },
  { node: "B", kind: "send", id: "m3", to: ["A", "C"], label: "b2 send m3 to A and C" },
  { node: "A", kind: "receive", id: "m3", label: "a3 receive m3" },
  { node: "C", kind: "receive", id: "m3", label: "c2 receive m3" },
  { node: "C", kind: "local", label: "c3 local event" },
];

/**
 * Lamport times of each process, in event order.
 *
 * @example
 * ```ts
 * import type { LamportByProcess } from "./clocks.ts";
 * const chapter: LamportByProcess = { A: [1, 2, 5], B: [3, 4], C: [2, 5, 6] };
 * ```
 */
export type LamportByProcess = Readonly<Record<string, readonly number[]>>;

/**
 * One vector comparison the scenario makes.
 *
 * @example
 * ```ts
 * import type { VectorComparison } from "./clocks.ts";
 * const c: VectorComparison = { a: { A: 1 }, b: { B: 1 }, ordering: "concurrent" };
 * ```
 */
export interface VectorComparison {
  readonly a: VectorClock;
  readonly b: VectorClock;
  readonly ordering: Ordering;
}

/**
 * What the `clocks` scenario found.
 *
 * @example
 * ```ts
 * import { runClocks } from "./clocks.ts";
 * const r = runClocks();
 * r.multicastAsOneEvent.C; // [2, 5, 6], the chapter's figure
 * ```
 */
export interface ClocksResult {
  /** The figure with a multicast counted as one send event (the chapter's rule). */
  readonly multicastAsOneEvent: LamportByProcess;
  /** The same figure with every copy counted as a send (distlab's node host). */
  readonly multicastPerCopy: LamportByProcess;
  /** Lamport times the simulator's node hosts stamped on the same exchange. */
  readonly simulator: LamportByProcess;
  /** The figure's events (chapter rule) with both clocks. */
  readonly events: readonly ClockedEvent[];
  /** The chapter's two vector comparisons. */
  readonly chapterComparisons: readonly VectorComparison[];
  /** Every pair of the figure's events. */
  readonly pairs: {
    readonly total: number;
    readonly happenedBefore: number;
    readonly concurrent: number;
    /** Pairs ordered by happened-before whose Lamport times are not increasing (must be 0). */
    readonly happenedBeforeButLamportNotLess: number;
    /** Concurrent pairs that Lamport times alone would order: the converse fails. */
    readonly concurrentButLamportLess: readonly { a: string; b: string }[];
  };
}

function byProcess(events: readonly { node: string; lamport: number }[]): LamportByProcess {
  const out: Record<string, number[]> = {};
  for (const p of PROCESSES) out[p] = [];
  for (const e of events) out[e.node]!.push(e.lamport);
  return out;
}

function replay(counting: MulticastCounting): ClockedEvent[] {
  return replayExecution(FIGURE, counting);
}

/** The figure played by real node hosts: A starts on its first tick, C's local event is a client request. */
function figureProtocol(): Protocol<{ type: string }, { f: string }> {
  return {
    name: "clocks-figure",
    description: "the chapter's Lamport figure, as messages",
    tickMs: 1000,
    check: "none",
    events: ["receive", "local"],
    create(ctx: NodeContext<{ type: string }>): ProtocolNode<{ type: string }, { f: string }> {
      let started = false;
      return {
        tick() {
          if (ctx.id !== "A" || started) return;
          started = true;
          ctx.send("C", { type: "m1" });
          ctx.send("B", { type: "m2" });
        },
        message(_from, m) {
          // Emitted before any send, so it carries the receipt's own stamp.
          ctx.emit("receive");
          // One multicast is two `send` calls: the host stamps each copy separately.
          if (ctx.id === "B" && m.type === "m2") {
            ctx.send("A", { type: "m3" });
            ctx.send("C", { type: "m3" });
          }
        },
        request(req) {
          ctx.emit("local");
          ctx.reply(req.id, { type: "ok" });
        },
        status: () => ({ role: "process" }),
      };
    },
  };
}

function simulate(): LamportByProcess {
  const sim = new Simulation({
    protocol: figureProtocol(),
    nodes: [...PROCESSES],
    seed: 7,
    network: { delay: { kind: "constant", ms: 5 } },
  });
  const stamps: { node: string; lamport: number }[] = [];
  sim.onTrace((e) => {
    // The host's own "deliver" line carries the clock after the handler's sends, so a
    // receipt is read from the event the protocol emits on arrival.
    if (
      (e.kind === "send" || e.kind === "receive" || e.kind === "local") &&
      e.lamport !== undefined
    ) stamps.push({ node: e.node, lamport: e.lamport });
  });
  sim.runUntil(() => stamps.filter((s) => s.node === "C").length === 2, 5000);
  sim.request("C", { f: "local" }, 1);
  sim.runFor(10);
  return byProcess(stamps);
}

function fmtVector(v: VectorClock): string {
  return `[${PROCESSES.map((p) => `${p}:${v[p] ?? 0}`).join(", ")}]`;
}

/**
 * Runs the scenario, printing its narration through `out`, and returns its findings.
 *
 * @example
 * ```ts
 * import { runClocks } from "./clocks.ts";
 * const lines: string[] = [];
 * const r = runClocks((l) => lines.push(l));
 * r.pairs.happenedBeforeButLamportNotLess; // 0
 * ```
 */
export function runClocks(out: (line: string) => void = () => {}, lang: Lang = "en"): ClocksResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  const events = replay("one-event");
  const perCopy = replay("per-destination");
  const chapter = byProcess(events);
  const copies = byProcess(perCopy);
  const simulator = simulate();

  tell(
    t`Logical clocks: the chapter's Lamport figure, then its vector clocks (§7).\n  Rules: a local event or a send adds 1; a receipt takes max(own, stamp) + 1.\n  A sends m1 to C, then m2 to B; B, after m2, sends m3 to both A and C; C ends\n  with a local event.`,
  );
  out("");
  tell(t`Events with the textbook rule (one multicast = one send event):`);
  for (
    const l of table([
      [t.text("event"), t.text("process"), "Lamport", t.text("vector")],
      ...events.map((e) => [t.text(e.label), e.node, e.lamport, fmtVector(e.vector)]),
    ])
  ) out(`  ${l}`);
  out("");
  tell(t`Lamport times per process, three ways of counting the multicast m3:`);
  const rows: (string | number)[][] = [
    [t.text("process"), t.text("one event (chapter)"), t.text("per copy"), t.text("simulator")],
  ];
  for (const p of PROCESSES) {
    rows.push([p, chapter[p]!.join(", "), copies[p]!.join(", "), simulator[p]!.join(", ")]);
  }
  for (const l of table(rows)) out(`  ${l}`);
  tell(
    t`  With one event, B's send of m3 is 4 for both copies and C receives it at 5,\n  as in the chapter. distlab's node host stamps each copy as its own send (4 to A,\n  5 to C), so C receives at 6 and its local event is 7: still a valid Lamport\n  clock (every causal step increases), just with one more tick. The simulator run\n  of the same exchange agrees with the per-copy column.`,
  );
  out("");

  const chapterPairs: [VectorClock, VectorClock][] = [
    [{ A: 1, B: 0, C: 0 }, { A: 0, B: 1, C: 0 }],
    [{ A: 1, B: 0, C: 0 }, { A: 2, B: 1, C: 0 }],
  ];
  const chapterComparisons = chapterPairs.map(([a, b]) => ({
    a,
    b,
    ordering: vectorCompare(a, b),
  }));
  tell(t`The chapter's vector comparisons:`);
  for (const c of chapterComparisons) {
    const why = c.ordering === "concurrent"
      ? t`neither is <= the other in every entry: concurrent`
      : c.ordering === "before"
      ? t`every entry <= and one < : the first happened before the second`
      : t`every entry >= and one > : the second happened before the first`;
    tell(t`  ${fmtVector(c.a)} vs ${fmtVector(c.b)}: ${why}`);
  }
  tell(t`  (In the figure, [A:1, B:0, C:0] is a1 and [A:2, B:1, C:0] is b1.)`);
  out("");

  const pairs = classifyPairs(events);
  const ordered = pairs.filter((p) => p.ordering === "before" || p.ordering === "after");
  const concurrent = pairs.filter((p) => p.ordering === "concurrent");
  const counter = concurrent.filter((p) => {
    const a = events.find((e) => e.label === p.a)!;
    const b = events.find((e) => e.label === p.b)!;
    return a.lamport !== b.lamport;
  }).map((p) => {
    const a = events.find((e) => e.label === p.a)!;
    const b = events.find((e) => e.label === p.b)!;
    return a.lamport < b.lamport ? { a: p.a, b: p.b } : { a: p.b, b: p.a };
  });
  const broken = ordered.filter((p) => {
    const a = events.find((e) => e.label === p.a)!;
    const b = events.find((e) => e.label === p.b)!;
    return p.ordering === "before" ? !(a.lamport < b.lamport) : !(b.lamport < a.lamport);
  }).length;
  tell(
    t`All ${pairs.length} pairs of the figure's ${events.length} events, by their vectors:\n  happened-before: ${ordered.length}, and in every one of them L(a) < L(b)\n    (pairs where it fails: ${broken});\n  concurrent: ${concurrent.length}, of which ${counter.length} have different Lamport\n    times, so comparing Lamport times alone would order events that are unrelated:`,
  );
  for (const c of counter.slice(0, 4)) {
    const a = events.find((e) => e.label === c.a)!;
    const b = events.find((e) => e.label === c.b)!;
    tell(t`    ${t.text(c.a)} (L=${a.lamport}) and ${t.text(c.b)} (L=${b.lamport})`);
  }
  tell(
    t`  Vector clocks tell the two cases apart; Lamport clocks only give a total order\n  consistent with causality.`,
  );

  return {
    multicastAsOneEvent: chapter,
    multicastPerCopy: copies,
    simulator,
    events,
    chapterComparisons,
    pairs: {
      total: pairs.length,
      happenedBefore: ordered.length,
      concurrent: concurrent.length,
      happenedBeforeButLamportNotLess: broken,
      concurrentButLamportLess: counter,
    },
  };
}

/**
 * The `clocks` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./clocks.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * ```
 */
export const scenario: Scenario = {
  name: "clocks",
  description: "the chapter's Lamport figure (A=1,2,5 B=3,4 C=2,5,6) and vector clocks (§7)",

  descriptionJa: "章のランポート時計の図 (A=1,2,5 B=3,4 C=2,5,6) とベクトル時計 (§7)",
  run(out, _flags, lang) {
    return runClocks(out, lang);
  },
};
