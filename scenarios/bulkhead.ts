/**
 * Scenario `bulkhead`: one slow dependency, with and without compartments (§9).
 *
 * A front end handles requests for two back-end services, A and B, and holds one worker
 * slot (a thread, a connection) per call in flight. Both services are reached through a
 * `register` cluster: A's calls go through n2, B's through n3, and both forward to n1.
 * From t=1 s to t=4 s the link between n2 and n1 gets 1.5 s slower, so every call to A
 * waits for its 1 s timeout — a slow dependency, not a dead one.
 *
 * - One shared pool of 20 slots: A's hanging calls take every slot, and requests for B,
 *   whose service is perfectly healthy, are refused too.
 * - Bulkheads, 10 slots for A and 10 for B (the same 20): A's compartment fills and its
 *   requests fail fast; B keeps all its slots and its requests keep succeeding.
 *
 * The pools are {@link Bulkhead}s from `resilience/`, used without a queue (a request
 * that finds no free slot is refused at once) on the simulator's virtual clock.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { KvOp } from "../protocols/kv.ts";
import type { NodeId } from "../protocols/node.ts";
import { register } from "../protocols/register/register.ts";
import { Bulkhead } from "../resilience/bulkhead.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { callWithTimeout, ms, percentile } from "./sim_calls.ts";
import { translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/bulkhead.ts";

const SEED = 11;
const SERVICES = { A: "n2", B: "n3" } as const satisfies Record<string, NodeId>;
type Service = keyof typeof SERVICES;
/** Requests per service: A is the busier one. */
const PERIOD_MS: Readonly<Record<Service, number>> = { A: 5, B: 10 };
const TIMEOUT_MS = 1000;
const SLOW_FROM = 1000;
const SLOW_TO = 4000;
const SLOW_EXTRA_MS = 1500;
const END = 6000;
const POOL = 20;

/**
 * How the front end's slots are divided.
 *
 * @example
 * ```ts
 * import type { PoolMode } from "./bulkhead.ts";
 * const m: PoolMode = "bulkheads";
 * ```
 */
export type PoolMode = "shared" | "bulkheads";

/**
 * Requests of one service in one phase, under one pool mode.
 *
 * @example
 * ```ts
 * import type { ServicePhase } from "./bulkhead.ts";
 * const s: ServicePhase = {
 *   mode: "shared", phase: "A slow", service: "B",
 *   requests: 300, ok: 20, refused: 280, timeout: 0, okRate: 0.07, p99Ms: 8,
 * };
 * ```
 */
export interface ServicePhase {
  readonly mode: PoolMode;
  readonly phase: "before" | "A slow" | "after";
  readonly service: Service;
  readonly requests: number;
  readonly ok: number;
  /** Refused at once: no free slot. */
  readonly refused: number;
  readonly timeout: number;
  readonly okRate: number;
  /** p99 latency of the requests that got a slot (ms). */
  readonly p99Ms: number;
}

/**
 * What the `bulkhead` scenario found.
 *
 * @example
 * ```ts
 * import { runBulkhead } from "./bulkhead.ts";
 * const r = runBulkhead();
 * r.rows.length; // 12
 * ```
 */
export interface BulkheadResult {
  readonly pool: number;
  readonly timeoutMs: number;
  readonly rows: readonly ServicePhase[];
  /** Most slots A held at once, per mode. */
  readonly peakSlotsHeldByA: Readonly<Record<PoolMode, number>>;
}

interface Req {
  readonly service: Service;
  readonly start: number;
  outcome: "ok" | "fail" | "timeout" | "refused";
  latency: number;
}

function phaseOf(t: number): ServicePhase["phase"] | null {
  if (t < SLOW_FROM) return "before";
  if (t < SLOW_TO) return "A slow";
  // Calls to A started before the link healed still hang until their timeout.
  if (t >= SLOW_TO + TIMEOUT_MS) return "after";
  return null;
}

function simulate(mode: PoolMode): { rows: ServicePhase[]; peakA: number } {
  const sim = new Simulation({ protocol: register, nodes: ["n1", "n2", "n3"], seed: SEED });
  const shared = new Bulkhead({ maxConcurrent: POOL });
  const pools: Record<Service, Bulkhead> = mode === "shared" ? { A: shared, B: shared } : {
    A: new Bulkhead({ maxConcurrent: POOL / 2 }),
    B: new Bulkhead({ maxConcurrent: POOL / 2 }),
  };
  const reqs: Req[] = [];
  let heldByA = 0;
  let peakA = 0;
  let seq = 0;
  const arrive = (service: Service): void => {
    const req: Req = { service, start: sim.now(), outcome: "refused", latency: 0 };
    reqs.push(req);
    if (pools[service].tryAcquire()) {
      if (service === "A") peakA = Math.max(peakA, ++heldByA);
      const op: KvOp = seq++ % 2 === 0
        ? { f: "write", key: service, value: seq }
        : { f: "read", key: service };
      callWithTimeout(sim, SERVICES[service], op, TIMEOUT_MS, 1, (r) => {
        req.outcome = r.outcome;
        req.latency = r.latency;
        if (service === "A") heldByA--;
        pools[service].release();
      });
    }
    if (sim.now() + PERIOD_MS[service] < END) sim.after(PERIOD_MS[service], () => arrive(service));
  };
  sim.at(0, () => arrive("A"));
  sim.at(0, () => arrive("B"));
  const ids: number[] = [];
  sim.at(SLOW_FROM, () => {
    const slow = { delay: { kind: "constant", ms: SLOW_EXTRA_MS } } as const;
    ids.push(sim.network.addRule("n2", "n1", slow), sim.network.addRule("n1", "n2", slow));
  });
  sim.at(SLOW_TO, () => ids.forEach((id) => sim.network.remove(id)));
  sim.runUntilTime(END + 2 * TIMEOUT_MS);

  const rows: ServicePhase[] = [];
  for (const phase of ["before", "A slow", "after"] as const) {
    for (const service of ["A", "B"] as const) {
      const rs = reqs.filter((r) => r.service === service && phaseOf(r.start) === phase);
      const count = (o: Req["outcome"]) => rs.filter((r) => r.outcome === o).length;
      const ok = count("ok");
      rows.push({
        mode,
        phase,
        service,
        requests: rs.length,
        ok,
        refused: count("refused"),
        timeout: count("timeout"),
        okRate: rs.length === 0 ? 0 : ok / rs.length,
        p99Ms: percentile(rs.filter((r) => r.outcome !== "refused").map((r) => r.latency), 99),
      });
    }
  }
  return { rows, peakA };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

/**
 * Runs the scenario, printing its narration through `out`, and returns its findings.
 *
 * @example
 * ```ts
 * import { runBulkhead } from "./bulkhead.ts";
 * const r = runBulkhead();
 * r.peakSlotsHeldByA.bulkheads; // 10
 * ```
 */
export function runBulkhead(
  out: (line: string) => void = () => {},
  lang: Lang = "en",
): BulkheadResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  const shared = simulate("shared");
  const split = simulate("bulkheads");
  const rows = [...shared.rows, ...split.rows];

  tell(
    t`Bulkhead: one slow dependency must not take every caller with it (§9).\n  A front end takes a request for service A every ${PERIOD_MS.A} ms and for B every ${PERIOD_MS.B} ms;\n  each call holds a worker slot until it is answered or times out (${TIMEOUT_MS} ms).\n  A is reached through n2, B through n3 (register cluster, n1 owns the data).\n  From t=${SLOW_FROM} to t=${SLOW_TO} ms the n2-n1 link is ${SLOW_EXTRA_MS} ms slower: A hangs, B is healthy.\n  Two ways to give out ${POOL} slots: one shared pool, or a bulkhead of ${
      POOL / 2
    } per service.\n  A request that finds no free slot is refused at once.\n  ("after" starts ${TIMEOUT_MS} ms after the heal, once A's hanging calls have ended.)`,
  );
  out("");
  for (
    const l of table([
      ["pool", "phase", "service", "requests", "ok", "refused", "timeout", "ok rate", "p99 ms"].map(
        t.text,
      ),
      ...rows.map((r) => [
        r.mode === "shared" ? t`one pool of ${POOL}` : `${POOL / 2} + ${POOL / 2}`,
        t.text(r.phase),
        r.service,
        r.requests,
        r.ok,
        r.refused,
        r.timeout,
        pct(r.okRate),
        ms(r.p99Ms),
      ]),
    ])
  ) out(`  ${l}`);
  out("");
  const b = (mode: PoolMode) =>
    rows.find((r) => r.mode === mode && r.phase === "A slow" && r.service === "B")!;
  tell(
    t`With one pool, A's hanging calls held up to ${shared.peakA} of the ${POOL} slots and B's\n  requests succeeded only ${
      pct(b("shared").okRate)
    } of the time though B itself was fine:\n  the failure spread from A to B through the shared resource.\nWith bulkheads, A could hold at most ${split.peakA} slots; B succeeded ${
      pct(b("bulkheads").okRate)
    } of the time.\n  A's extra requests were refused at once instead of waiting a second each, which\n  also tells A's callers about the problem sooner.`,
  );

  return {
    pool: POOL,
    timeoutMs: TIMEOUT_MS,
    rows,
    peakSlotsHeldByA: { shared: shared.peakA, bulkheads: split.peakA },
  };
}

/**
 * The `bulkhead` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./bulkhead.ts";
 * scenario.name; // "bulkhead"
 * ```
 */
export const scenario: Scenario = {
  name: "bulkhead",
  description: "a slow service A exhausts a shared pool and fails B; bulkheads contain it (§9)",

  descriptionJa:
    "遅いサービス A が共有プールを使い切って B まで巻き込む。バルクヘッド (隔壁) で封じ込める (§9)",
  run(out, _flags, lang) {
    return runBulkhead(out, lang);
  },
};
