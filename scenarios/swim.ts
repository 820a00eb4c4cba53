/**
 * Scenario `swim`: failure detection that scales (§9).
 *
 * The chapter detects a crashed node by heartbeats and a timeout. Done all-to-all, as
 * the `heartbeat` protocol does, every node sends a beat to every other: each node's
 * traffic grows with the group. SWIM (Das, Gupta and Motivala, 2002) probes one member
 * per protocol period, asks `k` others to probe indirectly only when the direct ping
 * goes unanswered, and spreads what it learns on those same messages.
 *
 * 1. Messages each node sends per second at N = 8, 32, 128, both protocols with their
 *    defaults (heartbeat: a beat every 100 ms; SWIM: a 1 s period).
 * 2. A crash (n2): when the first node suspects it, when every node does, and for SWIM
 *    when every node has declared it dead (its suspicion timeout grows with log N).
 * 3. 10 % of every message lost, no crash: suspicions of live nodes (false positives),
 *    SWIM's refutations, and live nodes declared dead.
 *
 * Deterministic from its seed, in virtual time.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { TraceEvent } from "../nodes/trace.ts";
import { heartbeat } from "../protocols/heartbeat/heartbeat.ts";
import type { AnyProtocol, NodeId } from "../protocols/node.ts";
import { swim, swimOptions } from "../protocols/swim/mod.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/swim.ts";

const SEED = 1;
const SIZES = [8, 32, 128] as const;
const CRASHED: NodeId = "n2";
/** The heartbeat detector's history needs a few seconds of beats before a crash. */
const HB_CRASH_AT = 3000;
const SWIM_CRASH_AT = 3000;
const HB_WATCH_MS = 1000;
const SWIM_WATCH_MS = 20_000;
/** A 128-node all-to-all run costs the simulator ~7 s per simulated second (issue 23). */
const HB_DETECT_SIZES = [8, 32] as const;
const LOSS = 0.1;
const LOSS_NODES = 32;
const LOSS_MS = 10_000;

/**
 * Messages per second sent by one node, at one group size.
 *
 * @example
 * ```ts
 * import type { RateRow } from "./swim.ts";
 * const r: RateRow = { n: 32, heartbeat: 310, swim: 2, swimCrashed: 2.1 };
 * ```
 */
export interface RateRow {
  readonly n: number;
  readonly heartbeat: number;
  readonly swim: number;
  /** SWIM per live node over the 10 s after n2 crashes: ping-reqs and their pings included. */
  readonly swimCrashed: number;
}

/**
 * How long after the crash (ms) the group noticed, per detector and size; null: never
 * (or, for `confirmedAllMs`, a detector that declares nothing beyond suspicion).
 *
 * @example
 * ```ts
 * import type { DetectionRow } from "./swim.ts";
 * const d: DetectionRow = {
 *   n: 8, detector: "swim", firstSuspicionMs: 1200, allSuspectMs: 2600, confirmedAllMs: 6800,
 * };
 * ```
 */
export interface DetectionRow {
  readonly n: number;
  readonly detector: "heartbeat" | "swim";
  readonly firstSuspicionMs: number | null;
  /** When the last live node began to suspect the crashed one. */
  readonly allSuspectMs: number | null;
  /** SWIM: when the last live node declared it dead. Heartbeat: null (no such state). */
  readonly confirmedAllMs: number | null;
}

/**
 * What each detector said about live nodes under loss.
 *
 * @example
 * ```ts
 * import type { LossRow } from "./swim.ts";
 * const l: LossRow = {
 *   detector: "swim", suspicions: 300, suspectedNodes: 12, refutations: 14, declaredDead: 0,
 * };
 * ```
 */
export interface LossRow {
  readonly detector: "heartbeat" | "swim";
  /** Times some node began to suspect a live one. */
  readonly suspicions: number;
  /** Live nodes suspected at least once. */
  readonly suspectedNodes: number;
  /** SWIM's refutations (a higher incarnation); heartbeat: 0. */
  readonly refutations: number;
  /** Live nodes declared dead by some node (SWIM); heartbeat: 0 (it has no such state). */
  readonly declaredDead: number;
}

/**
 * What the `swim` scenario found.
 *
 * @example
 * ```ts
 * import type { SwimResult } from "./swim.ts";
 * const r: SwimResult = { seed: 1, rates: [], detection: [], loss: { rate: 0.1, nodes: 32, seconds: 20, rows: [] } };
 * ```
 */
export interface SwimResult {
  readonly seed: number;
  readonly rates: readonly RateRow[];
  readonly detection: readonly DetectionRow[];
  readonly loss: {
    readonly rate: number;
    readonly nodes: number;
    readonly seconds: number;
    readonly rows: readonly LossRow[];
  };
}

function sentPerNodePerSecond(
  protocol: AnyProtocol,
  n: number,
  from: number,
  ms: number,
  crash = false,
): number {
  const sim = new Simulation({ protocol, nodes: n, seed: SEED });
  sim.runUntilTime(from);
  if (crash) sim.crash(CRASHED);
  const before = sim.stats.sent;
  sim.runUntilTime(from + ms);
  const senders = crash ? n - 1 : n;
  return Math.round((sim.stats.sent - before) / senders / (ms / 1000) * 100) / 100;
}

function rates(): RateRow[] {
  // Heartbeat: one beat interval, once every node has started beating (a short window
  // keeps N = 128 affordable; the rate is steady). SWIM: ten periods.
  return SIZES.map((n) => ({
    n,
    heartbeat: sentPerNodePerSecond(heartbeat, n, 150, 100),
    swim: sentPerNodePerSecond(swim, n, 1000, 10_000),
    swimCrashed: sentPerNodePerSecond(swim, n, 1000, 10_000, true),
  }));
}

function peerOf(e: TraceEvent): unknown {
  return (e.data as { peer?: unknown } | undefined)?.peer;
}

function detection(
  protocol: AnyProtocol,
  n: number,
  crashAt: number,
  watchMs: number,
): DetectionRow {
  const sim = new Simulation({ protocol, nodes: n, seed: SEED });
  const firstSuspect = new Map<NodeId, number>();
  const dead = new Map<NodeId, number>();
  sim.onTrace((e) => {
    if (peerOf(e) !== CRASHED || e.time < crashAt) return;
    if (e.kind === "suspect" && !firstSuspect.has(e.node)) firstSuspect.set(e.node, e.time);
    if (e.kind === "dead" && !dead.has(e.node)) dead.set(e.node, e.time);
  });
  sim.at(crashAt, () => sim.crash(CRASHED));
  sim.runUntilTime(crashAt + watchMs);
  const live = n - 1;
  const after = (times: Map<NodeId, number>, all: boolean): number | null => {
    if (times.size === 0 || (all && times.size < live)) return null;
    const t = all ? Math.max(...times.values()) : Math.min(...times.values());
    return Math.round(t - crashAt);
  };
  const isSwim = protocol === swim;
  return {
    n,
    detector: isSwim ? "swim" : "heartbeat",
    firstSuspicionMs: after(firstSuspect, false),
    allSuspectMs: after(firstSuspect, true),
    confirmedAllMs: isSwim ? after(dead, true) : null,
  };
}

function lossRow(protocol: AnyProtocol): LossRow {
  const sim = new Simulation({ protocol, nodes: LOSS_NODES, seed: SEED });
  sim.network.addRule("*", "*", { drop: LOSS });
  let suspicions = 0, refutations = 0;
  const suspected = new Set<unknown>();
  const dead = new Set<unknown>();
  sim.onTrace((e) => {
    if (e.kind === "suspect") {
      suspicions++;
      suspected.add(peerOf(e));
    } else if (e.kind === "refute") refutations++;
    else if (e.kind === "dead") dead.add(peerOf(e));
  });
  sim.runUntilTime(LOSS_MS);
  return {
    detector: protocol === swim ? "swim" : "heartbeat",
    suspicions,
    suspectedNodes: suspected.size,
    refutations,
    declaredDead: dead.size,
  };
}

/**
 * Measures everything the scenario shows (no narration).
 *
 * @example
 * ```ts
 * import { measureSwim } from "./swim.ts";
 * measureSwim().rates.length; // 3
 * ```
 */
export function measureSwim(): SwimResult {
  const detectionRows: DetectionRow[] = [];
  for (const n of SIZES) {
    if ((HB_DETECT_SIZES as readonly number[]).includes(n)) {
      detectionRows.push(detection(heartbeat, n, HB_CRASH_AT, HB_WATCH_MS));
    }
    detectionRows.push(detection(swim, n, SWIM_CRASH_AT, SWIM_WATCH_MS));
  }
  return {
    seed: SEED,
    rates: rates(),
    detection: detectionRows,
    loss: {
      rate: LOSS,
      nodes: LOSS_NODES,
      seconds: LOSS_MS / 1000,
      rows: [lossRow(heartbeat), lossRow(swim)],
    },
  };
}

let measured: SwimResult | undefined;

function sec(ms: number | null, never: string): string {
  return ms === null ? never : (ms / 1000).toFixed(2);
}

/**
 * Runs the scenario, printing its narration through `out`, and returns its findings.
 *
 * @example
 * ```ts
 * import { runSwim } from "./swim.ts";
 * const lines: string[] = [];
 * runSwim((l) => lines.push(l)).detection.length; // 5
 * ```
 */
export function runSwim(out: (line: string) => void = () => {}, lang: Lang = "en"): SwimResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  // Measured once per process: the figures do not depend on the language.
  const r = measured ??= measureSwim();
  const o = swimOptions({});
  const indent = (lines: string[]) => lines.forEach((l) => out(`   ${l}`));

  tell(
    t`Failure detection at scale: all-to-all heartbeats against SWIM (§9).\n  heartbeat: every node sends a beat to every other every 100 ms and suspects a peer\n  by phi accrual. SWIM: every ${o.periodMs} ms a node pings one member, in round-robin order;\n  no ack within ${o.pingTimeoutMs} ms, and it asks ${o.k} others to ping it (ping-req); no ack by the\n  period's end, and the member is suspected. Suspicions, refutations and deaths ride\n  on the pings and acks themselves. Seed ${r.seed}, virtual time.`,
  );
  out("");
  tell(t`1. Messages sent per node per second:`);
  indent(table([
    ["N", "heartbeat", "SWIM", t`ratio`, t`SWIM, ${CRASHED} crashed`],
    ...r.rates.map((x) => [
      x.n,
      x.heartbeat,
      x.swim,
      `${Math.round(x.heartbeat / x.swim)}×`,
      x.swimCrashed,
    ]),
  ]));
  const big = r.rates[r.rates.length - 1]!;
  tell(
    t`   Heartbeats cost each node N − 1 messages per beat: ${big.heartbeat} per second at N = ${big.n}.\n   SWIM's node sends one ping and answers about one per period, whatever N is; a crash\n   adds the ping-reqs of whoever probes the crashed node, and their pings.`,
  );
  out("");
  tell(
    t`2. ${CRASHED} crashes. Seconds until the first node suspects it, until every node does,\n   and until every node has declared it dead (SWIM's suspicion timeout:\n   ${o.suspicionMult} × max(1, log10 N) periods, so a refutation has time to spread):`,
  );
  const never = t`never`;
  const hbDetected = new Set(r.detection.filter((d) => d.detector === "heartbeat").map((d) => d.n));
  indent(table([
    ["N", t`detector`, t`first suspicion`, t`all suspect`, t`all declare dead`],
    ...r.detection.flatMap((d) => [
      ...(d.detector === "swim" && !hbDetected.has(d.n)
        ? [[d.n, "heartbeat", t`(not run)`, "", ""]]
        : []),
      [
        d.n,
        d.detector === "swim" ? "SWIM" : "heartbeat",
        sec(d.firstSuspicionMs, never),
        sec(d.allSuspectMs, never),
        d.detector === "swim" ? sec(d.confirmedAllMs, never) : "-",
      ],
    ]),
  ]));
  tell(
    t`   Heartbeats notice in a fraction of a second, since every node watches every\n   other. SWIM waits for someone's turn to probe ${CRASHED} (about one prober per period),\n   then for the suspicion to spread and time out: seconds, growing with log N.\n   (N = 128 heartbeats are left out: ${
      128 * 127
    } messages per 100 ms cost the simulator\n   seconds per simulated second; issue 23.)`,
  );
  out("");
  tell(
    t`3. ${r.loss.nodes} nodes, ${
      r.loss.rate * 100
    }% of every message lost, ${r.loss.seconds} s, no crash:`,
  );
  indent(table([
    [t`detector`, t`suspicions`, t`live nodes suspected`, t`refutations`, t`declared dead`],
    ...r.loss.rows.map((l) => [
      l.detector === "swim" ? "SWIM" : "heartbeat",
      l.suspicions,
      `${l.suspectedNodes}/${r.loss.nodes}`,
      l.detector === "swim" ? l.refutations : "-",
      l.detector === "swim" ? l.declaredDead : "-",
    ]),
  ]));
  const s = r.loss.rows.find((l) => l.detector === "swim")!;
  tell(
    t`   SWIM suspects live nodes when a ping and all ${o.k} indirect probes are lost; each one\n   hears it, raises its incarnation and says it is alive, which overrides the suspicion\n   everywhere. Refutations: ${s.refutations}; live nodes declared dead: ${s.declaredDead}.\n   A member that is suspected is told so on every message sent to it, so it can\n   refute before the timeout.`,
  );
  return r;
}

/**
 * The `swim` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./swim.ts";
 * scenario.name; // "swim"
 * ```
 */
export const scenario: Scenario = {
  name: "swim",
  description:
    "SWIM beside all-to-all heartbeats: messages per node at N = 8/32/128, crash detection, false positives under 10% loss (§9)",
  descriptionJa:
    "SWIM と全対全ハートビートの比較: N = 8/32/128 でのノードあたりメッセージ数、クラッシュ検出、10% 損失下の誤検知 (§9)",
  run(out, _flags, lang) {
    return runSwim(out, lang);
  },
};
