/**
 * Scenario `circuit-breaker`: a per-node circuit breaker meets a gray failure (§9).
 *
 * A client calls every node of a 3-node `register` cluster (n1 owns the data, n2 and n3
 * forward to it) through one {@link CircuitBreaker} per node, with a timeout on every
 * call, all on the simulator's virtual clock. Then n3 is paused: alive, accepting
 * requests, processing nothing. The scenario prints, with virtual timestamps:
 *
 * 1. calls to n3 hanging until their timeout, until the breaker opens;
 * 2. calls refused at once by the open breaker (fast failures, 0 ms instead of the
 *    timeout);
 * 3. half-open trial calls while n3 is still paused, which fail and reopen it;
 * 4. n3 resumed, the next trials succeeding, and the breaker closing;
 *
 * then a latency table (p50 / p99) of the calls to n3 in each phase and one showing that
 * n1 and n2 kept serving throughout.
 *
 * @module
 */

import { createSimClock } from "../nodes/sim_clock.ts";
import { Simulation } from "../nodes/simulator.ts";
import type { KvOp } from "../protocols/kv.ts";
import type { NodeId } from "../protocols/node.ts";
import { register } from "../protocols/register/register.ts";
import { CircuitBreaker, type CircuitState } from "../resilience/circuit_breaker.ts";
import { TimeoutError } from "../resilience/timeout.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/circuit_breaker.ts";

const SEED = 42;
const NODES: readonly NodeId[] = ["n1", "n2", "n3"];
const GRAY = "n3";
const PERIOD_MS = 20;
const TIMEOUT_MS = 200;
const PAUSE_AT = 1000;
const RESUME_AT = 4000;
const LAST_CALL_AT = 5800;
const END_AT = 6000;
const WINDOW = 10;
const MINIMUM_CALLS = 5;
const FAILURE_RATE = 50;
const OPEN_WAIT_MS = 1000;
const TRIALS = 2;

type Outcome = "ok" | "failed" | "timeout" | "refused";

/** One call the client made (or tried to make). */
interface CallRecord {
  readonly node: NodeId;
  readonly start: number;
  /** The breaker's state when the call asked for permission. */
  readonly state: CircuitState;
  /** Whether the gray node was paused when the call started. */
  readonly paused: boolean;
  outcome: Outcome | "pending";
  latency: number;
}

function fmt(t: number): string {
  return `t=${t.toFixed(0).padStart(4)}ms`;
}

/** Nearest-rank percentile of `xs` (p in 0..100). */
function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function ms(x: number): string {
  return Number.isNaN(x) ? "-" : x.toFixed(1);
}

/** What happened at each breaker: every state change, per node. */
type BreakerChanges = Record<NodeId, { at: number; from: string; to: string; reason: string }[]>;

function run(out: (line: string) => void, lang: Lang = "en"): BreakerChanges {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  const sim = new Simulation({ protocol: register, nodes: [...NODES], seed: SEED });
  const clock = createSimClock(sim);
  const records: CallRecord[] = [];
  const breakers = new Map<NodeId, CircuitBreaker>();
  // Bumped on every state change: a result from an older epoch says nothing about the
  // current state, so it is not reported (as `CircuitBreaker.execute` does).
  const epochs = new Map<NodeId, number>();
  const changes = new Map<NodeId, { at: number; from: string; to: string; reason: string }[]>();
  let staleResults = 0;
  let lateAnswers = 0;
  let refusedSinceOpen = 0;
  // Only the first refusal of each open spell is printed; the rest are counted.
  let refusalShown = false;

  tell(
    t`Circuit breaker: a client calls n1, n2, n3 through one breaker per node (§9).\n  register protocol: n1 owns the data, n2 and n3 forward to it; client links 1-3 ms.\n  Every ${PERIOD_MS} ms the client sends each node one call (alternately a write and a\n  read of "x") with a ${TIMEOUT_MS} ms timeout. Each node's breaker judges its last ${WINDOW}\n  calls and opens at >= ${FAILURE_RATE}% failed (once it holds ${MINIMUM_CALLS} calls); it stays\n  open ${OPEN_WAIT_MS} ms, then lets ${TRIALS} trial calls through (half-open): if they\n  succeed it closes, otherwise it opens again.`,
  );
  out("");
  tell(t`Timeline (virtual time):`);

  const flushRefusals = (node: NodeId): void => {
    if (node !== GRAY || refusedSinceOpen === 0) return;
    tell(t`  ${fmt(sim.now())} n3: ${refusedSinceOpen} calls were refused at once since it opened`);
    refusedSinceOpen = 0;
  };

  for (const node of NODES) {
    const breaker = new CircuitBreaker({
      clock,
      window: { type: "count", size: WINDOW },
      minimumCalls: MINIMUM_CALLS,
      failureRateThreshold: FAILURE_RATE,
      openWaitMs: OPEN_WAIT_MS,
      halfOpenCalls: TRIALS,
      automaticTransitions: true,
    });
    epochs.set(node, 0);
    changes.set(node, []);
    breaker.onStateChange((from, to, reason) => {
      epochs.set(node, epochs.get(node)! + 1);
      changes.get(node)!.push({ at: sim.now(), from, to, reason });
      if (from === "open") flushRefusals(node);
      // Not `breaker.metrics()`: reading the breaker inside its own listener would run a
      // due transition before this one has finished.
      const extra = to === "open" ? t`, trials again at t=${sim.now() + OPEN_WAIT_MS}ms` : "";
      tell(t`  ${fmt(sim.now())} ${node} breaker ${from} -> ${to} (${reason})${extra}`);
      if (to === "open") refusalShown = false;
    });
    breakers.set(node, breaker);
  }

  // The client's network hop, each way; the nodes' own links are the simulator's.
  const hop = (): number => 1 + 2 * sim.rng.next();

  let seq = 0;
  const call = (node: NodeId): void => {
    const breaker = breakers.get(node)!;
    const state = breaker.state;
    const rec: CallRecord = {
      node,
      start: sim.now(),
      state,
      paused: sim.isPaused(GRAY),
      outcome: "pending",
      latency: 0,
    };
    records.push(rec);
    if (!breaker.tryAcquire()) {
      // Refused locally: no time passes, nothing is sent.
      rec.outcome = "refused";
      if (node === GRAY) {
        refusedSinceOpen++;
        if (!refusalShown && breaker.state === "open") {
          refusalShown = true;
          tell(
            t`  ${
              fmt(sim.now())
            } n3: call refused at once (0 ms, not ${TIMEOUT_MS} ms); trials resume in ${
              breaker.metrics().openUntil! - sim.now()
            } ms`,
          );
        }
      }
      return;
    }
    const trial = state === "half_open";
    if (trial && node === GRAY) tell(t`  ${fmt(sim.now())} n3: half-open trial call sent`);
    const epoch = epochs.get(node)!;
    let done = false;
    const report = (ok: boolean, error?: unknown): void => {
      if (epochs.get(node) !== epoch) {
        staleResults++;
        return;
      }
      if (ok) breaker.onSuccess(rec.latency);
      else breaker.onError(rec.latency, error);
    };
    const cancel = clock.setTimer(TIMEOUT_MS, () => {
      done = true;
      rec.outcome = "timeout";
      rec.latency = TIMEOUT_MS;
      if (node === GRAY && (epochs.get(node) === epoch)) {
        const what = trial ? t`trial call` : t`call`;
        tell(
          t`  ${fmt(sim.now())} n3: ${what} sent at t=${rec.start} timed out (${TIMEOUT_MS} ms)`,
        );
      }
      report(false, new TimeoutError(TIMEOUT_MS));
    });
    const op: KvOp = seq++ % 2 === 0
      ? { f: "write", key: "x", value: seq }
      : { f: "read", key: "x" };
    sim.after(hop(), () =>
      sim.request(node, op, 1, (reply) =>
        sim.after(hop(), () => {
          if (done) {
            if (node === GRAY) lateAnswers++;
            return;
          }
          done = true;
          cancel();
          rec.latency = sim.now() - rec.start;
          rec.outcome = reply.type === "ok" ? "ok" : "failed";
          if (trial && node === GRAY) {
            tell(
              t`  ${fmt(sim.now())} n3: trial call answered ${reply.type} in ${ms(rec.latency)} ms`,
            );
          }
          report(reply.type === "ok", reply);
        })));
  };

  const tick = (): void => {
    for (const node of NODES) call(node);
    if (sim.now() + PERIOD_MS <= LAST_CALL_AT) clock.setTimer(PERIOD_MS, tick);
  };
  clock.setTimer(0, tick);
  sim.at(PAUSE_AT, () => {
    sim.pause(GRAY);
    tell(t`  ${fmt(sim.now())} n3 paused (gray failure: alive, takes requests, processes none)`);
  });
  sim.at(RESUME_AT, () => {
    sim.resume(GRAY);
    tell(t`  ${fmt(sim.now())} n3 resumed`);
  });
  sim.runUntilTime(END_AT);

  out("");
  tell(
    t`n3's late answers (after their callers had timed out): ${lateAnswers}. A timeout is an\n  indefinite failure: the writes among them took effect after the client gave up.\nOutcomes that arrived after their breaker had changed state: ${staleResults} (calls\n  already in flight when it opened; ignored, as stale, like CircuitBreaker.execute).`,
  );
  out("");

  tell(t`Calls to n3 by phase (latency as the client saw it, virtual ms):`);
  const gray = records.filter((r) => r.node === GRAY);
  const sent = (r: CallRecord) => r.outcome !== "refused";
  const phases: [string, (r: CallRecord) => boolean][] = [
    ["closed, before the pause", (r) => r.state === "closed" && r.start < PAUSE_AT],
    ["closed, n3 paused", (r) => r.state === "closed" && r.paused],
    ["refused (open / trials taken)", (r) => !sent(r)],
    ["half-open trials, n3 paused", (r) => r.state === "half_open" && sent(r) && r.paused],
    ["half-open trials, n3 resumed", (r) => r.state === "half_open" && sent(r) && !r.paused],
    ["closed, after recovery", (r) => r.state === "closed" && r.start >= RESUME_AT],
  ];
  const rows: (string | number)[][] = [
    ["phase", "calls", "ok", "timeout", "refused", "p50 ms", "p99 ms"].map(t.text),
  ];
  for (const [label, pick] of phases) {
    const rs = gray.filter((r) => pick(r) && r.outcome !== "pending");
    const lat = rs.map((r) => r.latency);
    const count = (o: Outcome) => rs.filter((r) => r.outcome === o).length;
    rows.push([
      t.text(label),
      rs.length,
      count("ok"),
      count("timeout"),
      count("refused"),
      ms(percentile(lat, 50)),
      ms(percentile(lat, 99)),
    ]);
  }
  for (const l of table(rows)) out(`  ${l}`);
  out("");

  tell(t`The other nodes while n3 was paused (t=${PAUSE_AT}..${RESUME_AT}ms):`);
  const others: (string | number)[][] = [
    ["node", "calls", "ok", "timeout", "refused", "p50 ms", "p99 ms", "breaker changes"].map(
      t.text,
    ),
  ];
  for (const node of NODES.filter((n) => n !== GRAY)) {
    const rs = records.filter((r) => r.node === node && r.start >= PAUSE_AT && r.start < RESUME_AT);
    const lat = rs.map((r) => r.latency);
    others.push([
      node,
      rs.length,
      rs.filter((r) => r.outcome === "ok").length,
      rs.filter((r) => r.outcome === "timeout").length,
      rs.filter((r) => r.outcome === "refused").length,
      ms(percentile(lat, 50)),
      ms(percentile(lat, 99)),
      changes.get(node)!.length,
    ]);
  }
  for (const l of table(others)) out(`  ${l}`);
  out("");

  const grayChanges = changes.get(GRAY)!;
  const opened = grayChanges.filter((c) => c.to === "open");
  const closed = grayChanges.find((c) => c.to === "closed");
  const fast = gray.filter((r) => r.outcome === "refused").map((r) => r.latency);
  tell(t`Summary:`);
  const firstOpen = opened[0]?.at ?? NaN;
  const closedAt = closed?.at ?? NaN;
  tell(
    t`  n3's breaker opened ${opened.length} times, first at t=${firstOpen.toFixed(0)}ms (${
      (firstOpen - PAUSE_AT).toFixed(0)
    } ms after the pause);\n  it closed at t=${closedAt.toFixed(0)}ms (${
      (closedAt - RESUME_AT).toFixed(0)
    } ms after the resume, at the first trials after it).\n  fast failures: ${fast.length}, p99 ${
      ms(percentile(fast, 99))
    } ms against a ${TIMEOUT_MS} ms timeout: callers learn at once.`,
  );
  const othersOk = records.filter((r) =>
    r.node !== GRAY && r.start >= PAUSE_AT && r.start < RESUME_AT
  );
  tell(
    t`  n1 and n2 during the pause: ${
      othersOk.filter((r) => r.outcome === "ok").length
    } of ${othersOk.length} calls ok, their breakers never left closed: ${
      t.text(String(NODES.filter((n) => n !== GRAY).every((n) => changes.get(n)!.length === 0)))
    }.`,
  );
  return Object.fromEntries(changes);
}

/**
 * The `circuit-breaker` scenario: a breaker per node, one node paused, then resumed.
 *
 * @example
 * ```ts
 * import { scenario } from "./circuit_breaker.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * lines.some((l) => l.includes("breaker closed -> open")); // true
 * ```
 */
export const scenario: Scenario = {
  name: "circuit-breaker",
  description: "per-node circuit breakers and timeouts around a paused (gray) node (§9)",

  descriptionJa:
    "停止した (グレーな) ノードを囲むノードごとのサーキットブレーカーとタイムアウト (§9)",
  run: (out, _flags, lang) => run(out, lang),
};
