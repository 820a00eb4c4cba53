/**
 * Scenario `retry-storm`: the contention experiment behind the AWS Architecture Blog's
 * "Exponential Backoff And Jitter" (Marc Brooker, 2015), in the simulator (chapter §9).
 *
 * N clients race to increment ONE counter with optimistic concurrency: read the value,
 * then compare-and-set it to value + 1. Only one cas per value can win; every loser backs
 * off and tries again (read + cas) until its own increment lands. The counter lives in the
 * linearizable `register` protocol (n1 owns it; clients reach it through n2 and n3, so
 * each call crosses two 1–3 ms links). For N = 10, 50, 100 and each backoff variant of
 * `resilience/backoff.ts`, the scenario prints the total calls (reads + cas)
 * and the virtual time until every client has succeeded.
 *
 * What it shows: without jitter, clients that collided retry together and collide again,
 * so the work grows roughly as N² (no backoff only wastes calls, exponential backoff
 * without jitter also wastes time); jitter spreads the retries and cuts both.
 *
 * @module
 */

import { createSimClock } from "../nodes/sim_clock.ts";
import { Simulation } from "../nodes/simulator.ts";
import type { KvOp } from "../protocols/kv.ts";
import type { Reply } from "../protocols/node.ts";
import { register } from "../protocols/register/register.ts";
import { type Backoff, backoffDelay } from "../resilience/backoff.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/retry_storm.ts";
import { padEndWidth } from "../i18n/width.ts";

const SEEDS = [1, 2, 3, 4, 5];
const CLIENT_COUNTS = [10, 50, 100];
const BASE_MS = 5;
const CAP_MS = 1000;
const KEY = "counter";
/** A run that has not finished by then is a bug in the scenario, not a result. */
const MAX_MS = 1_000_000;

interface Variant {
  readonly label: string;
  readonly backoff: Backoff;
}

const exponential = (jitter: "none" | "full" | "equal" | "decorrelated"): Backoff => ({
  type: "exponential",
  baseMs: BASE_MS,
  capMs: CAP_MS,
  jitter,
});

const VARIANTS: readonly Variant[] = [
  { label: "no backoff", backoff: { type: "none" } },
  { label: "exponential, no jitter", backoff: exponential("none") },
  { label: "full jitter", backoff: exponential("full") },
  { label: "equal jitter", backoff: exponential("equal") },
  { label: "decorrelated jitter", backoff: exponential("decorrelated") },
];

/** The outcome of one race. */
interface RaceResult {
  readonly calls: number;
  readonly ms: number;
  readonly finalValue: unknown;
}

/** N clients, one counter, one backoff policy, one seed. */
function race(clients: number, backoff: Backoff, seed: number): RaceResult {
  const sim = new Simulation({ protocol: register, nodes: 3, seed });
  const clock = createSimClock(sim);
  const random = () => sim.rng.next();
  let calls = 0;
  let succeeded = 0;
  let lastSuccess = 0;

  const call = (client: number, op: KvOp, onReply: (r: Reply) => void): void => {
    calls++;
    // Clients alternate between the two forwarding nodes; n1 serialises every cas.
    sim.request(client % 2 === 0 ? "n2" : "n3", op, client, onReply);
  };

  const startClient = (client: number): void => {
    let failures = 0;
    let previousDelay: number | undefined;
    const attempt = (): void => {
      call(client, { f: "read", key: KEY }, (read) => {
        if (read.type !== "ok") throw new Error(`read failed: ${JSON.stringify(read)}`);
        const seen = read.value ?? null;
        const next = (typeof seen === "number" ? seen : 0) + 1;
        call(client, { f: "cas", key: KEY, value: [seen, next] }, (cas) => {
          if (cas.type === "ok") {
            succeeded++;
            lastSuccess = sim.now();
            return;
          }
          const delay = backoffDelay(backoff, failures, previousDelay, random);
          failures++;
          previousDelay = delay;
          if (delay === 0) attempt();
          else clock.setTimer(delay, attempt);
        });
      });
    };
    attempt();
  };

  for (let c = 0; c < clients; c++) startClient(c);
  if (!sim.runUntil(() => succeeded === clients, MAX_MS)) {
    throw new Error(`retry-storm: ${clients} clients did not all finish in ${MAX_MS} ms`);
  }
  const data = sim.host("n1")?.node.dump?.() ?? {};
  return { calls, ms: lastSuccess, finalValue: data[KEY] };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** What the storm measured: mean calls and ms per variant and client count. */
interface RetryStormResult {
  readonly calls: Record<string, number[]>;
  readonly times: Record<string, number[]>;
  readonly allCorrect: boolean;
}

function run(out: (line: string) => void, lang: Lang = "en"): RetryStormResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  tell(
    t`Retry storm: N clients increment ONE counter with read + compare-and-set (§9).\n  n1 owns "${KEY}" (register protocol, linearizable); clients reach it via n2 / n3,\n  so each call crosses two 1-3 ms links. A client whose cas loses backs off, then\n  reads and tries again until its own increment lands. Backoff per variant\n  (resilience/backoff.ts): base ${BASE_MS} ms, cap ${CAP_MS} ms.\n  Every figure is the mean over seeds ${
      SEEDS.join(", ")
    }; all clients start at t=0.`,
  );
  out("");

  const calls = new Map<string, number[]>();
  const times = new Map<string, number[]>();
  let allCorrect = true;
  for (const v of VARIANTS) {
    const c: number[] = [];
    const t: number[] = [];
    for (const n of CLIENT_COUNTS) {
      const runs = SEEDS.map((seed) => race(n, v.backoff, seed));
      if (runs.some((r) => r.finalValue !== n)) allCorrect = false;
      c.push(Math.round(mean(runs.map((r) => r.calls))));
      t.push(Math.round(mean(runs.map((r) => r.ms))));
    }
    calls.set(v.label, c);
    times.set(v.label, t);
  }
  const heads = CLIENT_COUNTS.map((n) => `N=${n}`);
  const last = CLIENT_COUNTS.length - 1;
  const nMax = CLIENT_COUNTS[last]!;

  tell(t`1. Total calls (reads + cas) until every client's increment succeeded`);
  const callRows: (string | number)[][] = [[t`variant`, ...heads, t`calls/N² at N=${nMax}`]];
  for (const v of VARIANTS) {
    const c = calls.get(v.label)!;
    callRows.push([t.text(v.label), ...c, (c[last]! / (nMax * nMax)).toFixed(2)]);
  }
  for (const l of table(callRows)) out(`  ${l}`);
  out("");

  tell(t`2. Virtual time until all N clients succeeded (ms)`);
  const timeRows: (string | number)[][] = [[t`variant`, ...heads]];
  for (const v of VARIANTS) timeRows.push([t.text(v.label), ...times.get(v.label)!]);
  for (const l of table(timeRows)) out(`  ${l}`);
  out("");

  const prev = CLIENT_COUNTS[last - 1]!;
  const ratio = nMax / prev;
  tell(t`3. Growth of the calls from N=${prev} to N=${nMax} (N² would be x${ratio * ratio})`);
  for (const v of VARIANTS) {
    const c = calls.get(v.label)!;
    tell(t`  ${padEndWidth(t.text(v.label), 22)} x${(c[last]! / c[last - 1]!).toFixed(1)}`);
  }
  const none = calls.get("exponential, no jitter")![last]!;
  const full = calls.get("full jitter")![last]!;
  const noneMs = times.get("exponential, no jitter")![last]!;
  const fullMs = times.get("full jitter")![last]!;
  out("");
  tell(
    t`  At N=${nMax}, full jitter needs ${Math.round((100 * full) / none)}% of the calls and ${
      Math.round((100 * fullMs) / noneMs)
    }% of the time\n  of exponential backoff without jitter: clients that collided wait the same delay\n  and collide again. No backoff finishes soonest only because this store has spare\n  capacity: its extra calls are free here, and are load on a real, busy server.\n  Every run ended with the counter equal to N: ${
      allCorrect ? t`yes` : t`NO`
    }`,
  );
  return {
    calls: Object.fromEntries(calls),
    times: Object.fromEntries(times),
    allCorrect,
  };
}

/**
 * The `retry-storm` scenario: read + cas contention under each backoff variant.
 *
 * @example
 * ```ts
 * import { scenario } from "./retry_storm.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * lines[0]; // "Retry storm: N clients increment ONE counter with read + compare-and-set (§9)."
 * ```
 */
export const scenario: Scenario = {
  name: "retry-storm",
  description: "N clients racing on one key with cas: backoff with and without jitter (§9)",

  descriptionJa:
    "N 個のクライアントが 1 つのキーを cas で奪い合う: ジッターあり・なしのバックオフ (§9)",
  run: (out, _flags, lang) => run(out, lang),
};
