/**
 * Every scenario `deno task scenario` can run, by name.
 *
 * @module
 */

import type { Scenario } from "./scenario.ts";
import { scenario as kvQuorum } from "./kv_quorum.ts";
import { scenario as paxos } from "./paxos.ts";
import { scenario as replicationModes } from "./replication_modes.ts";
import { scenario as raftFailover } from "./raft_failover.ts";
import { scenario as retryStorm } from "./retry_storm.ts";
import { scenario as circuitBreaker } from "./circuit_breaker.ts";
import { scenario as cap } from "./cap.ts";
import { scenario as capExercise } from "./cap_exercise.ts";
import { scenario as twoPc } from "./two_pc.ts";
import { scenario as sagaScenario } from "./saga.ts";
import { scenario as eventSourcingScenario } from "./event_sourcing.ts";
import { scenario as clocks } from "./clocks.ts";
import { scenario as partitioning } from "./partitioning.ts";
import { scenario as grayFailure } from "./gray_failure.ts";
import { scenario as bulkhead } from "./bulkhead.ts";
import { scenario as fallacies } from "./fallacies.ts";
import { scenario as byzantine } from "./byzantine.ts";
import { scenario as swimScenario } from "./swim.ts";

const SCENARIOS: readonly Scenario[] = [
  raftFailover,
  kvQuorum,
  paxos,
  replicationModes,
  cap,
  capExercise,
  retryStorm,
  circuitBreaker,
  twoPc,
  sagaScenario,
  eventSourcingScenario,
  clocks,
  partitioning,
  grayFailure,
  bulkhead,
  fallacies,
  byzantine,
  swimScenario,
];

/**
 * The scenario called `name`; throws a one-line error naming the known ones otherwise.
 *
 * @example
 * ```ts
 * import { scenarioNames } from "./registry.ts";
 * Array.isArray(scenarioNames()); // true
 * ```
 */
export function scenarioByName(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (s === undefined) {
    throw new Error(
      `unknown scenario '${name}' (known: ${scenarioNames().join(", ") || "none yet"})`,
    );
  }
  return s;
}

/**
 * The names of every scenario, with descriptions.
 *
 * @example
 * ```ts
 * import { scenarioNames } from "./registry.ts";
 * scenarioNames();
 * ```
 */
export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

/**
 * Every scenario.
 *
 * @example
 * ```ts
 * import { allScenarios } from "./registry.ts";
 * allScenarios().length >= 0; // true
 * ```
 */
export function allScenarios(): readonly Scenario[] {
  return SCENARIOS;
}
