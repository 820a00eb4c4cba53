/**
 * Scenario `gray-failure`: a node that is neither up nor down (§9).
 *
 * The chapter's gray failure is a partial one — more latency, some packets lost — and
 * the hardest to detect. Here n3's links, both ways, take 60 ± 20 ms instead of 1–3 ms
 * and lose 20 % of messages for four seconds; n3 itself keeps running.
 *
 * 1. The clients' view: a 3-node `register` cluster (n1 owns the data; n2 and n3
 *    forward to it). A client calls each node every 20 ms with a 300 ms timeout. Calls
 *    through n3 get slow and some time out; n1 and n2 do not notice.
 * 2. The failure detector's view: the `heartbeat` protocol under the same fault. Its
 *    fixed-timeout and phi-accrual detectors at n1 rarely or never suspect n3, because
 *    enough heartbeats still arrive — while the same detectors catch a paused n3 (the
 *    crash-like case) within about half a second and for the whole pause.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { LinkFaults } from "../nodes/faults/network.ts";
import { heartbeat } from "../protocols/heartbeat/heartbeat.ts";
import type { KvOp } from "../protocols/kv.ts";
import type { NodeId } from "../protocols/node.ts";
import { register } from "../protocols/register/register.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import {
  type CallRecord,
  type CallSummary,
  callWithTimeout,
  ms,
  summarizeCalls,
} from "./sim_calls.ts";
import { translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/gray_failure.ts";

const SEED = 42;
const NODES: readonly NodeId[] = ["n1", "n2", "n3"];
const GRAY: NodeId = "n3";
const GRAY_FAULT: LinkFaults = { delay: { kind: "normal", mean: 60, jitter: 20 }, drop: 0.2 };
const FAULT_FROM = 2000;
const FAULT_TO = 6000;
/** Calls started this long after the heal may still meet the fault's backlog. */
const SETTLE_MS = 500;
const END = 8000;
const PERIOD_MS = 20;
const TIMEOUT_MS = 300;
const SAMPLE_MS = 10;

/**
 * The clients' view of one node in one phase.
 *
 * @example
 * ```ts
 * import type { NodePhase } from "./gray_failure.ts";
 * const p: NodePhase = {
 *   node: "n3", phase: "gray",
 *   calls: { calls: 200, ok: 120, fail: 0, timeout: 80, okRate: 0.6, p50: 250, p99: 300 },
 * };
 * ```
 */
export interface NodePhase {
  readonly node: NodeId;
  readonly phase: "healthy" | "gray" | "healed";
  readonly calls: CallSummary;
}

/**
 * What n1's failure detectors said about n3 while it was faulty.
 *
 * @example
 * ```ts
 * import type { DetectorView } from "./gray_failure.ts";
 * const v: DetectorView = {
 *   fault: "paused", detector: "fixed", suspectedShare: 0.87, episodes: 1, firstSuspicionMs: 510,
 * };
 * ```
 */
export interface DetectorView {
  readonly fault: "gray" | "paused";
  readonly detector: "fixed" | "phi";
  /** Share of the fault window during which n1 suspected n3. */
  readonly suspectedShare: number;
  /** How many separate times n1 began to suspect n3 (more than one is flapping). */
  readonly episodes: number;
  /** Ms from the fault's start to the first suspicion, or null if never. */
  readonly firstSuspicionMs: number | null;
}

/**
 * What the `gray-failure` scenario found.
 *
 * @example
 * ```ts
 * import { runGrayFailure } from "./gray_failure.ts";
 * const r = runGrayFailure();
 * r.detectors.length; // 4
 * ```
 */
export interface GrayFailureResult {
  readonly fault: LinkFaults;
  readonly timeoutMs: number;
  readonly clients: readonly NodePhase[];
  readonly detectors: readonly DetectorView[];
}

function phaseOf(start: number): NodePhase["phase"] | null {
  if (start < FAULT_FROM) return "healthy";
  if (start < FAULT_TO) return "gray";
  if (start >= FAULT_TO + SETTLE_MS) return "healed";
  return null;
}

function grayLinks(sim: Simulation): () => void {
  const ids = [
    sim.network.addRule(GRAY, "*", GRAY_FAULT),
    sim.network.addRule("*", GRAY, GRAY_FAULT),
  ];
  return () => ids.forEach((id) => sim.network.remove(id));
}

function clientsView(): NodePhase[] {
  const sim = new Simulation({ protocol: register, nodes: [...NODES], seed: SEED });
  const records: CallRecord[] = [];
  let seq = 0;
  const tick = (): void => {
    for (const node of NODES) {
      const op: KvOp = seq++ % 2 === 0
        ? { f: "write", key: node, value: seq }
        : { f: "read", key: node };
      callWithTimeout(sim, node, op, TIMEOUT_MS, 1, (r) => records.push(r));
    }
    if (sim.now() + PERIOD_MS < END) sim.after(PERIOD_MS, tick);
  };
  sim.at(0, tick);
  let heal = (): void => {};
  sim.at(FAULT_FROM, () => heal = grayLinks(sim));
  sim.at(FAULT_TO, () => heal());
  sim.runUntilTime(END + TIMEOUT_MS);
  const out: NodePhase[] = [];
  for (const phase of ["healthy", "gray", "healed"] as const) {
    for (const node of NODES) {
      const rs = records.filter((r) => r.node === node && phaseOf(r.start) === phase);
      out.push({ node, phase, calls: summarizeCalls(rs) });
    }
  }
  return out;
}

function detectorsView(fault: DetectorView["fault"]): DetectorView[] {
  const sim = new Simulation({ protocol: heartbeat, nodes: [...NODES], seed: SEED });
  let heal = (): void => {};
  sim.at(FAULT_FROM, () => {
    if (fault === "gray") heal = grayLinks(sim);
    else sim.pause(GRAY);
  });
  sim.at(FAULT_TO, () => fault === "gray" ? heal() : sim.resume(GRAY));
  const samples: { fixed: boolean; phi: boolean }[] = [];
  for (let t = FAULT_FROM; t < FAULT_TO; t += SAMPLE_MS) {
    sim.runUntilTime(t);
    const s = sim.status("n1");
    samples.push({
      fixed: (s.fixedSuspects as string[]).includes(GRAY),
      phi: (s.suspects as string[]).includes(GRAY),
    });
  }
  return (["fixed", "phi"] as const).map((detector) => {
    const seen = samples.map((s) => s[detector]);
    const episodes = seen.filter((x, i) => x && (i === 0 || !seen[i - 1])).length;
    const first = seen.indexOf(true);
    return {
      fault,
      detector,
      suspectedShare: seen.filter((x) => x).length / seen.length,
      episodes,
      firstSuspicionMs: first < 0 ? null : first * SAMPLE_MS,
    };
  });
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

/**
 * Runs the scenario, printing its narration through `out`, and returns its findings.
 *
 * @example
 * ```ts
 * import { runGrayFailure } from "./gray_failure.ts";
 * const lines: string[] = [];
 * runGrayFailure((l) => lines.push(l));
 * ```
 */
export function runGrayFailure(
  out: (line: string) => void = () => {},
  lang: Lang = "en",
): GrayFailureResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  const clients = clientsView();
  const detectors = [...detectorsView("gray"), ...detectorsView("paused")];
  const delay = GRAY_FAULT.delay as { mean: number; jitter: number };

  tell(
    t`Gray failure: n3 is slow and lossy, not down (§9).\n  From t=${FAULT_FROM} to t=${FAULT_TO} ms every message to or from n3 takes ${delay.mean} ± ${delay.jitter} ms\n  (instead of 1-3 ms) and is lost with probability ${GRAY_FAULT.drop}. n3's process\n  runs normally.`,
  );
  out("");
  tell(
    t`1. The clients' view: register protocol (n1 owns the data, n2 and n3 forward to it);\n   every ${PERIOD_MS} ms a client calls each node with a ${TIMEOUT_MS} ms timeout.\n   (Calls started in the ${SETTLE_MS} ms after the heal are left out: they meet the\n   backlog of the fault.)`,
  );
  for (
    const l of table([
      ["phase", "node", "calls", "ok", "timeout", "ok rate", "p50 ms", "p99 ms"].map(t.text),
      ...clients.map((c) => [
        t.text(c.phase),
        c.node,
        c.calls.calls,
        c.calls.ok,
        c.calls.timeout,
        pct(c.calls.okRate),
        ms(c.calls.p50),
        ms(c.calls.p99),
      ]),
    ])
  ) out(`   ${l}`);
  const g = clients.find((c) => c.phase === "gray" && c.node === GRAY)!.calls;
  tell(
    t`   Through n3, ${pct(g.okRate)} of calls succeeded, with a median of ${
      ms(g.p50)
    } ms;\n   the rest timed out, their outcome unknown to the client. n1 and n2 did not change.`,
  );
  out("");
  tell(
    t`2. The failure detector's view: the heartbeat protocol (a beat every 100 ms; fixed\n   timeout 500 ms; phi-accrual threshold 8), what n1 thinks of n3 during the fault,\n   against the same four seconds with n3 paused (alive but processing nothing):`,
  );
  for (
    const l of table([
      ["n3 was", "detector", "suspected for", "suspicion episodes", "first suspicion"].map(t.text),
      ...detectors.map((d) => [
        d.fault === "gray" ? t`gray (slow, lossy)` : t`paused`,
        d.detector === "fixed" ? t`fixed timeout` : t`phi accrual`,
        pct(d.suspectedShare),
        d.episodes,
        d.firstSuspicionMs === null ? t`never` : t`after ${d.firstSuspicionMs} ms`,
      ]),
    ])
  ) out(`   ${l}`);
  const grayMax = Math.max(
    ...detectors.filter((d) => d.fault === "gray").map((d) => d.suspectedShare),
  );
  tell(
    t`   While a third of n3's calls failed, n1 suspected it for at most ${
      pct(grayMax)
    } of the\n   time, in short spells. A heartbeat only needs to arrive now and then; a client\n   needs its own answer in time. Gray failure shows in what clients experience\n   (latency and error rate per node, which the circuit-breaker scenario acts on),\n   not in liveness checks.`,
  );

  return { fault: GRAY_FAULT, timeoutMs: TIMEOUT_MS, clients, detectors };
}

/**
 * The `gray-failure` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./gray_failure.ts";
 * scenario.name; // "gray-failure"
 * ```
 */
export const scenario: Scenario = {
  name: "gray-failure",
  description:
    "added latency and partial loss on one node: clients suffer, detectors see 'up' (§9)",

  descriptionJa:
    "1 台のノードに遅延と部分的な損失: クライアントは苦しむのに、検出器には「稼働中」に見える (§9)",
  run(out, _flags, lang) {
    return runGrayFailure(out, lang);
  },
};
